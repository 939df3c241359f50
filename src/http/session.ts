/**
 * Dashboard sessions: a browser's `EventSource` cannot send a bearer token, so the dashboard
 * trades a token for a session cookie once (`POST /api/session`) and the browser sends it back.
 *
 * The cookie is signed, not stored: `v1.<payload>.<HMAC-SHA256>` where the payload names the
 * session id, the role, the fingerprint of the token it was made from, and its expiry. Any
 * `spool server` process that has the same signing key accepts it, so replicas behind a load
 * balancer share sessions with no session table. The key is `sessionSecret`
 * (`$SPOOL_SESSION_SECRET`) or, by default, derived from the configured tokens: replicas
 * configured alike agree, and changing the tokens ends every session.
 *
 * Ending a session early needs the one thing a signed cookie cannot carry: logout writes the
 * session id to the backend's revocation list (`sessionRevoke`) until the session would have
 * expired, and every cookie-authenticated request checks it (one point read), so a logged-out
 * cookie is refused by every replica at once. Removing a token from the configuration ends the
 * sessions made from it (the fingerprint no longer matches).
 *
 * The CSRF token of a session is an HMAC of its id under a second key: the dashboard reads it
 * from the login answer (or `GET /api/session`) and sends it in `X-Spool-Request`.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import type { Role } from "./role.js";

export interface SessionKeys {
  sign: Buffer;
  csrf: Buffer;
}

/** Derives the signing and CSRF keys from a secret (or from the configured tokens). */
export function sessionKeys(secret: string): SessionKeys {
  const derive = (label: string) => createHmac("sha256", secret).update(label).digest();
  return { sign: derive("spool session signing v1"), csrf: derive("spool session csrf v1") };
}

/** The default secret: the configured tokens, in an order that does not depend on the list's. */
export function secretFromTokens(tokens: readonly { token: string; role: string }[]): string {
  const parts = tokens.map((t) => createHash("sha256").update(`${t.role}:${t.token}`).digest("hex")).sort();
  return `tokens:${parts.join(",")}`;
}

export interface SessionClaims {
  id: string;
  role: Role;
  tokenFingerprint: string;
  issuedAt: number;
  expiresAt: number;
}

export interface VerifiedSession extends SessionClaims {
  csrfToken: string;
}

const b64 = (buf: Buffer) => buf.toString("base64url");

export function newSessionId(): string {
  return b64(randomBytes(18));
}

export function csrfTokenOf(keys: SessionKeys, sessionId: string): string {
  return b64(createHmac("sha256", keys.csrf).update(sessionId).digest());
}

export function signSession(keys: SessionKeys, claims: SessionClaims): string {
  const payload = b64(
    Buffer.from(
      JSON.stringify({
        sid: claims.id,
        rol: claims.role,
        tfp: claims.tokenFingerprint,
        iat: claims.issuedAt,
        exp: claims.expiresAt,
      }),
    ),
  );
  const mac = b64(createHmac("sha256", keys.sign).update(`v1.${payload}`).digest());
  return `v1.${payload}.${mac}`;
}

/** The claims of a well-signed, unexpired cookie value, or null. */
export function verifySession(keys: SessionKeys, value: string, now: number): VerifiedSession | null {
  const parts = value.split(".");
  if (parts.length !== 3 || parts[0] !== "v1" || value.length > 4096) return null;
  const expected = createHmac("sha256", keys.sign).update(`v1.${parts[1]}`).digest();
  const presented = Buffer.from(parts[2]!, "base64url");
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return null;
  let claims: { sid?: unknown; rol?: unknown; tfp?: unknown; iat?: unknown; exp?: unknown };
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const { sid, rol, tfp, iat, exp } = claims;
  if (typeof sid !== "string" || typeof tfp !== "string" || (rol !== "read" && rol !== "admin")) return null;
  if (typeof iat !== "number" || typeof exp !== "number" || exp <= now) return null;
  return {
    id: sid,
    role: rol,
    tokenFingerprint: tfp,
    issuedAt: iat,
    expiresAt: exp,
    csrfToken: csrfTokenOf(keys, sid),
  };
}

export function readSessionCookie(
  c: Context,
  name: string,
  keys: SessionKeys,
  now: number,
): VerifiedSession | null {
  const value = getCookie(c, name);
  return value ? verifySession(keys, value, now) : null;
}

export interface CookieAttributes {
  name: string;
  path: string;
  /** Secure: "auto" sets it when the request came over TLS (directly or per X-Forwarded-Proto). */
  secure: boolean | "auto";
}

/** Did the request arrive over TLS (at this server, or at the proxy in front of it)? */
export function overTls(c: Context): boolean {
  if (new URL(c.req.url).protocol === "https:") return true;
  return (c.req.header("x-forwarded-proto") ?? "").split(",")[0]!.trim().toLowerCase() === "https";
}

/**
 * A `Set-Cookie` value: HttpOnly (page scripts never see it), SameSite=Strict (no other site's
 * page makes the browser send it), Secure over TLS, and a Max-Age (0 clears it).
 */
export function sessionCookie(
  c: Context,
  attrs: CookieAttributes,
  value: string,
  maxAgeSeconds: number,
): string {
  const secure = attrs.secure === "auto" ? overTls(c) : attrs.secure;
  return [
    `${attrs.name}=${value}`,
    `Path=${attrs.path}`,
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    "HttpOnly",
    "SameSite=Strict",
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}
