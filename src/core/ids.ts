import { randomFillSync } from "node:crypto";

/**
 * Job ids are UUIDv7 (RFC 9562): time-ordered, so sorting by id is sorting by creation
 * (FIFO inside a priority, cheap cursor pagination), and unique without coordination.
 *
 * Written here rather than taken from `uuid` because enqueue is a hot path: `uuid` draws
 * fresh random bytes per id (about 2.4 µs here), this draws from a pooled buffer (~0.1 µs).
 * Monotonic inside one millisecond: the 12-bit `rand_a` field is a counter seeded randomly
 * each millisecond (RFC 9562 §6.2 method 1), and the timestamp borrows a millisecond if
 * the counter overflows, so ids made by one process always sort in creation order.
 */
const POOL_SIZE = 16 * 1024;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;

function randomBytes(n: number): number {
  if (poolOffset + n > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const at = poolOffset;
  poolOffset += n;
  return at;
}

/*
 * The id's text is written as ASCII into one reused 36-byte buffer and read out with a single
 * `latin1` decode. Joining 2-character hex strings with `+` (as this did before) builds a
 * rope of ~20 pieces per id, which V8 must then flatten when the id is first hashed
 * (`checkNewJobs`' duplicate check) or written to a socket: producing the flat string
 * directly costs less and lets those steps skip the flattening. The timestamp's 13 characters
 * are only rewritten when the millisecond changes.
 */
const text = Buffer.alloc(36);
text[8] = text[13] = text[18] = text[23] = 0x2d; // "-"
const HEX_DIGITS = Buffer.from("0123456789abcdef", "latin1");

/** Writes `byte` (0..255) as two lowercase hex digits at `at`. */
function putHex(at: number, byte: number): void {
  text[at] = HEX_DIGITS[(byte >>> 4) & 0xf]!;
  text[at + 1] = HEX_DIGITS[byte & 0xf]!;
}

let lastMs = 0;
let counter = 0;
/** The millisecond whose digits `text` holds (may differ from `lastMs` after an explicit `nowMs`). */
let writtenMs = -1;

export function uuidv7(nowMs: number = Date.now()): string {
  let ms = nowMs;
  if (ms > lastMs) {
    lastMs = ms;
    const at = randomBytes(2);
    counter = ((pool[at]! << 8) | pool[at + 1]!) & 0x7ff; // leave headroom in the 12-bit field
  } else {
    ms = lastMs;
    counter++;
    if (counter > 0xfff) {
      lastMs = ++ms;
      counter = 0;
    }
  }
  if (ms !== writtenMs) {
    writtenMs = ms;
    const hi = Math.floor(ms / 0x10000);
    const lo = ms % 0x10000;
    putHex(0, hi >>> 24);
    putHex(2, hi >>> 16);
    putHex(4, hi >>> 8);
    putHex(6, hi);
    putHex(9, lo >>> 8);
    putHex(11, lo);
  }
  putHex(14, 0x70 | (counter >>> 8));
  putHex(16, counter);
  const r = randomBytes(8);
  putHex(19, 0x80 | (pool[r]! & 0x3f));
  putHex(21, pool[r + 1]!);
  for (let i = 2; i < 8; i++) putHex(20 + 2 * i, pool[r + i]!);
  return text.toString("latin1", 0, 36);
}

export function newJobId(): string {
  return uuidv7();
}

/** Token that fences one lease (see `LeasedJob.leaseToken`): unique, unguessable enough, cheap. */
export function newLeaseToken(): string {
  return uuidv7();
}

/** Worker ids: readable in listings, unique per process start. */
export function newWorkerId(hostname: string, pid: number): string {
  return `${hostname}:${pid}:${uuidv7().slice(-8)}`;
}
