/**
 * Every enqueue batch is one atomic write on every backend, up to ENQUEUE_JOBS_MAX jobs; a
 * larger batch is refused before anything is written (issue 12, bug 5: Redis used to split
 * batches above 10,000 into several scripts and could write part of one).
 */
import { expect } from "vitest";
import { type Backend, ENQUEUE_JOBS_MAX, type NewJob } from "../../../src/backend/backend.js";
import type { Clock } from "../../../src/core/clock.js";
import { newJobId } from "../../../src/core/ids.js";
import { defineTopic } from "./define.js";
import { newJob, QUEUE } from "./helpers.js";

/** Jobs stored in the default queue, whatever their state. */
async function stored(backend: Backend): Promise<number> {
  const queue = (await backend.queueList()).find((q) => q.name === QUEUE);
  return queue ? Object.values(queue.counts).reduce((a, b) => a + b, 0) : 0;
}

/**
 * `size` jobs: the first carries the key of a job already stored (so it is deduplicated to
 * that job), the last depends on the first (so on the existing job).
 */
async function dedupBatch(backend: Backend, clock: Clock, size: number) {
  const original = newJob(clock, { key: "k-1" });
  await backend.jobEnqueue({ jobs: [original] });
  const first = newJob(clock, { key: "k-1" });
  const batch: NewJob[] = [first];
  for (let i = 1; i < size - 1; i++) batch.push(newJob(clock));
  batch.push(newJob(clock, { dependsOn: [first.id] }));
  return { original, batch };
}

export const batchTopic = defineTopic("batch", (test) => {
  test("a batch of ENQUEUE_JOBS_MAX whose last job depends on a deduplicated first job is written whole", async ({
    backend,
    clock,
  }) => {
    const { original, batch } = await dedupBatch(backend, clock, ENQUEUE_JOBS_MAX);
    const { jobs } = await backend.jobEnqueue({ jobs: batch });
    expect(jobs).toHaveLength(ENQUEUE_JOBS_MAX);
    expect(jobs[0]).toMatchObject({ id: original.id, created: false });
    // The last job depends on the existing (queued) job the key matched, so it waits.
    expect(jobs.at(-1)).toMatchObject({ id: batch.at(-1)!.id, state: "waiting", created: true });
    expect(await stored(backend)).toBe(ENQUEUE_JOBS_MAX);
  });

  test("a batch of ENQUEUE_JOBS_MAX whose last job has an unknown dependency writes nothing", async ({
    backend,
    clock,
  }) => {
    const batch = Array.from({ length: ENQUEUE_JOBS_MAX }, () => newJob(clock));
    batch[ENQUEUE_JOBS_MAX - 1]!.dependsOn = [newJobId()];
    await expect(backend.jobEnqueue({ jobs: batch })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await stored(backend)).toBe(0);
  });

  test("a batch over ENQUEUE_JOBS_MAX is refused with InvalidArgumentError and writes nothing", async ({
    backend,
    clock,
  }) => {
    const { batch } = await dedupBatch(backend, clock, ENQUEUE_JOBS_MAX + 1);
    const error = await backend.jobEnqueue({ jobs: batch }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "INVALID_ARGUMENT" });
    expect((error as Error).message).toContain(String(ENQUEUE_JOBS_MAX));
    expect(await stored(backend)).toBe(1);
  });
});
