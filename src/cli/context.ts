/**
 * Options every command shares (`--backend`, `--app`, `--json`, `-q`, `--verbose`) and the
 * helpers that turn them into an open spool and output.
 */
import type { Command } from "commander";
import { BACKEND_URL_DEFAULT, redact } from "../backend/create-backend.js";
import { createSpool, type Spool } from "../client/spool.js";
import { InvalidArgumentError } from "../core/errors/index.js";
import { jsonText } from "./format/values.js";
import type { CliIO } from "./io.js";
import { loadApp } from "./load-app.js";

export interface GlobalOptions {
  backend?: string;
  app?: string;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

export class CliContext {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly backendUrl: string;
  readonly app: string | undefined;
  private spool: Spool | null = null;

  constructor(
    readonly io: CliIO,
    options: GlobalOptions,
  ) {
    const env = io.env ?? process.env;
    this.json = options.json === true;
    this.quiet = options.quiet === true;
    this.verbose = options.verbose === true;
    this.backendUrl = options.backend ?? (env.SPOOL_URL || BACKEND_URL_DEFAULT);
    this.app = options.app;
  }

  static of(command: Command, io: CliIO): CliContext {
    return new CliContext(io, command.optsWithGlobals<GlobalOptions>());
  }

  /** The backend URL with credentials hidden, for messages. */
  get backendLabel(): string {
    return redact(this.backendUrl);
  }

  /**
   * The app's spool (with `--app`) or a bare one on the backend (enough for everything but
   * enqueue and worker). Log level: "warn" for one-shot commands, `logLevel` when given.
   */
  async open(options: { logLevel?: string; requireApp?: string } = {}): Promise<Spool> {
    if (this.spool) return this.spool;
    const env = this.io.env ?? process.env;
    const level = options.logLevel ?? (this.verbose ? "debug" : this.quiet ? "error" : "warn");
    if (!this.app && options.requireApp)
      throw new InvalidArgumentError(
        `${options.requireApp} needs --app MODULE (the module that defines your tasks)`,
        "app",
      );
    this.spool = this.app
      ? await loadApp({
          module: this.app,
          cwd: this.io.cwd ?? process.cwd(),
          backend: this.backendUrl,
          logLevel: level,
          env,
        })
      : createSpool({ backend: this.backendUrl, logger: { level: env.SPOOL_LOG_LEVEL ?? level } });
    return this.spool;
  }

  async close(): Promise<void> {
    const spool = this.spool;
    this.spool = null;
    await spool?.close();
  }

  /** A line on stdout (suppressed by `--quiet` unless `always`). */
  out(text: string, always = false): void {
    if (this.quiet && !always) return;
    this.io.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  /** Machine output: one JSON document on stdout. */
  outJson(value: unknown): void {
    this.io.stdout.write(`${jsonText(value)}\n`);
  }

  /** Notes and warnings on stderr (suppressed by `--quiet`). */
  note(text: string): void {
    if (!this.quiet) this.io.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
  }
}

/** Runs `fn` with a context and always closes the spool it opened. */
export async function withContext<T>(
  command: Command,
  io: CliIO,
  fn: (ctx: CliContext) => Promise<T>,
): Promise<T> {
  const ctx = CliContext.of(command, io);
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}
