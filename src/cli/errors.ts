/**
 * How a failed command ends: `error [CODE]: message` on stderr and an exit code — 2 when the
 * user's input was wrong (bad arguments, unknown task, invalid payload), 1 for everything
 * else. Stacks only with `--verbose`.
 */
import type { CliWritable } from "./io.js";
import { EXIT_FAILURE, EXIT_USAGE } from "./io.js";

/** Codes that mean "fix your input and try again". */
const USAGE_CODES = new Set([
  "USAGE",
  "INVALID_ARGUMENT",
  "UNKNOWN_TASK",
  "VALIDATION_FAILED",
  "PAYLOAD_TOO_LARGE",
  "UNSERIALIZABLE",
]);

/**
 * A spool error by shape rather than prototype: the app may import another copy of spool
 * (the package's `dist` while the CLI runs from source, or the reverse).
 */
export function errorCode(err: unknown): string | null {
  if (!(err instanceof Error)) return null;
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" && /^[A-Z][A-Z_]+$/.test(code) ? code : null;
}

export function exitCodeFor(err: unknown): number {
  const code = errorCode(err);
  return code !== null && USAGE_CODES.has(code) ? EXIT_USAGE : EXIT_FAILURE;
}

export interface ReportOptions {
  verbose: boolean;
  /** Extra line printed after the error, e.g. how to load the tasks. */
  hint?: string | undefined;
  /**
   * `--json`: one line `{"error":{"code","message","details"?,"hint"?}}` on stderr (the shape
   * of the HTTP API's errors), so scripts parse failures like results.
   */
  json?: boolean;
}

export function reportError(stderr: CliWritable, err: unknown, options: ReportOptions): number {
  const code = errorCode(err) ?? "INTERNAL";
  const message = err instanceof Error ? err.message : String(err);
  if (options.json) {
    const details = (err as { details?: unknown } | null)?.details;
    const error: Record<string, unknown> = { code, message };
    if (details !== undefined) error.details = details;
    if (options.hint) error.hint = options.hint;
    stderr.write(`${JSON.stringify({ error })}\n`);
    return exitCodeFor(err);
  }
  stderr.write(`error [${code}]: ${message}\n`);
  if (options.hint) stderr.write(`hint: ${options.hint}\n`);
  if (options.verbose && err instanceof Error && err.stack) {
    stderr.write(`${err.stack}\n`);
    let cause = err.cause;
    while (cause instanceof Error) {
      stderr.write(`caused by: ${cause.stack ?? cause.message}\n`);
      cause = cause.cause;
    }
  }
  return exitCodeFor(err);
}

/** Thrown by commands that already printed what went wrong and only need an exit code. */
export class ExitError extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}
