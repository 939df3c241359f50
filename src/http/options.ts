/**
 * Server options, their defaults (named constants) and the checks that refuse a bad
 * configuration at `createServer` time rather than on the first request.
 */
import { type Duration, toMs } from "../core/duration.js";
import { InvalidArgumentError } from "../core/errors/index.js";
import { type ApiToken, parseTokenList, type Role } from "./auth.js";

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
  }
  const insecure = options.insecure === true;
  if (tokens.length === 0 && !insecure) {
    throw new InvalidArgumentError(
      "the HTTP API needs at least one token: pass { tokens: [{ token, role: 'admin' }] } or set " +
        'SPOOL_API_TOKENS="admin:<secret>,read:<secret>"; or pass { insecure: true } to serve without auth',
      "tokens",
    );
  }
  const port = options.port ?? PORT_DEFAULT;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError(`port must be an integer in 0..65535, got ${port}`, "port");
  return {
    port,
    host: options.host ?? HOST_DEFAULT,
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
  };
}

export type { ApiToken, Role };
