import { SpoolError } from "./spool-error.js";

/**
 * A value cannot be stored so that it reads back the same: a function, a symbol, a cycle,
 * a class instance spool does not know, or malformed stored data. `path` points at it.
 */
export class SerializationError extends SpoolError {
  readonly code = "UNSERIALIZABLE";
  constructor(
    readonly reason: string,
    readonly path: string,
  ) {
    super(`cannot serialize value at ${path || "(root)"}: ${reason}`, { details: { path, reason } });
  }
}
