import { SpoolError } from "./spool-error.js";

/** No task with this name is defined in the app. Nothing was written. */
export class UnknownTaskError extends SpoolError {
  readonly code = "UNKNOWN_TASK";
  constructor(
    readonly task: string,
    known: readonly string[] = [],
  ) {
    const hint = known.length
      ? ` (known: ${known.slice(0, 20).join(", ")}${known.length > 20 ? ", …" : ""})`
      : "";
    super(`unknown task "${task}"${hint}`, { details: { task } });
  }
}
