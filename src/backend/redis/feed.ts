/**
 * Decoding of change-feed messages (scripts/includes/events.lua): a JSON array whose elements
 * are BackendEvent objects or compact groups of hot-path events, expanded here into the same
 * objects the memory backend emits.
 *
 *   ["e", queue, at, state, [ids]]                 job:enqueued (no data)
 *   ["s", queue, at, workerId, [ids], [attempts]]  job:started, state running, data {attempt, workerId}
 *   ["c", queue, at, [ids], [attempts]]            job:completed, state completed, data {attempt}
 */
import type { BackendEvent } from "../backend.js";

type Element = BackendEvent | [string, string, number, ...unknown[]];

/** The event type each compact group kind expands to. */
const GROUP_TYPES: Readonly<Record<string, string>> = {
  e: "job:enqueued",
  s: "job:started",
  c: "job:completed",
};

/**
 * `wanted` (absent: every type): compact groups of other types are not expanded at all — the
 * per-job objects of a 200-job claim are most of a busy worker's feed work otherwise.
 */
export function decodeFeed(payload: string, wanted?: ReadonlySet<string>): BackendEvent[] {
  const raw = JSON.parse(payload) as Element[];
  let grouped = false;
  for (let i = 0; i < raw.length; i++) {
    if (Array.isArray(raw[i])) {
      grouped = true;
      break;
    }
  }
  if (!grouped) return raw as BackendEvent[];
  const out: BackendEvent[] = [];
  for (const el of raw) {
    if (!Array.isArray(el)) {
      out.push(el);
      continue;
    }
    const queue = el[1];
    const at = el[2];
    if (wanted && !wanted.has(GROUP_TYPES[el[0]] ?? "")) continue;
    switch (el[0]) {
      case "e": {
        const state = el[3] as BackendEvent["state"];
        const ids = el[4] as string[];
        for (let i = 0; i < ids.length; i++)
          out.push({ type: "job:enqueued", jobId: ids[i]!, queue, at, state });
        break;
      }
      case "s": {
        const workerId = el[3] as string;
        const ids = el[4] as string[];
        const attempts = el[5] as number[];
        for (let i = 0; i < ids.length; i++)
          out.push({
            type: "job:started",
            jobId: ids[i]!,
            queue,
            at,
            state: "running",
            data: { attempt: attempts[i], workerId },
          });
        break;
      }
      case "c": {
        const ids = el[3] as string[];
        const attempts = el[4] as number[];
        for (let i = 0; i < ids.length; i++)
          out.push({
            type: "job:completed",
            jobId: ids[i]!,
            queue,
            at,
            state: "completed",
            data: { attempt: attempts[i] },
          });
        break;
      }
    }
  }
  return out;
}
