/**
 * Base of every error spool throws on purpose. `code` is stable across versions and
 * backends: branch on it (or `instanceof`), never on `message`. The HTTP layer maps
 * codes to statuses in one table.
 */
export abstract class SpoolError extends Error {
  abstract readonly code: string;
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
  return value instanceof SpoolError;
}
