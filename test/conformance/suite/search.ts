/**
 * Text search (`JobListParams.search`, src/backend/search.ts): a case-insensitive substring of
 * a job's id, key, input, result or any error message, combined with every other filter and
 * the cursor. A backend may answer a search page short (even empty) with a `nextCursor` (Redis
 * bounds the work per call), so these tests walk every page.
 */
import { expect } from "vitest";
import type { Backend, JobListParams } from "../../../src/backend/backend.js";
import { defineTopic } from "./define.js";
import { claimOne, enqueueMany, enqueueOne, errorRecord, runningJob } from "./helpers.js";

/** Every matching id, in list order, over all pages. */
async function searchAll(backend: Backend, params: JobListParams): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; ; pages++) {
    if (pages > 1000) throw new Error("search pagination does not terminate");
    const page = await backend.jobList({ ...params, ...(cursor ? { cursor } : {}) });
    expect(page.jobs.length).toBeLessThanOrEqual(params.limit ?? 50);
    out.push(...page.jobs.map((j) => j.id));
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
}

export const searchTopic = defineTopic("search", (test) => {
  test("search matches id, key and input case-insensitively", async ({ backend }) => {
    const byKey = await enqueueOne(backend, { key: "Invoice-2026-ABC", queue: "k" });
    const other = await enqueueOne(backend, { key: "unrelated", queue: "k" });
    const byInput = await enqueueOne(backend, { input: '{"customer":"Zebulon Quade","n":7}' });
    expect(await searchAll(backend, { search: "invoice-2026" })).toEqual([byKey]);
    expect(await searchAll(backend, { search: other.slice(-12).toUpperCase() })).toEqual([other]);
    expect(await searchAll(backend, { search: "zebulon quade" })).toEqual([byInput]);
    expect(await searchAll(backend, { search: '"customer":"zeb' })).toEqual([byInput]);
    expect(await searchAll(backend, { search: "no such text anywhere" })).toEqual([]);
  });

  test("search matches the result and every error message, not only the last", async ({ backend, clock }) => {
    const done = await runningJob(backend, { queue: "r" });
    await backend.jobComplete({
      jobs: [{ id: done.id, token: done.leaseToken, result: '{"url":"/files/Quokka.pdf"}' }],
    });
    const id = await enqueueOne(backend);
    for (const [attempt, message] of [
      [1, "first-problem: Connection REFUSED"],
      [2, "second-problem"],
    ] as const) {
      const leased = await claimOne(backend);
      await backend.jobFail({
        jobs: [
          {
            id,
            token: leased.leaseToken,
            error: errorRecord(attempt, clock.now(), message),
            retryAt: clock.now(),
          },
        ],
      });
    }
    expect(await searchAll(backend, { search: "quokka.PDF" })).toEqual([done.id]);
    expect(await searchAll(backend, { search: "second-problem" })).toEqual([id]);
    expect(await searchAll(backend, { search: "refused" })).toEqual([id]);
  });

  test("the search follows a job's changes: new input, result, removal", async ({ backend }) => {
    const id = await enqueueOne(backend, { input: '{"word":"marmalade"}' });
    expect(await searchAll(backend, { search: "marmalade" })).toEqual([id]);
    await backend.jobUpdate({ ids: [id], input: '{"word":"porcupine"}' });
    expect(await searchAll(backend, { search: "marmalade" })).toEqual([]);
    expect(await searchAll(backend, { search: "porcupine" })).toEqual([id]);
    const leased = await claimOne(backend);
    await backend.jobComplete({ jobs: [{ id, token: leased.leaseToken, result: '"pangolin"' }] });
    expect(await searchAll(backend, { search: "pangolin" })).toEqual([id]);
    await backend.jobRemove({ ids: [id] });
    expect(await searchAll(backend, { search: "porcupine" })).toEqual([]);
  });

  test("search combines with state, task, queue and time filters", async ({ backend, clock }) => {
    const a = await enqueueOne(backend, { queue: "qa", input: '{"tag":"walrus"}' });
    clock.advance(10);
    const b = await enqueueOne(backend, { queue: "qb", input: '{"tag":"walrus"}', task: "other.task" });
    clock.advance(10);
    const c = await enqueueOne(backend, {
      queue: "qa",
      input: '{"tag":"walrus"}',
      runAt: clock.now() + 60_000,
    });
    expect(await searchAll(backend, { search: "walrus", queue: "qa" })).toEqual([c, a]);
    expect(await searchAll(backend, { search: "walrus", task: "other.task" })).toEqual([b]);
    expect(await searchAll(backend, { search: "walrus", state: "scheduled" })).toEqual([c]);
    expect(await searchAll(backend, { search: "walrus", createdBefore: clock.now() - 5 })).toEqual([b, a]);
    expect(await searchAll(backend, { search: "walrus", order: "asc" })).toEqual([a, b, c]);
  });

  test("short searches (one or two characters) match too", async ({ backend }) => {
    const x = await enqueueOne(backend, { input: '{"k":"\u00e9Q"}' });
    const y = await enqueueOne(backend, { input: '{"k":"zz"}' });
    expect(await searchAll(backend, { search: "zz" })).toEqual([y]);
    expect(await searchAll(backend, { search: "q" })).toContain(x);
  });

  test("a search walks pages with a cursor and visits each match once", async ({ backend }) => {
    const hits: string[] = [];
    for (let i = 0; i < 6; i++) {
      await enqueueMany(backend, 20, { input: '{"noise":true}' });
      hits.push(...(await enqueueMany(backend, 5, { input: `{"needle":"haystack-${i}"}` })));
    }
    const walk = await searchAll(backend, { search: "NEEDLE", limit: 7, order: "asc" });
    expect(walk).toEqual(hits);
    expect(await searchAll(backend, { search: "needle", limit: 7 })).toEqual([...hits].reverse());
  });

  test("characters with a meaning in query languages are matched literally", async ({ backend }) => {
    const id = await enqueueOne(backend, { input: '{"q":"50% off_now \\"quoted\\" AND (x OR y)*"}' });
    await enqueueOne(backend, { input: '{"q":"50 percent"}' });
    for (const search of ["50% off_", '\\"quoted\\"', "AND (x OR y)*", '"q"']) {
      const found = await searchAll(backend, { search });
      expect(found, search).toContain(id);
    }
    expect(await searchAll(backend, { search: "50% off_" })).toEqual([id]);
  });
});
