/**
 * Fairness between keys from claim to claim (docs/flow-control.md, "Fairness between keys"):
 * a queue's fair claims go round its groups (a task's jobs with one limit key; jobs without
 * limits are one more group) in a ring kept in the store, each claim starting after the group
 * the previous one served last. So a worker that claims one job at a time still serves every key
 * in turn, instead of the key whose next job is oldest.
 */
import { expect } from "vitest";
import type { Backend, JobFlow, NewJob } from "../../../src/backend/backend.js";
import type { FakeClock } from "../../../src/core/clock.js";
import { defineTopic } from "./define.js";
import { LEASE_MS, newJob } from "./helpers.js";

const claimAs = (backend: Backend, limit: number, workerId = "w1") =>
  backend.jobClaim({ queues: ["q"], limit, workerId, leaseMs: LEASE_MS });

const capFlow = (key: string, limit = 1000): JobFlow => ({
  key,
  concurrency: { limit, keyed: true },
  rateLimit: null,
});

/** `count` jobs of task "t" in queue "q" with `flow` (null: no limits), one batch, then 10 ms pass. */
async function jobsOf(
  backend: Backend,
  clock: FakeClock,
  count: number,
  flow: JobFlow | null,
  overrides: Partial<NewJob> = {},
): Promise<void> {
  const jobs = Array.from({ length: count }, () =>
    newJob(clock, { queue: "q", task: "t", flow, ...overrides }),
  );
  await backend.jobEnqueue({ jobs });
  clock.advance(10);
}

/** The limit key of each claimed job ("-" for a job without limits). */
const keysOf = (jobs: readonly { limitKey?: string }[]) => jobs.map((j) => j.limitKey ?? "-");

const count = (keys: readonly string[]) => {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
};

/** Claims one job `n` times; the limit keys in claim order. */
async function singles(backend: Backend, n: number, workerId = "w1"): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(...keysOf((await claimAs(backend, 1, workerId)).jobs));
  return out;
}

export const flowRotationTopic = defineTopic("flow-rotation", (test) => {
  test("claims of one job rotate between keys", async ({ backend, clock }) => {
    // A's 50 jobs are all older than B's and C's: without a rotation every claim takes A's next.
    await jobsOf(backend, clock, 50, capFlow("A"));
    await jobsOf(backend, clock, 3, capFlow("B"));
    await jobsOf(backend, clock, 3, capFlow("C"));
    const first = await singles(backend, 3);
    expect([...first].sort()).toEqual(["A", "B", "C"]);
    // Round after round: each further 3 claims serve the keys in the same order.
    const next = await singles(backend, 6);
    expect(next).toEqual([...first, ...first]);
    // B and C are done after 9 claims; then A alone.
    expect(count([...first, ...next])).toEqual({ A: 3, B: 3, C: 3 });
    expect(await singles(backend, 2)).toEqual(["A", "A"]);
  });

  test("with a batch claim the small keys are not starved", async ({ backend, clock }) => {
    await jobsOf(backend, clock, 50, capFlow("A"));
    await jobsOf(backend, clock, 3, capFlow("B"));
    await jobsOf(backend, clock, 3, capFlow("C"));
    const first = keysOf((await claimAs(backend, 4)).jobs);
    expect(first).toHaveLength(4);
    expect(new Set(first)).toEqual(new Set(["A", "B", "C"]));
    const second = keysOf((await claimAs(backend, 4)).jobs);
    const third = keysOf((await claimAs(backend, 4)).jobs);
    // 12 jobs over 3 claims: B's and C's 6 all started, A got the other 6.
    expect(count([...first, ...second, ...third])).toEqual({ A: 6, B: 3, C: 3 });
  });

  test("jobs without limits take their turn as one more group", async ({ backend, clock }) => {
    await jobsOf(backend, clock, 10, null);
    await jobsOf(backend, clock, 10, capFlow("A"));
    await jobsOf(backend, clock, 10, capFlow("B"));
    const first = await singles(backend, 3);
    expect([...first].sort()).toEqual(["-", "A", "B"]);
    expect(await singles(backend, 3)).toEqual(first);
  });

  test("a key its cap stops is passed over, and the others keep rotating", async ({ backend, clock }) => {
    await jobsOf(backend, clock, 5, capFlow("A", 1));
    await jobsOf(backend, clock, 5, capFlow("B"));
    await jobsOf(backend, clock, 5, capFlow("C"));
    const first = await singles(backend, 3);
    expect([...first].sort()).toEqual(["A", "B", "C"]);
    // A has its one running job: the next claims alternate between B and C.
    const next = await singles(backend, 4);
    expect(next).toEqual(first.filter((k) => k !== "A").concat(first.filter((k) => k !== "A")));
  });

  test("the rotation goes on across keys of several tasks", async ({ backend, clock }) => {
    await jobsOf(backend, clock, 10, capFlow("A"), { task: "t1" });
    await jobsOf(backend, clock, 10, capFlow("A"), { task: "t2" });
    await jobsOf(backend, clock, 10, capFlow("B"), { task: "t1" });
    const tasksOf = async () => {
      const out: string[] = [];
      for (let i = 0; i < 3; i++) {
        const [job] = (await claimAs(backend, 1)).jobs;
        out.push(`${job!.task}/${job!.limitKey}`);
      }
      return out;
    };
    const first = await tasksOf();
    expect([...first].sort()).toEqual(["t1/A", "t1/B", "t2/A"]);
    expect(await tasksOf()).toEqual(first);
  });

  test(
    "the rotation is kept in the store: claims from two handles take turns",
    async ({ backend, clock, peer }) => {
      await jobsOf(backend, clock, 20, capFlow("A"));
      await jobsOf(backend, clock, 3, capFlow("B"));
      await jobsOf(backend, clock, 3, capFlow("C"));
      const other = await peer();
      const keys = [
        ...keysOf((await claimAs(backend, 1)).jobs),
        ...keysOf((await claimAs(other, 1, "w2")).jobs),
        ...keysOf((await claimAs(backend, 1)).jobs),
      ];
      expect([...keys].sort()).toEqual(["A", "B", "C"]);
    },
    { peer: true },
  );
});
