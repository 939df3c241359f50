/**
 * `createServer(spool, options)`: the HTTP API of one spool, as a Hono app plus a Node HTTP
 * server. It holds one change-feed subscription (EventHub) for SSE, metrics and throughput.
 */
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import type { Spool } from "../client/spool.js";
import { buildApp } from "./app.js";
import { clientAddress, startAuditPruning } from "./audit-retention.js";
import { drainUnreadBody } from "./body-drain.js";
import type { RouteDeps } from "./deps.js";
import { EventHub } from "./events/hub.js";
import { SseHub } from "./events/sse.js";
import { ServerMetrics } from "./metrics.js";
import { resolveOptions, type ServerOptions } from "./options.js";
import { FailureLimiter } from "./rate-limit.js";
import { Throughput } from "./throughput.js";

export interface SpoolServer {
  /** The Hono app (`app.fetch` serves a `Request` without a socket). */
  readonly app: ReturnType<typeof buildApp>;
  /** Binds the port; resolves with the URL actually served (useful with `port: 0`). */
  listen(): Promise<{ url: string; port: number; host: string }>;
  /** Closes event streams and the socket, and drops the change-feed subscription. Idempotent. Does not close the spool. */
  close(): Promise<void>;
  /** Server metrics (null with `metrics: false`). */
  readonly metrics: ServerMetrics | null;
}

/**
 * @example
 * const spool = createSpool();
 * const server = createServer(spool, { tokens: [{ token: process.env.ADMIN_TOKEN!, role: "admin" }] });
 * const { url } = await server.listen(); // http://127.0.0.1:7070
 */
export function createServer(spool: Spool, options: ServerOptions = {}): SpoolServer {
  const resolved = resolveOptions(options);
  const hub = new EventHub(resolved.eventBuffer);
  const sse = new SseHub(hub, resolved.heartbeatMs, resolved.sseClientsMax);
  const throughput = new Throughput(spool.clock);
  const metrics = resolved.metrics
    ? new ServerMetrics(() => spool.backend(), {
        processMetrics: resolved.processMetrics,
        sseClients: () => sse.size,
        now: () => spool.clock.now(),
      })
    : null;
  const limiter = new FailureLimiter(resolved.authFailureMax, resolved.authFailureWindowMs, () =>
    spool.clock.now(),
  );
  const deps: RouteDeps = {
    spool,
    options: resolved,
    hub,
    sse,
    throughput,
    metrics,
    startedAt: Date.now(),
    limiter,
    address: clientAddress,
  };
  const app = buildApp(deps);
  let server: Server | null = null;
  let closed = false;

  hub.listen((batch) => {
    throughput.record(batch.map((b) => b.event));
    metrics?.record(batch);
  });
  sse.start();
  const pruning = startAuditPruning(spool, resolved.auditRetentionMs);
  // Subscribe at once (not on the first request) so the resume buffer and counters start now.
  const started = spool.backend().then((backend) => {
    if (!closed) hub.start(backend);
  });
  started.catch(() => {});

  const self: SpoolServer = {
    app,
    metrics,
    async listen() {
      await started;
      if (!server) {
        // The adapter's own clean-up of unread bodies gives up after 500 ms and resets the
        // socket, which can swallow a 413; body-drain.ts reads the rest instead.
        const listener = getRequestListener(app.fetch, {
          hostname: resolved.host,
          autoCleanupIncoming: false,
        });
        server = createHttpServer((req, res) => {
          res.once("finish", () => drainUnreadBody(req));
          void listener(req, res);
        });
        const s = server;
        await new Promise<void>((resolve, reject) => {
          s.once("error", reject);
          s.listen(resolved.port, resolved.host, () => {
            s.off("error", reject);
            resolve();
          });
        });
      }
      const address = server.address() as AddressInfo;
      const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
      return { url: `http://${host}:${address.port}`, port: address.port, host: address.address };
    },
    async close() {
      if (closed) return;
      closed = true;
      pruning.stop();
      sse.stop();
      hub.stop();
      const s = server;
      server = null;
      if (s) {
        await new Promise<void>((resolve) => {
          s.close(() => resolve());
          (s as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
      }
    },
  };
  return self;
}

/** `createServer` + `listen` in one call (what `spool server` uses). */
export async function startServer(
  spool: Spool,
  options: ServerOptions = {},
): Promise<SpoolServer & { url: string }> {
  const server = createServer(spool, options);
  const { url } = await server.listen();
  return Object.assign(server, { url });
}
