/**
 * Dashboard sessions (see `session.ts`): log in by trading a token for a session cookie, ask
 * who you are, log out. Login is the one state-changing call served without authentication;
 * it is rate-limited per client address with bearer failures, refused from another origin, and
 * audited whether it succeeds or not.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Caller } from "../auth.js";
import { INSECURE_CSRF_VALUE, sameOrigin, TokenChecker } from "../auth.js";
import { type RouteDeps, router } from "../deps.js";
import { HttpError } from "../errors.js";
import { SESSION_COOKIE } from "../options.js";
import { errorResponses, json, jsonBody } from "../schemas.js";
import { csrfTokenOf, newSessionId, sessionCookie, signSession } from "../session.js";

const tags = ["session"];

const SessionSchema = z
  .object({
    actor: z.string().openapi({ description: "Who, as the audit log names them" }),
    role: z.enum(["read", "admin"]),
    via: z.enum(["bearer", "session", "insecure"]),
    expiresAt: z
      .number()
      .nullable()
      .openapi({ description: "When the session ends (null for bearer and no-auth)" }),
    csrfToken: z.string().nullable().openapi({
      description:
        "What a session or no-auth caller sends in `X-Spool-Request` on state-changing calls (null for bearer callers, who send nothing)",
    }),
  })
  .openapi("Session");

const LoginSchema = z
  .object({ token: z.string().min(1).max(1024).openapi({ description: "An API token (read or admin)" }) })
  .strict()
  .openapi("LoginRequest");

export function describeCaller(caller: Caller) {
  return {
    actor: caller.actor,
    role: caller.role,
    via: caller.via,
    expiresAt: caller.session?.expiresAt ?? null,
    csrfToken:
      caller.via === "session"
        ? caller.session!.csrfToken
        : caller.via === "insecure"
          ? INSECURE_CSRF_VALUE
          : null,
  };
}

export function sessionRoutes(deps: RouteDeps) {
  const app = router();
  const { options } = deps;
  const checker = new TokenChecker(options.tokens);
  const cookie = { name: SESSION_COOKIE, path: options.basePath || "/", secure: options.cookieSecure };

  app.openapi(
    createRoute({
      method: "post",
      path: "/session",
      operationId: "createSession",
      tags,
      summary: "Log in: trade a token for a session cookie (the dashboard's login)",
      description:
        "Sets `spool_session` (HttpOnly, SameSite=Strict, Secure over TLS, Max-Age = the session length). " +
        "Failed attempts count against the client address's limit (429 `RATE_LIMITED` beyond it).",
      security: [],
      request: jsonBody(LoginSchema),
      responses: {
        200: json(SessionSchema, "Logged in; the cookie is set"),
        ...errorResponses(400, 403, 415, 429),
      },
    }),
    async (c) => {
      const keys = options.sessionKeys;
      if (!keys)
        throw new HttpError(
          "INVALID_ARGUMENT",
          "this server runs without auth: there is nothing to log in to",
        );
      if (!sameOrigin(c))
        throw new HttpError("CSRF_ORIGIN_REFUSED", "log in from the dashboard's own origin", {
          origin: c.req.header("origin") ?? null,
        });
      const address = deps.address(c);
      deps.limiter.check(address);
      const { token } = c.req.valid("json");
      const found = checker.check(token);
      if (!found) {
        deps.limiter.fail(address);
        c.set("auditActor", { actor: "unknown", role: "none", via: "session" });
        throw new HttpError("UNAUTHORIZED", "unknown token");
      }
      const now = deps.spool.clock.now();
      const id = newSessionId();
      const expiresAt = now + options.sessionTtlMs;
      const value = signSession(keys, {
        id,
        role: found.role,
        tokenFingerprint: found.fingerprint,
        issuedAt: now,
        expiresAt,
      });
      c.header("Set-Cookie", sessionCookie(c, cookie, value, options.sessionTtlMs / 1000));
      c.set("auditActor", { actor: found.actor, role: found.role, via: "session" });
      return c.json(
        {
          actor: found.actor,
          role: found.role,
          via: "session" as const,
          expiresAt,
          csrfToken: csrfTokenOf(keys, id),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/session",
      operationId: "getSession",
      tags,
      summary: "Who am I: the caller's name, role, and CSRF token",
      responses: { 200: json(SessionSchema, "The caller"), ...errorResponses() },
    }),
    async (c) => c.json(describeCaller(c.get("caller")), 200),
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/session",
      operationId: "deleteSession",
      tags,
      summary: "Log out: end the session on every server and clear the cookie",
      description: "Needs the session's CSRF token in `X-Spool-Request`. Any role may log out.",
      responses: {
        200: json(z.object({ loggedOut: z.boolean() }).openapi("Logout"), "Logged out"),
        ...errorResponses(400, 403),
      },
    }),
    async (c) => {
      const caller = c.get("caller");
      if (caller.via !== "session")
        throw new HttpError(
          "INVALID_ARGUMENT",
          "only a dashboard session can log out; bearer tokens have no session",
        );
      const session = caller.session!;
      await (await deps.spool.backend()).sessionRevoke({ id: session.id, expiresAt: session.expiresAt });
      c.header("Set-Cookie", sessionCookie(c, cookie, "", 0));
      return c.json({ loggedOut: true }, 200);
    },
  );

  return app;
}
