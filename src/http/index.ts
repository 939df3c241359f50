/**
 * The HTTP API: JSON under `/api` (OpenAPI 3.1 at `/api/openapi.json`, generated from the
 * zod schemas that validate requests), live events as SSE, Prometheus metrics at
 * `/metrics`, bearer-token auth with `read` and `admin` roles, and the dashboard at `/` (with
 * cookie sessions, CSRF checks and an audit log). See docs/http.md and docs/dashboard.md.
 *
 * ```
 *   backend change feed ──(one subscription)──► EventHub ─┬─► SSE streams (ring buffer for resume)
 *                                                         ├─► ServerMetrics (counters, run time)
 *                                                         └─► Throughput (per-minute buckets)
 *   request ─► headers ─► audit ─► auth (bearer | session cookie | no-auth) ─► CSRF (not for bearer)
 *           ─► 415/413/400 ─► zod schema ─► route ─► createSpool facade
 * ```
 *
 * Layout: `app.ts` (middleware order, route mounting), `routes/` (one file per resource),
 * `errors.ts` (the one code → status table), `auth.ts` (callers, roles, CSRF), `session.ts`
 * (signed session cookies), `rate-limit.ts` (failed authentications), `audit.ts` (the audit
 * log), `dashboard.ts` (the prebuilt UI's files), `guards.ts`, `events/`, `metrics.ts`
 * (server), `worker-metrics.ts` (a worker's own `/metrics` port).
 */
export { type ApiToken, parseTokenList } from "./auth.js";
export { dashboardApp, dashboardDir, mountDashboard } from "./dashboard.js";
export { type ErrorBody, HttpError, STATUS_BY_CODE } from "./errors.js";
export {
  AUDIT_RETENTION_DEFAULT,
  AUTH_FAILURE_WINDOW_DEFAULT,
  AUTH_FAILURES_MAX_DEFAULT,
  BODY_LIMIT_DEFAULT,
  BULK_LIMIT_DEFAULT,
  EVENT_BUFFER_DEFAULT,
  HOST_DEFAULT,
  PORT_DEFAULT,
  SESSION_COOKIE,
  SESSION_TTL_DEFAULT,
  type ServerOptions,
} from "./options.js";
export type { Role } from "./role.js";
export { createServer, type SpoolServer, startServer } from "./server.js";
export { type MetricsServer, startMetricsServer } from "./worker-metrics.js";
