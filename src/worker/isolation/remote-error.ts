/** An error raised in an isolated child (or about it: it crashed), rebuilt in the worker. */
import type { RemoteErrorData } from "./protocol.js";

export class IsolatedError extends Error {
  readonly code: string | undefined;
  readonly permanent: boolean;

  constructor(data: RemoteErrorData) {
    super(data.message);
    this.name = data.name;
    this.code = data.code;
    this.permanent = data.permanent;
    if (data.stack) this.stack = data.stack;
    else this.stack = `${data.name}: ${data.message}`;
  }
}
