/**
 * Seeding helper for the benches that build a big store of finished jobs (dashboard-scale,
 * growth): claims `count` jobs through the backend's own claim and completes or fails them, in
 * calls of at most `FINISH_CHUNK` jobs with up to `FINISH_IN_FLIGHT` claim+finish rounds in
 * flight. One claim of ~10,000 jobs in a single Redis script ran past the 15 s command timeout at
 * 510,000 stored jobs (and held every other client for that long); small calls keep each script
 * to a few ms, and pipelining keeps the total rate.
 */
import type { Backend } from "../../src/backend/backend.js";
import type { LeasedJob } from "../../src/core/types.js";

export const FINISH_CHUNK = 200;
export const FINISH_IN_FLIGHT = 4;

export interface FinishOptions {
  queues: readonly string[];
  /** Jobs to claim and finish (fewer if the queues run dry). */
  count: number;
  workerId: string;
  /** Running index (0-based, over all jobs this call finishes) -> fail it instead of completing. */
  fails: (n: number) => boolean;
  result: string;
  error: (job: LeasedJob) => { message: string; at: number };
}

/** Returns how many jobs were finished. */
export async function claimAndFinish(backend: Backend, o: FinishOptions): Promise<number> {
  let claimedTotal = 0;
  let finished = 0;
  let dry = false;
  const round = async (): Promise<void> => {
    while (!dry && claimedTotal < o.count) {
      const limit = Math.min(FINISH_CHUNK, o.count - claimedTotal);
      claimedTotal += limit; // reserved before the await, so rounds in flight never overshoot
      const { jobs } = await backend.jobClaim({
        queues: o.queues,
        limit,
        workerId: o.workerId,
        leaseMs: 600_000,
      });
      claimedTotal -= limit - jobs.length;
      if (jobs.length === 0) {
        dry = true;
        return;
      }
      const base = finished;
      finished += jobs.length;
      const fail = jobs.filter((_, j) => o.fails(base + j));
      const done = jobs.filter((_, j) => !o.fails(base + j));
      await Promise.all([
        done.length
          ? backend.jobComplete({
              jobs: done.map((j) => ({ id: j.id, token: j.leaseToken, result: o.result })),
            })
          : null,
        fail.length
          ? backend.jobFail({
              jobs: fail.map((j) => ({
                id: j.id,
                token: j.leaseToken,
                retryAt: null,
                error: { attempt: 1, name: "Error", stack: "", ...o.error(j) },
              })),
            })
          : null,
      ]);
    }
  };
  await Promise.all(Array.from({ length: FINISH_IN_FLIGHT }, round));
  return finished;
}
