/** What every route file gets: the spool facade and the server's shared services. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Spool } from "../client/spool.js";
import type { AuditVariables } from "./audit.js";
import type { AuthVariables } from "./auth.js";
import { errorResponse, HttpError } from "./errors.js";
import type { EventHub } from "./events/hub.js";
import type { SseHub } from "./events/sse.js";
import type { ServerMetrics } from "./metrics.js";
import type { ResolvedOptions } from "./options.js";
import type { FailureLimiter } from "./rate-limit.js";
import type { Throughput } from "./throughput.js";

export interface RouteDeps {
  spool: Spool;
  options: ResolvedOptions;
  hub: EventHub;
  sse: SseHub;
  throughput: Throughput;
  metrics: ServerMetrics | null;
  startedAt: number;
  /** Failed authentications per client address (login and bearer). */
  limiter: FailureLimiter;
  /** The client's network address ("unknown" when the request did not come through a socket). */
  address(c: Context): string;
}

export type Env = { Variables: AuthVariables & AuditVariables };

/**
 * A router whose request-validation failures become `INVALID_ARGUMENT` (400) with the zod
 * issues as details, like every other error.
 */
export function router(): OpenAPIHono<Env> {
  return new OpenAPIHono<Env>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const issues = result.error.issues.slice(0, 20).map((i) => ({
        path: i.path.map(String).join("."),
        message: i.message,
      }));
      const first = issues[0];
      return errorResponse(
        c,
        new HttpError(
          "INVALID_ARGUMENT",
          `invalid ${result.target}${first ? `: ${first.path ? `${first.path}: ` : ""}${first.message}` : ""}`,
          { target: result.target, issues },
        ),
      );
    },
  });
}
