/**
 * Schedules: storage (upsert by name, get, list, remove, pause, resume) and the atomic fire
 * (compare-and-set on nextFireAt + job insert). Backends never compute fire times: these tests
 * hand them instants.
 */
import { expect } from "vitest";
import type { Backend, BackendEvent, ScheduleUpsertParams } from "../../../src/backend/backend.js";
import { InvalidArgumentError } from "../../../src/core/errors/index.js";
import { defineTopic } from "./define.js";
import { allJobs, enqueueOne, getJob, newJob, recordEvents } from "./helpers.js";

const MIN = 60_000;

function def(now: number, overrides: Partial<ScheduleUpsertParams> = {}): ScheduleUpsertParams {
  return {
    name: "nightly",
    spec: '{"v":1,"what":"a"}',
    triggerKey: "cron 0 3 * * *",
    anchorAt: now,
    nextFireAt: now + MIN,
    paused: false,
    ...overrides,
  };
}

async function create(backend: Backend, overrides: Partial<ScheduleUpsertParams> = {}) {
  const { schedule } = await backend.scheduleUpsert(def(backend.clock.now(), overrides));
  return schedule;
}

export const schedulesTopic = defineTopic("schedules", (test) => {
  test("upsert creates a schedule that get and list return", async ({ backend, clock }) => {
    const now = clock.now();
    const out = await backend.scheduleUpsert(def(now));
    expect(out).toMatchObject({ created: true, changed: true });
    const expected = {
      name: "nightly",
      spec: '{"v":1,"what":"a"}',
      triggerKey: "cron 0 3 * * *",
      anchorAt: now,
      nextFireAt: now + MIN,
      lastFireAt: null,
      lastJobId: null,
      runs: 0,
      paused: false,
      createdAt: now,
      updatedAt: now,
    };
    expect(out.schedule).toEqual(expected);
    expect(await backend.scheduleGet({ name: "nightly" })).toEqual(expected);
    await create(backend, { name: "a-first" });
    expect((await backend.scheduleList()).map((s) => s.name)).toEqual(["a-first", "nightly"]);
    expect(await backend.scheduleGet({ name: "missing" })).toBeNull();
  });

  test("an upsert with the same definition writes nothing", async ({ backend, clock }) => {
    await create(backend);
    clock.advance(1_000);
    const recorder = recordEvents(backend);
    const out = await backend.scheduleUpsert(def(clock.now()));
    expect(out).toMatchObject({ created: false, changed: false });
    expect(out.schedule.updatedAt).toBe(clock.now() - 1_000);
    expect(out.schedule.nextFireAt).toBe(clock.now() - 1_000 + MIN);
    // A later event proves the feed delivered everything before it.
    await backend.schedulePause({ name: "nightly" });
    await recorder.until((events) => events.some((e) => e.type === "schedule:changed"));
    expect(recorder.events.filter((e) => e.type === "schedule:changed")).toHaveLength(1);
    recorder.stop();
  });

  test("an upsert with a new spec but the same trigger keeps anchor, next fire time, runs and pause", async ({
    backend,
    clock,
  }) => {
    const first = await create(backend);
    await backend.scheduleFire({
      name: "nightly",
      expectedFireAt: first.nextFireAt,
      nextFireAt: first.nextFireAt! + MIN,
      job: newJob(clock),
    });
    await backend.schedulePause({ name: "nightly" });
    clock.advance(5_000);
    const out = await backend.scheduleUpsert(
      def(clock.now(), { spec: '{"v":1,"what":"b"}', nextFireAt: clock.now() + 9 * MIN, paused: false }),
    );
    expect(out).toMatchObject({ created: false, changed: true });
    expect(out.schedule).toMatchObject({
      spec: '{"v":1,"what":"b"}',
      anchorAt: first.anchorAt,
      nextFireAt: first.nextFireAt! + MIN,
      runs: 1,
      paused: true,
      createdAt: first.createdAt,
      updatedAt: clock.now(),
    });
  });

  test("an upsert with a new trigger resets the anchor and the next fire time", async ({
    backend,
    clock,
  }) => {
    await create(backend);
    clock.advance(5_000);
    const out = await backend.scheduleUpsert(
      def(clock.now(), { triggerKey: "every 1m", anchorAt: clock.now(), nextFireAt: null }),
    );
    expect(out.schedule).toMatchObject({ triggerKey: "every 1m", anchorAt: clock.now(), nextFireAt: null });
  });

  test("a fire at the expected time inserts its job and moves the schedule on", async ({
    backend,
    clock,
  }) => {
    const s = await create(backend);
    clock.set(s.nextFireAt!);
    const job = newJob(clock, { meta: { schedule: "nightly", fireAt: s.nextFireAt } });
    const out = await backend.scheduleFire({
      name: "nightly",
      expectedFireAt: s.nextFireAt,
      nextFireAt: s.nextFireAt! + MIN,
      job,
    });
    expect(out).toMatchObject({ won: true, jobId: job.id });
    expect(out.schedule).toMatchObject({
      nextFireAt: s.nextFireAt! + MIN,
      lastFireAt: s.nextFireAt,
      lastJobId: job.id,
      runs: 1,
    });
    expect(await getJob(backend, job.id)).toMatchObject({
      state: "queued",
      task: job.task,
      meta: { schedule: "nightly", fireAt: s.nextFireAt },
    });
  });

  test("a fire with a stale expected time is refused and writes nothing", async ({ backend, clock }) => {
    const s = await create(backend);
    const job = newJob(clock);
    const out = await backend.scheduleFire({
      name: "nightly",
      expectedFireAt: s.nextFireAt! - 1,
      nextFireAt: s.nextFireAt! + MIN,
      job,
    });
    expect(out).toMatchObject({ won: false, jobId: null });
    expect(out.schedule).toMatchObject({ nextFireAt: s.nextFireAt, runs: 0 });
    expect(await backend.jobGet({ id: job.id })).toBeNull();
    expect(
      await backend.scheduleFire({ name: "missing", expectedFireAt: 1, nextFireAt: 2, job: newJob(clock) }),
    ).toEqual({ won: false, jobId: null, schedule: null });
  });

  test("concurrent fires of one time: exactly one wins and one job exists", async ({ backend, clock }) => {
    const s = await create(backend);
    const jobs = Array.from({ length: 12 }, () => newJob(clock));
    const results = await Promise.all(
      jobs.map((job) =>
        backend.scheduleFire({
          name: "nightly",
          expectedFireAt: s.nextFireAt,
          nextFireAt: s.nextFireAt! + MIN,
          job,
        }),
      ),
    );
    expect(results.filter((r) => r.won)).toHaveLength(1);
    expect(await allJobs(backend)).toHaveLength(1);
    expect((await backend.scheduleGet({ name: "nightly" }))!.runs).toBe(1);
  });

  test(
    "fires racing through two handles: each fire time is won once",
    async ({ backend, clock, peer }) => {
      const other = await peer();
      const s = await create(backend);
      let won = 0;
      let t = s.nextFireAt!;
      for (let round = 0; round < 10; round++) {
        const results = await Promise.all(
          [backend, other, backend, other].map((h) =>
            h.scheduleFire({ name: "nightly", expectedFireAt: t, nextFireAt: t + MIN, job: newJob(clock) }),
          ),
        );
        expect(results.filter((r) => r.won)).toHaveLength(1);
        won++;
        t += MIN;
      }
      expect(await allJobs(backend)).toHaveLength(won);
      expect(await other.scheduleGet({ name: "nightly" })).toMatchObject({ runs: 10, nextFireAt: t });
    },
    { peer: true },
  );

  test("a skipped fire moves the schedule on without a job", async ({ backend }) => {
    const s = await create(backend);
    const out = await backend.scheduleFire({
      name: "nightly",
      expectedFireAt: s.nextFireAt,
      nextFireAt: s.nextFireAt! + MIN,
      job: null,
      data: { skipped: "misfire" },
    });
    expect(out).toMatchObject({ won: true, jobId: null });
    expect(out.schedule).toMatchObject({ nextFireAt: s.nextFireAt! + MIN, runs: 0, lastFireAt: null });
    expect(await allJobs(backend)).toHaveLength(0);
  });

  test("a fire storing no next time ends the schedule", async ({ backend, clock }) => {
    const s = await create(backend);
    const out = await backend.scheduleFire({
      name: "nightly",
      expectedFireAt: s.nextFireAt,
      nextFireAt: null,
      job: newJob(clock),
    });
    expect(out.schedule).toMatchObject({ nextFireAt: null, runs: 1 });
    expect(await backend.scheduleGet({ name: "nightly" })).toMatchObject({ nextFireAt: null });
  });

  test("a paused schedule refuses fires; resume stores the given next fire time", async ({
    backend,
    clock,
  }) => {
    const s = await create(backend);
    expect(await backend.schedulePause({ name: "nightly" })).toBe(true);
    expect(await backend.schedulePause({ name: "nightly" })).toBe(true);
    const job = newJob(clock);
    const refused = await backend.scheduleFire({
      name: "nightly",
      expectedFireAt: s.nextFireAt,
      nextFireAt: s.nextFireAt! + MIN,
      job,
    });
    expect(refused.won).toBe(false);
    expect(await backend.jobGet({ id: job.id })).toBeNull();
    expect(await backend.scheduleResume({ name: "nightly", nextFireAt: s.nextFireAt! + 7 * MIN })).toBe(true);
    expect(await backend.scheduleGet({ name: "nightly" })).toMatchObject({
      paused: false,
      nextFireAt: s.nextFireAt! + 7 * MIN,
    });
    // Resuming an active schedule keeps its next fire time.
    expect(await backend.scheduleResume({ name: "nightly", nextFireAt: 1 })).toBe(true);
    expect((await backend.scheduleGet({ name: "nightly" }))!.nextFireAt).toBe(s.nextFireAt! + 7 * MIN);
    expect(await backend.schedulePause({ name: "missing" })).toBe(false);
    expect(await backend.scheduleResume({ name: "missing", nextFireAt: 1 })).toBe(false);
  });

  test("a schedule created paused stays paused", async ({ backend }) => {
    const s = await create(backend, { paused: true });
    expect(s.paused).toBe(true);
  });

  test("a manual run inserts a job and leaves the fire times alone", async ({ backend, clock }) => {
    const s = await create(backend);
    await backend.schedulePause({ name: "nightly" });
    const job = newJob(clock, { meta: { manual: true } });
    const out = await backend.scheduleFire({ name: "nightly", expectedFireAt: null, nextFireAt: null, job });
    expect(out).toMatchObject({ won: true, jobId: job.id });
    expect(out.schedule).toMatchObject({
      nextFireAt: s.nextFireAt,
      lastFireAt: null,
      lastJobId: job.id,
      runs: 0,
      paused: true,
    });
    expect(await getJob(backend, job.id)).toMatchObject({ state: "queued", meta: { manual: true } });
  });

  test("remove deletes the schedule and keeps the jobs it fired", async ({ backend, clock }) => {
    const s = await create(backend);
    const job = newJob(clock);
    await backend.scheduleFire({ name: "nightly", expectedFireAt: s.nextFireAt, nextFireAt: null, job });
    expect(await backend.scheduleRemove({ name: "nightly" })).toBe(true);
    expect(await backend.scheduleRemove({ name: "nightly" })).toBe(false);
    expect(await backend.scheduleGet({ name: "nightly" })).toBeNull();
    expect(await backend.scheduleList()).toEqual([]);
    expect(await getJob(backend, job.id)).toMatchObject({ state: "queued" });
    const again = await backend.scheduleFire({
      name: "nightly",
      expectedFireAt: null,
      nextFireAt: null,
      job: newJob(clock),
    });
    expect(again.won).toBe(false);
  });

  test("a fired job due later starts scheduled", async ({ backend, clock }) => {
    const s = await create(backend);
    const job = newJob(clock, { runAt: clock.now() + 30_000 });
    await backend.scheduleFire({ name: "nightly", expectedFireAt: s.nextFireAt, nextFireAt: null, job });
    expect(await getJob(backend, job.id)).toMatchObject({ state: "scheduled", runAt: clock.now() + 30_000 });
  });

  test("a fired job whose idempotency key is taken stands for the existing job", async ({
    backend,
    clock,
  }) => {
    const existing = await enqueueOne(backend, { key: "daily-report" });
    const s = await create(backend);
    const out = await backend.scheduleFire({
      name: "nightly",
      expectedFireAt: s.nextFireAt,
      nextFireAt: s.nextFireAt! + MIN,
      job: newJob(clock, { key: "daily-report" }),
    });
    expect(out).toMatchObject({ won: true, jobId: existing });
    expect(out.schedule).toMatchObject({ lastJobId: existing, nextFireAt: s.nextFireAt! + MIN });
    expect(await allJobs(backend)).toHaveLength(1);
  });

  test("writes publish schedule:changed and fires publish schedule:fired with job:enqueued", async ({
    backend,
    clock,
  }) => {
    const recorder = recordEvents(backend);
    const s = await create(backend);
    await backend.schedulePause({ name: "nightly" });
    await backend.scheduleResume({ name: "nightly", nextFireAt: s.nextFireAt });
    const job = newJob(clock, { queue: "maintenance" });
    await backend.scheduleFire({
      name: "nightly",
      expectedFireAt: s.nextFireAt,
      nextFireAt: s.nextFireAt! + MIN,
      job,
      data: { catchUp: true },
    });
    await backend.scheduleRemove({ name: "nightly" });
    const changes = (events: readonly BackendEvent[]) =>
      events.filter((e) => e.type === "schedule:changed").map((e) => e.data?.change);
    await recorder.until((events) => changes(events).length === 4);
    expect(changes(recorder.events)).toEqual(["created", "paused", "resumed", "removed"]);
    const fired = recorder.events.find((e) => e.type === "schedule:fired");
    expect(fired).toMatchObject({
      jobId: "",
      queue: "",
      data: {
        schedule: "nightly",
        fireAt: s.nextFireAt,
        nextFireAt: s.nextFireAt! + MIN,
        jobId: job.id,
        catchUp: true,
      },
    });
    expect(recorder.events.find((e) => e.type === "job:enqueued")).toMatchObject({
      jobId: job.id,
      queue: "maintenance",
      state: "queued",
    });
    recorder.stop();
  });

  test(
    "a fire through one handle reaches the other handle's change feed",
    async ({ backend, clock, peer }) => {
      const other = await peer();
      const s = await create(backend);
      const recorder = recordEvents(other);
      await recorder.ready();
      await backend.scheduleFire({
        name: "nightly",
        expectedFireAt: s.nextFireAt,
        nextFireAt: null,
        job: newJob(clock),
      });
      await recorder.until((events) => events.some((e) => e.type === "schedule:fired"));
      recorder.stop();
    },
    { peer: true },
  );

  test("bad arguments are refused before anything is written", async ({ backend, clock }) => {
    await expect(backend.scheduleUpsert(def(clock.now(), { name: "" }))).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(backend.scheduleUpsert(def(clock.now(), { spec: "" }))).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    const s = await create(backend);
    const parent = await enqueueOne(backend);
    await expect(
      backend.scheduleFire({
        name: "nightly",
        expectedFireAt: s.nextFireAt,
        nextFireAt: null,
        job: newJob(clock, { dependsOn: [parent] }),
      }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await backend.scheduleGet({ name: "nightly" })).toMatchObject({
      nextFireAt: s.nextFireAt,
      runs: 0,
    });
  });
});
