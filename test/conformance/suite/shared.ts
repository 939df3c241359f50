/** Several handles on one store (several processes on one SQLite file, Redis or PostgreSQL). */
import { expect } from "vitest";
import { defineTopic } from "./define.js";
import { claimOne, enqueueMany, errorRecord, getJob, LEASE_MS, newJob, recordEvents } from "./helpers.js";

export const sharedTopic = defineTopic("shared", (test) => {
  test(
    "claimers on two handles claim each job exactly once",
    async ({ backend, peer }) => {
      const other = await peer();
      const ids = await enqueueMany(backend, 60);
      const claimer = async (handle: typeof backend, n: number) => {
        const got: string[] = [];
        for (;;) {
          const { jobs } = await handle.jobClaim({
            queues: ["default"],
            limit: 3,
            workerId: `w${n}`,
            leaseMs: LEASE_MS,
          });
          if (jobs.length === 0) return got;
          got.push(...jobs.map((j) => j.id));
        }
      };
      const all = (
        await Promise.all([0, 1, 2, 3].map((n) => claimer(n % 2 === 0 ? backend : other, n)))
      ).flat();
      expect(all).toHaveLength(ids.length);
      expect(new Set(all)).toEqual(new Set(ids));
    },
    { peer: true },
  );

  test(
    "enqueues racing with one key through two handles make exactly one job",
    async ({ backend, clock, peer }) => {
      const other = await peer();
      const racers = Array.from({ length: 10 }, (_, i) =>
        (i % 2 === 0 ? backend : other).jobEnqueue({ jobs: [newJob(clock, { key: "race" })] }),
      );
      const results = (await Promise.all(racers)).map((r) => r.jobs[0]!);
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
    },
    { peer: true },
  );

  test(
    "a lease taken through one handle fences calls made through another",
    async ({ backend, clock, peer }) => {
      const other = await peer();
      await enqueueMany(backend, 1);
      const leased = await claimOne(backend);
      const stale = await other.jobFail({
        jobs: [{ id: leased.id, token: "not-the-token", error: errorRecord(1, clock.now()), retryAt: null }],
      });
      expect(stale.refused).toEqual([leased.id]);
      const done = await other.jobComplete({
        jobs: [{ id: leased.id, token: leased.leaseToken, result: "1" }],
      });
      expect(done.ok).toEqual([leased.id]);
      expect(await getJob(backend, leased.id)).toMatchObject({ state: "completed", result: "1" });
    },
    { peer: true },
  );

  test(
    "events of one handle reach subscribers of another",
    async ({ backend, peer }) => {
      const other = await peer();
      const recorder = recordEvents(other);
      await recorder.ready();
      const ids = await enqueueMany(backend, 5);
      const leased = await claimOne(backend);
      await backend.jobComplete({ jobs: [{ id: leased.id, token: leased.leaseToken, result: "1" }] });
      await recorder.until(
        (events) =>
          ids.every((id) => events.some((e) => e.type === "job:enqueued" && e.jobId === id)) &&
          events.some((e) => e.type === "job:completed" && e.jobId === leased.id),
      );
      expect(recorder.events.find((e) => e.type === "job:completed")).toMatchObject({
        jobId: leased.id,
        state: "completed",
      });
      recorder.stop();
    },
    { peer: true },
  );

  test(
    "a queue paused through one handle is skipped by claims through another",
    async ({ backend, peer }) => {
      const other = await peer();
      await enqueueMany(backend, 2);
      await backend.queuePause({ queue: "default" });
      expect(
        (await other.jobClaim({ queues: ["default"], limit: 10, workerId: "w", leaseMs: LEASE_MS })).jobs,
      ).toEqual([]);
      expect((await other.queueList()).find((q) => q.name === "default")?.paused).toBe(true);
    },
    { peer: true },
  );
});
