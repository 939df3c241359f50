/**
 * `spool server`: the HTTP API and the dashboard (at `/`) until SIGTERM or SIGINT.
 *
 * Tokens come from `$SPOOL_API_TOKENS` ("admin:<secret>,read:<secret>"); without any, the
 * server refuses to start unless `--insecure` is given. `--app` is optional: without it the
 * server can read, cancel, retry and delete jobs, but enqueue answers UNKNOWN_TASK.
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "../../core/errors/index.js";
import { HOST_DEFAULT, PORT_DEFAULT, parseTokenList, startServer } from "../../http/index.js";
import { withContext } from "../context.js";
import type { CliIO } from "../io.js";
import { parseInteger } from "../parse.js";

interface ServerCommandOptions {
  port?: string;
  host?: string;
  insecure?: boolean;
  cors?: string;
}

export function registerServer(program: Command, io: CliIO): void {
  program
    .command("server")
    .description(
      "serve the HTTP API and the dashboard (tokens from $SPOOL_API_TOKENS; stops on SIGTERM/SIGINT)",
    )
    .option("--port <n>", `port to listen on (default ${PORT_DEFAULT}; 0 picks a free one)`)
    .option("--host <address>", `interface to bind (default ${HOST_DEFAULT}, loopback only)`)
    .option("--insecure", "serve without authentication (every caller is admin; loopback only)")
    .option("--cors <origins>", "comma-separated origins allowed to call from a browser")
    .action((opts: ServerCommandOptions, command: Command) =>
      withContext(command, io, async (ctx) => {
        const port = opts.port === undefined ? undefined : parseInteger(opts.port, "port", 0, 65535);
        const tokens = parseTokenList((io.env ?? process.env).SPOOL_API_TOKENS ?? "");
        if (tokens.length === 0 && !opts.insecure)
          throw new InvalidArgumentError(
            'the HTTP API needs a token: set SPOOL_API_TOKENS="admin:<secret>,read:<secret>" (secrets of 8+ ' +
              "characters), or pass --insecure to serve without authentication (loopback only)",
            "SPOOL_API_TOKENS",
          );
        const spool = await ctx.open({ logLevel: ctx.verbose ? "debug" : ctx.quiet ? "warn" : "info" });
        const server = await startServer(spool, {
          tokens,
          ...(port === undefined ? {} : { port }),
          ...(opts.host ? { host: opts.host } : {}),
          ...(opts.insecure ? { insecure: true } : {}),
          ...(opts.cors ? { corsOrigins: opts.cors.split(",").map((s) => s.trim()) } : {}),
        });
        spool.logger.info({ url: server.url, backend: ctx.backendLabel }, "HTTP API listening");
        if (opts.insecure) ctx.note("warning: --insecure: the API accepts every caller as admin");
        ctx.out(
          `spool server listening on ${server.url} (dashboard: ${server.url}/, OpenAPI: ${server.url}/api/openapi.json)`,
          true,
        );
        const proc = io.process ?? process;
        let onSignal: () => void = () => {};
        const stopped = new Promise<void>((resolve) => {
          onSignal = () => resolve();
        });
        proc.on("SIGTERM", onSignal);
        proc.on("SIGINT", onSignal);
        try {
          await stopped;
        } finally {
          proc.off("SIGTERM", onSignal);
          proc.off("SIGINT", onSignal);
          await server.close();
        }
      }),
    );
}
