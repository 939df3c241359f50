import { SpoolError } from "./spool-error.js";

export interface ValidationIssue {
  message: string;
  path?: ReadonlyArray<PropertyKey>;
}

/** Input failed the task's Standard Schema (zod, valibot, arktype …). Nothing was written. */
export class ValidationError extends SpoolError {
  readonly code = "VALIDATION_FAILED";
  constructor(
    readonly task: string,
    readonly issues: ReadonlyArray<ValidationIssue>,
  ) {
    const first = issues[0];
    const where = first?.path?.length ? ` at ${first.path.map(String).join(".")}` : "";
    super(`input of task "${task}" is invalid${where}: ${first?.message ?? "schema rejected it"}`, {
      details: { task, issues: issues.map((i) => ({ message: i.message, path: i.path?.map(String) })) },
    });
  }
}
