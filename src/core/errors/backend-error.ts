import { SpoolError } from "./spool-error.js";

/** The store failed or is unusable (connection lost, bad URL, schema too new, misconfiguration). */
export class BackendError extends SpoolError {
  readonly code: string;
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, { cause: options?.cause });
    this.code = options?.code ?? "BACKEND_ERROR";
  }
}
