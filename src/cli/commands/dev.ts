/**
 * `spool dev`: everything in one process for local development, on the embedded default
 * store: a worker for the app's tasks, a scheduler for its schedules, and the HTTP API with the
 * dashboard (bound to loopback; without `$SPOOL_API_TOKENS` it runs without authentication,
 * with a warning).
 * Stops gracefully on SIGTERM/SIGINT.
 */
import type { Command } from "commander";
import { PORT_DEFAULT, parseTokenList, startServer } from "../../http/index.js";
import { withContext } from "../context.js";
import type { CliIO } from "../io.js";
import { parseInteger, parseList } from "../parse.js";
import { withSignals } from "../signals.js";

/** `spool dev` serves where `spool server`, the docs and the Python example expect it. */
export const DEV_PORT_DEFAULT = PORT_DEFAULT;

interface DevOptions {
  queues?: string;
  concurrency?: string;
  port?: string;
  server?: boolean;
}

export function registerDev(program: Command, io: CliIO): void {
  program
    .command("dev")
    .description("worker + scheduler + HTTP API and dashboard in one process, for development")
    .option("--queues <a,b>", "queues to consume (default: every queue the app's tasks use)")
    .option("--concurrency <n>", "handlers running at once (default 10)")
    .option("--port <n>", `HTTP port (default ${DEV_PORT_DEFAULT}; 0 picks a free one)`)
    .option("--no-server", "no HTTP API or dashboard")
    .action((opts: DevOptions, command: Command) =>
      withContext(command, io, async (ctx) => {
        const concurrency =
          opts.concurrency === undefined
            ? undefined
            : parseInteger(opts.concurrency, "concurrency", 1, 10_000);
        const port = opts.port === undefined ? DEV_PORT_DEFAULT : parseInteger(opts.port, "port", 0, 65535);
        const spool = await ctx.open({
          requireApp: "spool dev",
          logLevel: ctx.verbose ? "debug" : ctx.quiet ? "warn" : "info",
        });
        const worker = spool.worker({
          ...(opts.queues ? { queues: parseList(opts.queues) } : {}),
          ...(concurrency ? { concurrency } : {}),
        });
        const scheduler = spool.scheduler();
        await withSignals(io, spool.logger, async (stopRequested) => {
          await worker.start();
          await scheduler.start();
          let server: Awaited<ReturnType<typeof startServer>> | null = null;
          if (opts.server !== false) {
            const tokens = parseTokenList((io.env ?? process.env).SPOOL_API_TOKENS ?? "");
            server = await startServer(spool, { port, tokens, insecure: tokens.length === 0 });
            if (tokens.length === 0)
              ctx.note("note: no $SPOOL_API_TOKENS: the dev API on loopback accepts every caller as admin");
          }
          const schedules = (await spool.schedules.list()).length;
          ctx.out(
            `spool dev on ${ctx.backendLabel}: worker (${spool.registry.names().length} tasks), scheduler (${schedules} schedules)` +
              (server ? `, dashboard and API ${server.url}/` : ""),
            true,
          );
          try {
            await stopRequested;
          } finally {
            await server?.close();
            await scheduler.stop();
            await worker.stop();
          }
        });
      }),
    );
}
