import { SpoolError } from "./spool-error.js";

/** The job (or queue, schedule …) does not exist, or retention already removed it. */
export class NotFoundError extends SpoolError {
  readonly code = "NOT_FOUND";
  constructor(
    readonly kind: "job" | "queue" | "schedule" | "workflow",
    readonly id: string,
  ) {
    super(`${kind} "${id}" not found`, { details: { kind, id } });
  }
}
