/**
 * Bearer-token authentication with two roles: `read` (every GET) and `admin` (everything).
 *
 * Tokens are compared in constant time: both sides are hashed to SHA-256 first, so
 * `timingSafeEqual` always compares 32 bytes and neither the content nor the length of a
 * configured token leaks through response timing. Every configured token is checked (no
 * early exit), so the position of a match does not leak either.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { InvalidArgumentError } from "../core/errors/index.js";
import { HttpError } from "./errors.js";

export type Role = "read" | "admin";

export interface ApiToken {
  token: string;
  role: Role;
}

/** Parses `SPOOL_API_TOKENS`: comma-separated `role:token` pairs. */
export function parseTokenList(text: string): ApiToken[] {
  const out: ApiToken[] = [];
  for (const part of text.split(",")) {
    const item = part.trim();
    if (!item) continue;
    const colon = item.indexOf(":");
    const role = item.slice(0, colon);
    if (colon < 1 || (role !== "read" && role !== "admin"))
      throw new InvalidArgumentError(
        'SPOOL_API_TOKENS must look like "admin:<secret>,read:<secret>"',
        "SPOOL_API_TOKENS",
      );
    out.push({ role, token: item.slice(colon + 1) });
  }
  return out;
}

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

export class TokenChecker {
  private readonly entries: { digest: Buffer; role: Role }[];

  constructor(tokens: readonly ApiToken[]) {
    this.entries = tokens.map((t) => ({ digest: digest(t.token), role: t.role }));
  }

  /** The strongest role the presented token grants, or null. */
  roleOf(presented: string): Role | null {
    const d = digest(presented);
    let role: Role | null = null;
    for (const e of this.entries) {
      if (timingSafeEqual(d, e.digest) && role !== "admin") role = e.role;
    }
    return role;
  }
}

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function isMutating(method: string): boolean {
  return MUTATING.has(method);
}

export type AuthVariables = { role: Role };

/**
 * 401 without a valid token; 403 when a `read` token calls a mutating method. With
 * `insecure`, every caller is admin.
 */
export function authenticate(tokens: readonly ApiToken[], insecure: boolean): MiddlewareHandler {
  const checker = new TokenChecker(tokens);
  return async (c, next) => {
    let role: Role | null = null;
    if (insecure && tokens.length === 0) role = "admin";
    else {
      const header = c.req.header("authorization") ?? "";
      const match = /^Bearer[ \t]+(\S{1,1024})[ \t]*$/i.exec(header);
      if (match) role = checker.roleOf(match[1]!);
      if (!role) {
        c.header("WWW-Authenticate", 'Bearer realm="spool"');
        throw new HttpError("UNAUTHORIZED", "a valid bearer token is required (Authorization: Bearer …)");
      }
    }
    if (isMutating(c.req.method) && role !== "admin")
      throw new HttpError("FORBIDDEN", "this call changes state and needs an admin token", {
        required: "admin",
        role,
      });
    c.set("role", role);
    await next();
  };
}
