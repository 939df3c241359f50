/**
 * Base of every error spool throws on purpose. `code` is stable across versions and
 * backends: branch on it (or `instanceof`), never on `message`. The HTTP layer maps
 * codes to statuses in one table.
 */
const BRAND = Symbol.for("spool.error");

export abstract class SpoolError extends Error {
  abstract readonly code: string;
  /** Survives duplicated module copies (an app on `dist/`, a CLI on `src/`), unlike `instanceof`. */
  readonly [BRAND] = true;
  /** Extra machine-readable facts (the HTTP API returns them as `details`). */
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options?.details;
  }
}

/** True for any spool error, also across duplicated module copies (checks the shape, not the prototype). */
export function isSpoolError(value: unknown): value is SpoolError {
  return (
    value instanceof SpoolError ||
    (value instanceof Error &&
      (value as unknown as Record<symbol, unknown>)[BRAND] === true &&
      typeof (value as { code?: unknown }).code === "string")
  );
}
