/**
 * A schedule's recent fires (`scheduleRuns`): each won fire, manual run and skipped fire is
 * recorded in the fire's own write, newest first, with its job (or why it was skipped); lost
 * fires record nothing; only the last SCHEDULE_RUNS_KEPT stay; a removed schedule's runs go.
 */
import { expect } from "vitest";
import type { Backend } from "../../../src/backend/backend.js";
import { SCHEDULE_RUNS_KEPT } from "../../../src/backend/shared-schedules.js";
import { InvalidArgumentError } from "../../../src/core/errors/index.js";
import { defineTopic } from "./define.js";
import { enqueueOne, newJob } from "./helpers.js";

const MIN = 60_000;

async function create(backend: Backend, name = "nightly") {
  const now = backend.clock.now();
  const { schedule } = await backend.scheduleUpsert({
    name,
    spec: '{"v":1}',
    triggerKey: "every 1m",
    anchorAt: now,
    nextFireAt: now + MIN,
    paused: false,
  });
  return schedule;
}

export const scheduleRunsTopic = defineTopic("schedule runs", (test) => {
  test("fires, manual runs and skipped fires are recorded newest first; lost fires are not", async ({
    backend,
    clock,
  }) => {
    const s = await create(backend);
    const t0 = s.nextFireAt!;
    expect(await backend.scheduleRuns({ name: "nightly", limit: 10 })).toEqual([]);

    clock.advance(MIN);
    const first = await backend.scheduleFire({
      name: "nightly",
      expectedFireAt: t0,
      nextFireAt: t0 + MIN,
      job: newJob(clock),
    });
    const firstAt = clock.now();
    // A lost compare-and-set (a stale fire time): nothing recorded.
    const lost = await backend.scheduleFire({
      name: "nightly",
      expectedFireAt: t0,
      nextFireAt: t0 + MIN,
      job: newJob(clock),
    });
    expect(lost.won).toBe(false);
    clock.advance(1_000);
    const manual = await backend.scheduleFire({
      name: "nightly",
      expectedFireAt: null,
      nextFireAt: null,
      job: newJob(clock),
    });
    const manualAt = clock.now();
    clock.advance(MIN);
    await backend.scheduleFire({
      name: "nightly",
      expectedFireAt: t0 + MIN,
      nextFireAt: t0 + 2 * MIN,
      job: null,
      data: { skipped: "overlap", previous: manual.jobId },
    });
    const skippedAt = clock.now();

    expect(await backend.scheduleRuns({ name: "nightly", limit: 10 })).toEqual([
      { at: skippedAt, fireAt: t0 + MIN, jobId: null, skipped: "overlap" },
      { at: manualAt, fireAt: null, jobId: manual.jobId, skipped: null },
      { at: firstAt, fireAt: t0, jobId: first.jobId, skipped: null },
    ]);
    expect(await backend.scheduleRuns({ name: "nightly", limit: 1 })).toEqual([
      { at: skippedAt, fireAt: t0 + MIN, jobId: null, skipped: "overlap" },
    ]);
  });

  test("a fire whose idempotency key matched records the existing job", async ({ backend, clock }) => {
    const existing = await enqueueOne(backend, { key: "report-of-the-day" });
    const s = await create(backend);
    await backend.scheduleFire({
      name: "nightly",
      expectedFireAt: s.nextFireAt,
      nextFireAt: s.nextFireAt! + MIN,
      job: newJob(clock, { key: "report-of-the-day" }),
    });
    expect(await backend.scheduleRuns({ name: "nightly", limit: 5 })).toMatchObject([{ jobId: existing }]);
  });

  test("only the last runs are kept, per schedule; a removed schedule's runs go with it", async ({
    backend,
    clock,
  }) => {
    const s = await create(backend);
    await create(backend, "other");
    await backend.scheduleFire({ name: "other", expectedFireAt: null, nextFireAt: null, job: newJob(clock) });
    let at = s.nextFireAt!;
    const jobIds: string[] = [];
    for (let i = 0; i < SCHEDULE_RUNS_KEPT + 5; i++) {
      clock.advance(1);
      const out = await backend.scheduleFire({
        name: "nightly",
        expectedFireAt: at,
        nextFireAt: at + MIN,
        job: newJob(clock),
      });
      jobIds.push(out.jobId!);
      at += MIN;
    }
    const runs = await backend.scheduleRuns({ name: "nightly", limit: SCHEDULE_RUNS_KEPT });
    expect(runs.map((r) => r.jobId)).toEqual(jobIds.slice(-SCHEDULE_RUNS_KEPT).reverse());
    expect(await backend.scheduleRuns({ name: "other", limit: 5 })).toHaveLength(1);

    expect(await backend.scheduleRemove({ name: "nightly" })).toBe(true);
    expect(await backend.scheduleRuns({ name: "nightly", limit: 5 })).toEqual([]);
    // Created again under the same name: a fresh history.
    const again = await create(backend);
    await backend.scheduleFire({
      name: "nightly",
      expectedFireAt: again.nextFireAt,
      nextFireAt: again.nextFireAt! + MIN,
      job: newJob(clock),
    });
    expect(await backend.scheduleRuns({ name: "nightly", limit: 5 })).toHaveLength(1);
    expect(await backend.scheduleRuns({ name: "other", limit: 5 })).toHaveLength(1);
  });

  test("bad arguments are refused", async ({ backend }) => {
    await create(backend);
    for (const limit of [0, SCHEDULE_RUNS_KEPT + 1, 1.5])
      await expect(backend.scheduleRuns({ name: "nightly", limit })).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
    await expect(backend.scheduleRuns({ name: "", limit: 5 })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await backend.scheduleRuns({ name: "unknown", limit: 5 })).toEqual([]);
  });
});
