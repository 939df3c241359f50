/** An error raised in an isolated child (or about it: it crashed), rebuilt in the worker. */
import { RateLimitedError } from "../../core/errors/index.js";
import type { RemoteErrorData } from "./protocol.js";

/** The worker-side error for a child's error: a real `RateLimitedError` keeps its backoff. */
export function fromRemote(data: RemoteErrorData): Error {
  if (data.rateLimit) {
    const err = new RateLimitedError({
      retryAfter: data.rateLimit.retryAfterMs,
      scope: data.rateLimit.scope,
      message: data.message,
    });
    if (data.stack) err.stack = data.stack;
    return err;
  }
  return new IsolatedError(data);
}

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
