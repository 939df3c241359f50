/**
 * Server options, their defaults (named constants) and the checks that refuse a bad
 * configuration at `createServer` time rather than on the first request.
 */
import { type Duration, toMs } from "../core/duration.js";
import { InvalidArgumentError } from "../core/errors/index.js";
import { type ApiToken, checkTokenName, isLoopbackHost, parseTokenList } from "./auth.js";
import type { Role } from "./role.js";
import { type SessionKeys, secretFromTokens, sessionKeys } from "./session.js";

export const PORT_DEFAULT = 7070;
export const HOST_DEFAULT = "127.0.0.1";
/** Largest request body. A bulk enqueue of 1,000 small jobs is well under this. */
export const BODY_LIMIT_DEFAULT = 4 * 1024 * 1024;
/** Most jobs in one `POST /api/jobs/bulk`. */
export const BULK_LIMIT_DEFAULT = 1000;
/** Recent change-feed events kept for SSE resume (`Last-Event-ID`). About 300 B each. */
export const EVENT_BUFFER_DEFAULT = 10_000;
export const HEARTBEAT_INTERVAL_DEFAULT = "15s";
/** Longest `?wait=` a result long-poll may ask for. */
export const RESULT_WAIT_MAX_DEFAULT = "60s";
export const RESULT_WAIT_DEFAULT = "30s";
/** Open SSE streams per server. */
export const SSE_CLIENTS_MAX_DEFAULT = 1000;
/** How long a dashboard session lasts after login (it is not extended by use). */
export const SESSION_TTL_DEFAULT = "12h";
/** Failed authentications per client address within the window before 429. */
export const AUTH_FAILURES_MAX_DEFAULT = 10;
export const AUTH_FAILURE_WINDOW_DEFAULT = "1m";
/** Audit entries older than this are pruned (hourly, by the server). */
export const AUDIT_RETENTION_DEFAULT = "90d";
/** The session cookie's name. */
export const SESSION_COOKIE = "spool_session";

export interface ServerOptions {
  /** Default 7070; 0 picks a free port (see `SpoolServer.url`). */
  port?: number;
  /** Interface to bind. Default "127.0.0.1" (loopback only). */
  host?: string;
  /**
   * Bearer tokens and their roles. Default: `$SPOOL_API_TOKENS` ("admin:secret1,read:secret2").
   * With no token at all the server refuses to start unless `insecure: true`.
   */
  tokens?: ApiToken[];
  /** Serve without authentication (every caller is admin). Default false. */
  insecure?: boolean;
  /** Largest request body in bytes (413 beyond). Default 4 MiB. */
  bodyLimit?: number;
  /** Most jobs in one bulk enqueue. Default 1000. */
  bulkLimit?: number;
  /** Origins allowed to call the API from a browser (CORS). Default: none (CORS off). */
  corsOrigins?: string[];
  /** Recent events kept for SSE resume. Default 10,000. */
  eventBuffer?: number;
  /** SSE heartbeat comment interval. Default "15s". */
  heartbeat?: Duration;
  /** Longest result long-poll. Default "60s". */
  resultWaitMax?: Duration;
  /** Most open SSE streams. Default 1000. */
  sseClientsMax?: number;
  /** Serve Prometheus metrics at `/metrics` (read role). Default true. */
  metrics?: boolean;
  /** Also collect prom-client's default process metrics. Default true. */
  processMetrics?: boolean;
  /** Serve the dashboard at `/` (`basePath` + `/`). Default true. */
  dashboard?: boolean;
  /**
   * Serve everything (API, dashboard, metrics) under this path, e.g. "/spool", as when mounted
   * in a larger app behind a proxy. Default "" (the root).
   */
  basePath?: string;
  /** Dashboard session length from login. Default "12h". */
  sessionTtl?: Duration;
  /**
   * Key material that signs session cookies (at least 32 characters). Replicas that should
   * share sessions need the same one. Default: `$SPOOL_SESSION_SECRET`, else derived from the
   * configured tokens (replicas configured alike agree; changing the tokens ends every session).
   */
  sessionSecret?: string;
  /** The cookie's Secure flag: "auto" (default) sets it when the request came over TLS or X-Forwarded-Proto says https. */
  cookieSecure?: boolean | "auto";
  /** Failed authentications (login or bearer) per client address before 429. Default 10 per "1m". */
  authFailureLimit?: { max: number; window: Duration };
  /** How long audit entries are kept. Default "90d". */
  auditRetention?: Duration;
}

export interface ResolvedOptions {
  port: number;
  host: string;
  tokens: ApiToken[];
  insecure: boolean;
  bodyLimit: number;
  bulkLimit: number;
  corsOrigins: string[];
  eventBuffer: number;
  heartbeatMs: number;
  resultWaitMaxMs: number;
  sseClientsMax: number;
  metrics: boolean;
  processMetrics: boolean;
  dashboard: boolean;
  basePath: string;
  sessionTtlMs: number;
  /** Null without tokens (no sessions on a server without auth). */
  sessionKeys: SessionKeys | null;
  cookieSecure: boolean | "auto";
  authFailureMax: number;
  authFailureWindowMs: number;
  auditRetentionMs: number;
}

function positiveInt(value: number | undefined, fallback: number, name: string, max = 2 ** 31): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1 || v > max)
    throw new InvalidArgumentError(`${name} must be an integer in 1..${max}, got ${v}`, name);
  return v;
}

export function resolveOptions(
  options: ServerOptions,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedOptions {
  const tokens = options.tokens ?? parseTokenList(env.SPOOL_API_TOKENS ?? "");
  for (const t of tokens) {
    if (typeof t.token !== "string" || t.token.length < 8)
      throw new InvalidArgumentError("API tokens must be at least 8 characters long", "tokens");
    if (t.role !== "read" && t.role !== "admin")
      throw new InvalidArgumentError(`token role must be "read" or "admin", got ${String(t.role)}`, "tokens");
    checkTokenName(t.name);
  }
  const insecure = options.insecure === true;
  if (tokens.length === 0 && !insecure) {
    throw new InvalidArgumentError(
      "the HTTP API needs at least one token: pass { tokens: [{ token, role: 'admin' }] } or set " +
        'SPOOL_API_TOKENS="admin:<secret>,read:<secret>"; or pass { insecure: true } to serve without auth',
      "tokens",
    );
  }
  const host = options.host ?? HOST_DEFAULT;
  if (insecure && tokens.length === 0 && !isLoopbackHost(host.includes(":") ? `[${host}]` : host))
    throw new InvalidArgumentError(
      `a server without auth (insecure) listens on loopback only, not on ${host}: configure tokens to serve other hosts`,
      "host",
    );
  const basePath = (options.basePath ?? "").replace(/\/+$/, "");
  if (basePath !== "" && !/^(\/[A-Za-z0-9._~-]+)+$/.test(basePath))
    throw new InvalidArgumentError(
      `basePath must look like "/spool", got ${JSON.stringify(options.basePath)}`,
      "basePath",
    );
  const secret = options.sessionSecret ?? env.SPOOL_SESSION_SECRET;
  if (secret !== undefined && secret.length < 32)
    throw new InvalidArgumentError(
      "sessionSecret (SPOOL_SESSION_SECRET) must be at least 32 characters",
      "sessionSecret",
    );
  const limit = options.authFailureLimit ?? {
    max: AUTH_FAILURES_MAX_DEFAULT,
    window: AUTH_FAILURE_WINDOW_DEFAULT,
  };
  const port = options.port ?? PORT_DEFAULT;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError(`port must be an integer in 0..65535, got ${port}`, "port");
  return {
    port,
    host,
    tokens,
    insecure,
    bodyLimit: positiveInt(options.bodyLimit, BODY_LIMIT_DEFAULT, "bodyLimit"),
    bulkLimit: positiveInt(options.bulkLimit, BULK_LIMIT_DEFAULT, "bulkLimit", 100_000),
    corsOrigins: options.corsOrigins ?? [],
    eventBuffer: positiveInt(options.eventBuffer, EVENT_BUFFER_DEFAULT, "eventBuffer", 10_000_000),
    heartbeatMs: Math.max(10, toMs(options.heartbeat ?? HEARTBEAT_INTERVAL_DEFAULT, "heartbeat")),
    resultWaitMaxMs: toMs(options.resultWaitMax ?? RESULT_WAIT_MAX_DEFAULT, "resultWaitMax"),
    sseClientsMax: positiveInt(options.sseClientsMax, SSE_CLIENTS_MAX_DEFAULT, "sseClientsMax"),
    metrics: options.metrics ?? true,
    processMetrics: options.processMetrics ?? true,
    dashboard: options.dashboard ?? true,
    basePath,
    sessionTtlMs: toMs(options.sessionTtl ?? SESSION_TTL_DEFAULT, "sessionTtl"),
    sessionKeys: tokens.length === 0 ? null : sessionKeys(secret ?? secretFromTokens(tokens)),
    cookieSecure: options.cookieSecure ?? "auto",
    authFailureMax: positiveInt(limit.max, AUTH_FAILURES_MAX_DEFAULT, "authFailureLimit.max", 1_000_000_000),
    authFailureWindowMs: toMs(limit.window, "authFailureLimit.window"),
    auditRetentionMs: toMs(options.auditRetention ?? AUDIT_RETENTION_DEFAULT, "auditRetention"),
  };
}

export type { ApiToken, Role };
