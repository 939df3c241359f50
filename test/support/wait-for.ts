/**
 * Bounded polling for tests: wait until a condition holds, or fail with a message that says
 * what was awaited and the last value seen. Tests wait on conditions, never on bare sleeps.
 */
export interface WaitForOptions {
  /** Give up after this long. Default 10 s (generous: CI machines are small and noisy). */
  timeout?: number;
  /** Poll interval. Default 20 ms. */
  interval?: number;
  /** What is awaited, for the failure message. */
  message?: string;
}

/**
 * Polls `cond` until it returns a truthy value and resolves with that value. A throwing
 * `cond` counts as "not yet" (the last error is reported on timeout).
 */
export async function waitFor<T>(
  cond: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const timeout = options.timeout ?? 10_000;
  const interval = options.interval ?? 20;
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await cond();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(
        `timed out after ${timeout}ms waiting for ${options.message ?? "condition"} (last: ${seen})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** A promise with its resolve function exposed (a gate a test opens). */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
