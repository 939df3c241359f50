import { expect } from "vitest";
import type { Backend, JobListParams } from "../../../src/backend/backend.js";
import { defineTopic } from "./define.js";
import { enqueueMany, enqueueOne, newJob, runningJob } from "./helpers.js";

async function ids(backend: Backend, params: JobListParams): Promise<string[]> {
  return (await backend.jobList(params)).jobs.map((j) => j.id);
}

async function paginate(backend: Backend, params: JobListParams): Promise<{ ids: string[]; pages: number }> {
  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await backend.jobList({ ...params, ...(cursor ? { cursor } : {}) });
    pages++;
    expect(page.jobs.length).toBeLessThanOrEqual(params.limit ?? 50);
    seen.push(...page.jobs.map((j) => j.id));
    cursor = page.nextCursor ?? undefined;
    if (pages > 100) throw new Error("pagination does not terminate");
  } while (cursor);
  return { ids: seen, pages };
}

export const listTopic = defineTopic("list", (test) => {
  test("jobs are listed newest first by default and oldest first with order asc", async ({ backend }) => {
    const all = await enqueueMany(backend, 5);
    expect(await ids(backend, {})).toEqual([...all].reverse());
    expect(await ids(backend, { order: "asc" })).toEqual(all);
  });

  test("jobGetMany returns the jobs that exist and leaves out unknown ids", async ({ backend }) => {
    const [a, b] = await enqueueMany(backend, 2);
    const unknown = "01970000-0000-7000-8000-00000000beef";
    const found = await backend.jobGetMany({ ids: [b!, unknown, a!] });
    expect(found.map((j) => j.id).sort()).toEqual([a, b].sort());
    expect(await backend.jobGet({ id: unknown })).toBeNull();
  });

  test("filters by queue, task and key", async ({ backend }) => {
    const a = await enqueueOne(backend, { queue: "qa", task: "t1", key: "k1" });
    const b = await enqueueOne(backend, { queue: "qb", task: "t1" });
    const c = await enqueueOne(backend, { queue: "qa", task: "t2", key: "k2" });
    expect(await ids(backend, { queue: "qa", order: "asc" })).toEqual([a, c]);
    expect(await ids(backend, { task: "t1", order: "asc" })).toEqual([a, b]);
    expect(await ids(backend, { key: "k2" })).toEqual([c]);
    expect(await ids(backend, { queue: "qa", task: "t1" })).toEqual([a]);
    expect(await ids(backend, { queue: "nope" })).toEqual([]);
  });

  test("filters by one state or several", async ({ backend, clock }) => {
    const queued = await enqueueOne(backend, { queue: "q" });
    const scheduled = await enqueueOne(backend, { queue: "q", runAt: clock.now() + 60_000 });
    const running = await runningJob(backend, { queue: "r" });
    expect(await ids(backend, { state: "queued" })).toEqual([queued]);
    expect(await ids(backend, { state: ["scheduled", "running"], order: "asc" })).toEqual([
      scheduled,
      running.id,
    ]);
  });

  test("an unknown state throws InvalidArgumentError", async ({ backend }) => {
    await expect(backend.jobList({ state: "active" as never })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
  });

  test("filters by creation time range", async ({ backend, clock }) => {
    const t0 = clock.now();
    const early = await enqueueOne(backend);
    clock.advance(1_000);
    const middle = await enqueueOne(backend);
    clock.advance(1_000);
    const late = await enqueueOne(backend);
    expect(await ids(backend, { createdAfter: t0 + 500, createdBefore: t0 + 1_500 })).toEqual([middle]);
    expect(await ids(backend, { createdAfter: t0 + 500, order: "asc" })).toEqual([middle, late]);
    expect(await ids(backend, { createdBefore: t0 + 500 })).toEqual([early]);
  });

  test("a cursor walk over 250 jobs in pages of 50 visits each job exactly once in both orders", async ({
    backend,
  }) => {
    const all: string[] = [];
    for (let i = 0; i < 5; i++) all.push(...(await enqueueMany(backend, 50, { queue: `q${i % 2}` })));
    for (const order of ["asc", "desc"] as const) {
      const walk = await paginate(backend, { limit: 50, order });
      expect(walk.ids).toEqual(order === "asc" ? all : [...all].reverse());
      expect(walk.pages).toBeGreaterThanOrEqual(5);
      expect(walk.pages).toBeLessThanOrEqual(6);
    }
  });

  test("a cursor walk with a filter visits exactly the matching jobs", async ({ backend }) => {
    // One batch, not 60 single writes: 60 SQLite commits took over a minute on a loaded machine.
    const batch = Array.from({ length: 60 }, (_, i) =>
      newJob(backend.clock, { queue: i % 2 === 0 ? "even" : "odd" }),
    );
    const { jobs } = await backend.jobEnqueue({ jobs: batch });
    const even = jobs.filter((_, i) => i % 2 === 0).map((j) => j.id);
    const walk = await paginate(backend, { queue: "even", limit: 7, order: "asc" });
    expect(walk.ids).toEqual(even);
  });

  test(
    "deep pagination while new jobs arrive sees every job exactly once, with and without filters",
    async ({ backend, clock }) => {
      const t0 = clock.now();
      const start: string[] = [];
      for (let b = 0; b < 4; b++) {
        const batch = Array.from({ length: 20 }, (_, i) =>
          newJob(backend.clock, { queue: i % 3 === 0 ? "deep-a" : "deep-b" }),
        );
        start.push(...(await backend.jobEnqueue({ jobs: batch })).jobs.map((j) => j.id));
        clock.advance(1_000);
      }
      const inA = new Set(start.filter((_, i) => (i % 20) % 3 === 0));
      const cases: [JobListParams, (id: string) => boolean][] = [
        [{}, () => true],
        [{ queue: "deep-a" }, (id) => inA.has(id)],
        [{ state: "queued", createdAfter: t0 + 1_000 }, (id) => start.indexOf(id) >= 20],
        [
          { queue: "deep-b", createdAfter: t0 + 1_000, createdBefore: t0 + 3_000 },
          (id) => {
            const i = start.indexOf(id);
            return i >= 20 && i < 60 && !inA.has(id);
          },
        ],
      ];
      for (const [params, kept] of cases)
        for (const order of ["desc", "asc"] as const) {
          const seen: string[] = [];
          const arrived: string[] = [];
          let cursor: string | undefined;
          for (let pages = 0; ; pages++) {
            const page = await backend.jobList({ ...params, order, limit: 7, ...(cursor ? { cursor } : {}) });
            seen.push(...page.jobs.map((j) => j.id));
            cursor = page.nextCursor ?? undefined;
            if (!cursor) break;
            if (pages > 200) throw new Error("pagination does not terminate");
            // New jobs in both queues, created after every job listed so far.
            clock.advance(10);
            const fresh = [
              newJob(backend.clock, { queue: "deep-a" }),
              newJob(backend.clock, { queue: "deep-b" }),
            ];
            arrived.push(...(await backend.jobEnqueue({ jobs: fresh })).jobs.map((j) => j.id));
          }
          const label = `${JSON.stringify(params)} ${order}`;
          expect(new Set(seen).size, `${label}: a job listed twice`).toBe(seen.length);
          const want = start.filter(kept);
          const listedOfStart = seen.filter((id) => start.includes(id));
          expect(listedOfStart, label).toEqual(order === "asc" ? want : [...want].reverse());
          // Jobs that arrived during the walk: newest first, the walk is past them already;
          // oldest first, any it meets come after every job that was there at the start.
          const late = seen.filter((id) => arrived.includes(id));
          if (order === "desc") expect(late, label).toEqual([]);
          else expect(seen.slice(seen.length - late.length), label).toEqual(late);
        }
    },
    // Dozens of pages and enqueues: on a loaded shared Redis this took over a minute once.
    { timeoutMs: 180_000 },
  );

  test("the last page has no next cursor", async ({ backend }) => {
    await enqueueMany(backend, 3);
    expect((await backend.jobList({ limit: 3 })).nextCursor).toBeNull();
    expect((await backend.jobList({ limit: 2 })).nextCursor).not.toBeNull();
  });

  test("a malformed cursor throws InvalidArgumentError", async ({ backend }) => {
    await enqueueMany(backend, 3);
    for (const cursor of ["%%%", "not a cursor at all!", "\u0000\u0001"]) {
      await expect(backend.jobList({ cursor })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    }
  });

  test("the page size defaults to 50 and must lie in 1..1000", async ({ backend }) => {
    await enqueueMany(backend, 60);
    expect((await backend.jobList({})).jobs).toHaveLength(50);
    expect((await backend.jobList({ limit: 1 })).jobs).toHaveLength(1);
    expect((await backend.jobList({ limit: 1000 })).jobs).toHaveLength(60);
    for (const limit of [0, -1, 1001, 2.5]) {
      await expect(backend.jobList({ limit })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    }
  });
});
