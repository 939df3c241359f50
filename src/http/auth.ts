/**
 * Who is calling, and may they: bearer tokens for programs, session cookies for the dashboard,
 * and no authentication at all for a loopback-only `--insecure` dev server.
 *
 * Two roles: `read` (every GET but the audit log) and `admin` (everything).
 *
 * Tokens are compared in constant time: both sides are hashed to SHA-256 first, so
 * `timingSafeEqual` always compares 32 bytes and neither the content nor the length of a
 * configured token leaks through response timing. Every configured token is checked (no
 * early exit), so the position of a match does not leak either.
 *
 * CSRF (`csrf`): a browser attaches cookies on its own, so a cookie-authenticated state change
 * must prove it comes from the dashboard's own page: the same origin (Sec-Fetch-Site / Origin)
 * and the session's CSRF token in `X-Spool-Request`. A server without auth trusts nobody in
 * particular either, so its state changes need `X-Spool-Request: 1` (a custom header, which a
 * cross-site page cannot send without a CORS preflight the server does not grant) from the same
 * origin. A bearer token is never attached by a browser on its own: bearer calls need neither.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { InvalidArgumentError } from "../core/errors/index.js";
import { HttpError } from "./errors.js";
import type { FailureLimiter } from "./rate-limit.js";
import type { Role } from "./role.js";
import { readSessionCookie, type SessionKeys } from "./session.js";

export interface ApiToken {
  token: string;
  role: Role;
  /**
   * Who holds it, as the audit log names them ("alice", "ci-deploy"). Default: the token's
   * fingerprint (`token:1a2b3c4d`, the first 8 hex digits of its SHA-256).
   */
  name?: string;
}

const NAME = /^[A-Za-z0-9._@-]{1,64}$/;

/**
 * Parses `SPOOL_API_TOKENS`: comma-separated `role:token` or `role/name:token` pairs, e.g.
 * `admin/alice:s3cret,read:0ther`.
 */
export function parseTokenList(text: string): ApiToken[] {
  const out: ApiToken[] = [];
  for (const part of text.split(",")) {
    const item = part.trim();
    if (!item) continue;
    const colon = item.indexOf(":");
    const [role, name, ...rest] = item.slice(0, Math.max(colon, 0)).split("/");
    if (
      colon < 1 ||
      (role !== "read" && role !== "admin") ||
      rest.length > 0 ||
      (name !== undefined && !NAME.test(name))
    )
      throw new InvalidArgumentError(
        'SPOOL_API_TOKENS must look like "admin:<secret>,read:<secret>" (or "admin/<name>:<secret>")',
        "SPOOL_API_TOKENS",
      );
    out.push(
      name === undefined
        ? { role, token: item.slice(colon + 1) }
        : { role, name, token: item.slice(colon + 1) },
    );
  }
  return out;
}

export function checkTokenName(name: string | undefined): void {
  if (name !== undefined && !NAME.test(name))
    throw new InvalidArgumentError(`token name must match ${NAME}, got ${JSON.stringify(name)}`, "tokens");
}

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

/** A token's public name: its configured name, or a fingerprint that does not reveal it. */
export function fingerprint(token: string): string {
  return digest(token).toString("hex").slice(0, 8);
}

export interface TokenMatch {
  role: Role;
  actor: string;
  /** The token's fingerprint: a session made from it lives only while it is configured. */
  fingerprint: string;
}

export class TokenChecker {
  private readonly entries: { digest: Buffer; match: TokenMatch }[];

  constructor(tokens: readonly ApiToken[]) {
    this.entries = tokens.map((t) => {
      const fp = fingerprint(t.token);
      return {
        digest: digest(t.token),
        match: { role: t.role, actor: t.name ?? `token:${fp}`, fingerprint: fp },
      };
    });
  }

  /** The strongest grant of the presented token, or null. */
  check(presented: string): TokenMatch | null {
    const d = digest(presented);
    let found: TokenMatch | null = null;
    for (const e of this.entries) {
      if (timingSafeEqual(d, e.digest) && found?.role !== "admin") found = e.match;
    }
    return found;
  }

  /** The grant of the configured token with this fingerprint and role, if it is still configured. */
  byFingerprint(fp: string, role: Role): TokenMatch | null {
    return this.entries.find((e) => e.match.fingerprint === fp && e.match.role === role)?.match ?? null;
  }
}

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function isMutating(method: string): boolean {
  return MUTATING.has(method);
}

/** The authenticated caller of a request. */
export interface Caller {
  role: Role;
  /** Who, as the audit log names them. */
  actor: string;
  via: "bearer" | "session" | "insecure";
  /** The session (via "session"): its id, expiry and CSRF token. */
  session?: { id: string; expiresAt: number; csrfToken: string };
}

export type AuthVariables = { role: Role; caller: Caller };

/** The value `X-Spool-Request` must have on a server without auth. */
export const INSECURE_CSRF_VALUE = "1";
export const CSRF_HEADER = "x-spool-request";

export interface AuthConfig {
  checker: TokenChecker;
  insecure: boolean;
  keys: SessionKeys | null;
  cookieName: string;
  limiter: FailureLimiter;
  now(): number;
  /** Is this session id logged out (asks the backend)? */
  revoked(id: string): Promise<boolean>;
  /** The client's address (rate limiting, audit). */
  address(c: Context): string;
  /** Paths served without authentication (relative to the mount point). */
  isPublic(c: Context): boolean;
  /** State-changing calls any role may make (logging out). */
  anyRole(c: Context): boolean;
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** The host name of a Host header, without the port. */
function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(0, h.indexOf("]") + 1);
  return h.split(":")[0] ?? "";
}

export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = hostName(host);
  return (
    LOOPBACK_HOSTS.has(name) || name.endsWith(".localhost") || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
  );
}

function unauthorized(c: Context, message: string): HttpError {
  c.header("WWW-Authenticate", 'Bearer realm="spool"');
  return new HttpError("UNAUTHORIZED", message);
}

/**
 * Resolves the caller (401 when there is none), then refuses a mutating call by a `read` caller
 * (403). Precedence: an Authorization header decides alone (a bad token is a 401, not a fallback
 * to the cookie); then the session cookie; then no-auth mode.
 */
export function authenticate(config: AuthConfig): MiddlewareHandler {
  return async (c, next) => {
    if (config.isPublic(c)) return next();
    const caller = await resolveCaller(c, config);
    c.set("caller", caller);
    c.set("role", caller.role);
    if (isMutating(c.req.method) && caller.role !== "admin" && !config.anyRole(c))
      throw new HttpError("FORBIDDEN", "this call changes state and needs an admin token", {
        required: "admin",
        role: caller.role,
      });
    await next();
  };
}

export async function resolveCaller(c: Context, config: AuthConfig): Promise<Caller> {
  const header = c.req.header("authorization");
  if (header !== undefined) {
    const address = config.address(c);
    config.limiter.check(address);
    const match = /^Bearer[ \t]+(\S{1,1024})[ \t]*$/i.exec(header);
    const found = match ? config.checker.check(match[1]!) : null;
    if (!found) {
      config.limiter.fail(address);
      throw unauthorized(c, "a valid bearer token is required (Authorization: Bearer …)");
    }
    return { role: found.role, actor: found.actor, via: "bearer" };
  }
  const cookie = config.keys ? readSessionCookie(c, config.cookieName, config.keys, config.now()) : null;
  if (cookie) {
    // The token the session was made from must still be configured with the same role:
    // removing a token from the configuration ends its sessions too.
    const grant = config.checker.byFingerprint(cookie.tokenFingerprint, cookie.role);
    if (!grant || cookie.expiresAt <= config.now() || (await config.revoked(cookie.id)))
      throw unauthorized(c, "the session has ended: log in again");
    return {
      role: grant.role,
      actor: grant.actor,
      via: "session",
      session: { id: cookie.id, expiresAt: cookie.expiresAt, csrfToken: cookie.csrfToken },
    };
  }
  if (config.insecure) {
    // Without auth, only loopback names are answered: a page on another site whose name was
    // re-pointed at 127.0.0.1 (DNS rebinding) arrives with its own name in Host and is refused.
    if (!isLoopbackHost(c.req.header("host")))
      throw new HttpError("FORBIDDEN", "a server without auth answers only loopback host names", {
        host: c.req.header("host") ?? null,
      });
    return { role: "admin", actor: "anonymous", via: "insecure" };
  }
  throw unauthorized(c, "a valid bearer token (Authorization: Bearer …) or a dashboard session is required");
}

/**
 * Is this request from a page of the server's own origin? `Sec-Fetch-Site` (every current
 * browser) answers directly; without it, `Origin` must name the host the request was sent to.
 * A request with neither did not come from a browser's cross-site page.
 */
export function sameOrigin(c: Context): boolean {
  const site = c.req.header("sec-fetch-site");
  if (site !== undefined) return site === "same-origin" || site === "none";
  const origin = c.req.header("origin");
  if (origin === undefined) return true;
  if (origin === "null") return false;
  try {
    const host = c.req.header("x-forwarded-host") ?? c.req.header("host");
    return new URL(origin).host.toLowerCase() === (host ?? "").toLowerCase();
  } catch {
    return false;
  }
}

/** CSRF refusal for cookie sessions and no-auth servers (see the module comment). */
export const csrf: MiddlewareHandler = async (c, next) => {
  const caller = c.get("caller") as Caller | undefined;
  if (caller && caller.via !== "bearer" && isMutating(c.req.method)) {
    const expected = caller.via === "session" ? caller.session!.csrfToken : INSECURE_CSRF_VALUE;
    const presented = c.req.header(CSRF_HEADER) ?? "";
    if (!timingSafeEqual(digest(presented), digest(expected)))
      throw new HttpError(
        "CSRF_HEADER_REQUIRED",
        caller.via === "session"
          ? "a dashboard session's state-changing calls must send its CSRF token in X-Spool-Request"
          : "a server without auth needs the header X-Spool-Request: 1 on state-changing calls",
        { header: "X-Spool-Request" },
      );
    if (!sameOrigin(c))
      throw new HttpError("CSRF_ORIGIN_REFUSED", "state-changing calls from another origin are refused", {
        origin: c.req.header("origin") ?? null,
      });
  }
  await next();
};
