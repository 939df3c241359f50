/**
 * Failed authentications per client address (a wrong token at login or in a bearer header).
 * Past `max` failures within `windowMs`, every credential from that address is refused with
 * 429 until the oldest failure leaves the window: refusing only wrong guesses would still tell
 * a guesser which guess was right.
 *
 * Counted in this server process (replicas count on their own), in memory bounded by
 * `ADDRESSES_MAX` (the address idle longest is forgotten first). Behind a reverse proxy every
 * client shares the proxy's address: give the proxy its own limiter, or raise `max`.
 */
import { HttpError } from "./errors.js";

/** Addresses tracked at once. */
export const ADDRESSES_MAX = 10_000;

export class FailureLimiter {
  /** Failure times per address, oldest first; Map order is last-failure order (for eviction). */
  private readonly failures = new Map<string, number[]>();

  constructor(
    readonly max: number,
    readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Throws 429 RATE_LIMITED while `address` is over the limit. */
  check(address: string): void {
    const times = this.recent(address);
    if (times.length < this.max) return;
    const retryAfterMs = Math.max(0, times[0]! + this.windowMs - this.now());
    throw new HttpError("RATE_LIMITED", "too many failed authentication attempts from this address: wait", {
      retryAfterSeconds: Math.ceil(retryAfterMs / 1000),
    });
  }

  fail(address: string): void {
    const times = this.recent(address);
    times.push(this.now());
    this.failures.delete(address);
    this.failures.set(address, times.slice(-this.max));
    if (this.failures.size > ADDRESSES_MAX) this.failures.delete(this.failures.keys().next().value!);
  }

  private recent(address: string): number[] {
    const times = this.failures.get(address);
    if (!times) return [];
    const from = this.now() - this.windowMs;
    while (times.length > 0 && times[0]! <= from) times.shift();
    if (times.length === 0) this.failures.delete(address);
    return times;
  }
}
