/**
 * Reading the rest of a refused request's body, so the refusal reaches the client.
 *
 * A server that answers before it has read the request body (413 from `Content-Length`, 401,
 * 415 …) and then closes the socket makes the kernel send a TCP reset as the client's body
 * keeps arriving; the reset can overtake the answer, and the client sees EPIPE or "connection
 * reset" instead of the typed 413 (about 1 request in 10 with a 5 MB body on a busy machine;
 * every time for a client that writes its whole body before it reads). So after the answer is
 * written, the server reads and discards what is left of the body and keeps the connection:
 * the client finishes sending, reads the answer, and may even reuse the socket. This is what
 * Node's own HTTP server does when a handler ignores a body; Hono's adapter instead gives up
 * after 500 ms, which is the loss above.
 *
 * Cost: a client that declares a huge body makes the server read it. Both caps below end the
 * drain by destroying the socket (the reset then can still hit a client that insisted on
 * sending more than `DRAIN_BYTES_MAX` after being refused, or sends slower than
 * `DRAIN_TIMEOUT_MS` allows).
 */
import type { IncomingMessage } from "node:http";

/** Most bytes read and thrown away after a refusal (16× the default body limit). */
export const DRAIN_BYTES_MAX = 64 * 1024 * 1024;
/** Longest a refused body may take to arrive. */
export const DRAIN_TIMEOUT_MS = 30_000;

export interface DrainLimits {
  bytesMax: number;
  timeoutMs: number;
}

/**
 * Discards the unread rest of `req`'s body (call once its response is written). No-op when
 * the body was read to the end. Listeners that would buffer the bytes (a web stream over the
 * request that nobody reads any more) are removed first, so draining holds no memory.
 */
export function drainUnreadBody(
  req: IncomingMessage,
  limits: DrainLimits = { bytesMax: DRAIN_BYTES_MAX, timeoutMs: DRAIN_TIMEOUT_MS },
): void {
  if (req.complete || req.destroyed) return;
  let read = 0;
  const giveUp = () => {
    cleanup();
    req.socket?.destroy();
  };
  const timer = setTimeout(giveUp, limits.timeoutMs);
  timer.unref();
  const onData = (chunk: Buffer) => {
    read += chunk.length;
    if (read > limits.bytesMax) giveUp();
  };
  const cleanup = () => {
    clearTimeout(timer);
    req.off("data", onData);
    req.off("end", cleanup);
    req.off("close", cleanup);
    req.off("error", cleanup);
  };
  req.removeAllListeners("data");
  req.on("data", onData);
  req.once("end", cleanup);
  req.once("close", cleanup);
  req.once("error", cleanup);
  req.resume();
}
