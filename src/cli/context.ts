/**
 * Options every command shares (`--backend`, `--app`, `--json`, `-q`, `--verbose`) and the
 * helpers that turn them into an open spool and output.
 */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { BACKEND_URL_DEFAULT, redact } from "../backend/create-backend.js";
import { parseSqliteUrl } from "../backend/sqlite/url.js";
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
   * The SQLite file this command uses (absolute, resolved against the working directory as
   * the backend does), or null for other backends.
   */
  get sqliteFile(): string | null {
    if (!/^sqlite:/i.test(this.backendUrl)) return null;
    try {
      return parseSqliteUrl(this.backendUrl).file;
    } catch {
      return null; // a malformed URL: opening the backend reports it
    }
  }

  /** Where state lives, for people: the SQLite file's absolute path, else the redacted URL. */
  get storeLabel(): string {
    const file = this.sqliteFile;
    return file === null ? this.backendLabel : `${file} (sqlite)`;
  }

  /**
   * The app's spool (with `--app`) or a bare one on the backend (enough for everything but
   * enqueue and worker). Log level: "warn" for one-shot commands, `logLevel` when given.
   * `expectsData`: the command reads or acts on existing jobs, queues or schedules, so a
   * SQLite store that does not exist yet earns a warning on stderr.
   */
  async open(
    options: { logLevel?: string; requireApp?: string; expectsData?: boolean } = {},
  ): Promise<Spool> {
    if (this.spool) return this.spool;
    // A command that reads or acts on existing jobs, run from the wrong directory, would
    // otherwise create an empty store there and report "no jobs" as if that were the answer.
    const file = this.sqliteFile;
    const creates = options.expectsData === true && file !== null && !existsSync(file);
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
      : createSpool({ backend: this.backendUrl, logger: { level: env.SPOOL_LOG_LEVEL || level } });
    if (creates) {
      await this.spool.backend();
      this.note(
        `warning: there was no store at ${file}; created an empty one. Run from your app's directory, ` +
          "or pass --backend URL (or set SPOOL_URL) to read an existing store.",
      );
    }
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
