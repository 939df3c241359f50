/**
 * Scheduler policies on memory and SQLite with a FakeClock, one pass at a time (`runOnce`):
 * firing on time, misfire (skip / once / all, grace, cap), overlap (allow / skip / queue),
 * jitter bounds, pause/resume, run now, start/end dates, run limits, idempotent definitions.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { createSpool } from "../../src/client/spool.js";
import { InvalidArgumentError, NotFoundError, UnknownTaskError } from "../../src/core/errors/index.js";
import { BACKEND_KINDS, harness, type SchedulerHarness } from "./harness.js";

const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const T0 = Date.UTC(2026, 0, 1);

describe.each(BACKEND_KINDS)("scheduler policies on %s", (kind) => {
  let h: SchedulerHarness;
  const open: SchedulerHarness[] = [];
  const make = async (options?: Parameters<typeof harness>[1]) => {
    const x = await harness(kind, options);
    open.push(x);
    return x;
  };
  afterEach(async () => {
    for (const x of open.reverse()) await x.close();
    open.length = 0;
  });

  test("a due schedule fires once per fire time, with its name and fire time in the job's meta", async () => {
    h = await make();
    const handle = h.spool.schedule("every-minute", { cron: "* * * * *" }, h.tick.with({ n: 7 }));
    const info = await handle.ready;
    expect(info.nextFireAt).toBe(T0 + M);
    const s = h.scheduler();
    expect((await s.runOnce()).fired).toHaveLength(0);
    h.clock.set(T0 + M);
    const pass = await s.runOnce();
    expect(pass.fired).toHaveLength(1);
    expect(pass.nextWakeAt).toBe(T0 + 2 * M);
    expect((await s.runOnce()).fired).toHaveLength(0);
    const jobs = await h.fired("every-minute");
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      task: "tick",
      queue: "ticks",
      input: { n: 7 },
      runAt: T0 + M,
      meta: { schedule: "every-minute", fireAt: T0 + M },
    });
    expect(await handle.get()).toMatchObject({ runs: 1, lastFireAt: T0 + M, lastJobId: jobs[0]!.id });
  });

  test("a fire late within the grace time runs normally, and the times due meanwhile follow", async () => {
    h = await make();
    await h.spool.schedule("m", { every: "1m" }, h.tick.with({}), { misfireGrace: "5m" }).ready;
    h.clock.set(T0 + 3 * M + 30 * S);
    const pass = await h.scheduler().runOnce();
    expect(pass.fired.map((f) => f.fireAt)).toEqual([T0 + M, T0 + 2 * M, T0 + 3 * M]);
    expect((await h.fired()).every((j) => j.meta.catchUp === undefined)).toBe(true);
  });

  describe("misfire", () => {
    const outage = async (policy: "skip" | "once" | "all", extra: Record<string, unknown> = {}) => {
      h = await make();
      await h.spool.schedule("m", { every: "1m" }, h.tick.with({}), {
        misfire: policy,
        misfireGrace: "10s",
        ...extra,
      }).ready;
      // No scheduler ran from T0 until 10 minutes and 5 seconds later.
      h.clock.set(T0 + 10 * M + 5 * S);
      return h.scheduler().runOnce();
    };

    test("skip: no job for missed times; the schedule resumes at its next time", async () => {
      const pass = await outage("skip");
      expect(pass.fired).toHaveLength(2);
      expect(pass.fired[0]).toMatchObject({ jobId: null, data: { skipped: "misfire", missed: 9 } });
      // 10:00 is within the 10 s grace: it is not missed and fires in the same pass.
      expect((await h.fired()).map((j) => j.meta.fireAt)).toEqual([T0 + 10 * M]);
      expect((await h.spool.schedules.get("m"))!.nextFireAt).toBe(T0 + 11 * M);
    });

    test("once: one catch-up job for the most recent missed time", async () => {
      await outage("once");
      const jobs = await h.fired();
      expect(jobs.map((j) => j.meta.fireAt)).toEqual([T0 + 9 * M, T0 + 10 * M]);
      expect(jobs[0]!.meta).toMatchObject({ catchUp: true, missed: 9 });
    });

    test("all: one job per missed time, oldest first", async () => {
      await outage("all");
      const jobs = await h.fired();
      expect(jobs.map((j) => j.meta.fireAt)).toEqual(Array.from({ length: 10 }, (_, i) => T0 + (i + 1) * M));
      expect(jobs.slice(0, 9).every((j) => j.meta.catchUp === true)).toBe(true);
      expect((await h.spool.schedules.get("m"))!.nextFireAt).toBe(T0 + 11 * M);
    });

    test("all: at most catchUpMax jobs, the rest skipped", async () => {
      await outage("all", { catchUpMax: 3 });
      const jobs = await h.fired();
      expect(jobs.map((j) => j.meta.fireAt)).toEqual([T0 + M, T0 + 2 * M, T0 + 3 * M, T0 + 10 * M]);
      expect(jobs[2]!.meta.truncated).toBe(true);
      expect((await h.spool.schedules.get("m"))!.nextFireAt).toBe(T0 + 11 * M);
    });

    test("the policy applies after a restart: a new spool on the same store catches up", async () => {
      if (kind === "memory") return; // one process's memory dies with it
      h = await make();
      await h.spool.schedule("m", { every: "1m" }, h.tick.with({}), { misfire: "all", misfireGrace: "1s" })
        .ready;
      await h.close();
      open.pop();
      h.clock.set(T0 + 5 * M + 30 * S);
      const again = await make({ shareWith: h });
      // The app redefines the same schedule at start: its stored state is kept.
      await again.spool.schedule("m", { every: "1m" }, again.tick.with({}), {
        misfire: "all",
        misfireGrace: "1s",
      }).ready;
      await again.scheduler().runOnce();
      expect((await again.fired()).map((j) => j.meta.fireAt)).toEqual([1, 2, 3, 4, 5].map((i) => T0 + i * M));
    });
  });

  describe("overlap", () => {
    const setup = async (overlap: "allow" | "skip" | "queue") => {
      h = await make();
      await h.spool.schedule("o", { every: "1m" }, h.tick.with({}), { overlap }).ready;
      const s = h.scheduler();
      h.clock.set(T0 + M);
      await s.runOnce();
      // The first job is claimed and still running when the next fire time comes.
      const backend = h.backend;
      const { jobs } = await backend.jobClaim({ queues: ["ticks"], limit: 1, workerId: "w", leaseMs: H });
      expect(jobs).toHaveLength(1);
      h.clock.set(T0 + 2 * M);
      return { s, running: jobs[0]! };
    };

    test("allow: fires while the previous run is unfinished", async () => {
      const { s } = await setup("allow");
      expect((await s.runOnce()).fired[0]!.jobId).not.toBeNull();
      expect(await h.fired()).toHaveLength(2);
    });

    test("skip: a fire while the previous run is unfinished is skipped", async () => {
      const { s, running } = await setup("skip");
      const pass = await s.runOnce();
      expect(pass.fired[0]).toMatchObject({
        jobId: null,
        data: { skipped: "overlap", previous: running.id },
      });
      expect(await h.fired()).toHaveLength(1);
      await h.backend.jobComplete({ jobs: [{ id: running.id, token: running.leaseToken, result: "0" }] });
      h.clock.set(T0 + 3 * M);
      expect((await s.runOnce()).fired[0]!.jobId).not.toBeNull();
    });

    test("queue: one fire waits for the previous run, then runs; later times fold into it", async () => {
      const { s, running } = await setup("queue");
      const waiting = await s.runOnce();
      expect(waiting.fired).toHaveLength(0);
      expect([...waiting.waitingOn]).toEqual([running.id]);
      h.clock.set(T0 + 4 * M + 30 * S);
      expect((await s.runOnce()).fired).toHaveLength(0);
      await h.backend.jobComplete({ jobs: [{ id: running.id, token: running.leaseToken, result: "0" }] });
      const pass = await s.runOnce();
      expect(pass.fired).toHaveLength(1);
      expect(pass.fired[0]).toMatchObject({ fireAt: T0 + 2 * M, data: { queuedBehind: running.id } });
      expect(await h.fired()).toHaveLength(2);
      expect((await h.spool.schedules.get("o"))!.nextFireAt).toBe(T0 + 5 * M);
    });
  });

  test("jitter: each job's runAt is its fire time plus [0, jitter]", async () => {
    h = await make();
    await h.spool.schedule("j", { every: "1m" }, h.tick.with({}), { jitter: "20s", misfire: "all" }).ready;
    const randoms = [0, 0.999_999, 0.25, Math.random(), Math.random()];
    let i = 0;
    const s = h.scheduler({ random: () => randoms[i++ % randoms.length]! });
    h.clock.set(T0 + 5 * M);
    await s.runOnce();
    const jobs = await h.fired();
    expect(jobs).toHaveLength(5);
    const offsets = jobs.map((j) => j.runAt - (j.meta.fireAt as number));
    for (const o of offsets) {
      expect(o).toBeGreaterThanOrEqual(0);
      expect(o).toBeLessThanOrEqual(20 * S);
    }
    expect(offsets[0]).toBe(0);
    expect(offsets[1]).toBe(20 * S);
    expect(offsets[2]).toBe(5 * S);
  });

  test("pause and resume: no fires while paused, and the paused time is not a misfire", async () => {
    h = await make();
    const handle = h.spool.schedule("p", { every: "1m" }, h.tick.with({}), { misfire: "all" });
    await handle.pause();
    expect((await handle.get()).paused).toBe(true);
    h.clock.set(T0 + 10 * M + 30 * S);
    const s = h.scheduler();
    const paused = await s.runOnce();
    expect(paused.fired).toHaveLength(0);
    expect(paused.nextWakeAt).toBeNull();
    await handle.resume();
    const info = await handle.get();
    expect(info).toMatchObject({ paused: false, nextFireAt: T0 + 11 * M });
    expect(await s.runOnce()).toMatchObject({ fired: [] });
    h.clock.set(T0 + 11 * M);
    expect((await s.runOnce()).fired).toHaveLength(1);
  });

  test("run now enqueues at once and leaves the fire times alone", async () => {
    h = await make();
    const handle = h.spool.schedule("r", { cron: "0 3 * * *" }, h.tick.with({ n: 1 }));
    const before = await handle.get();
    h.clock.advance(5 * S);
    const id = await handle.run();
    const job = await h.spool.jobs.get(id);
    expect(job).toMatchObject({ state: "queued", meta: { schedule: "r", manual: true, fireAt: T0 + 5 * S } });
    expect(await handle.get()).toMatchObject({ nextFireAt: before.nextFireAt, runs: 0, lastJobId: id });
    await expect(h.spool.schedules.run("missing")).rejects.toBeInstanceOf(NotFoundError);
  });

  test("startAt, endAt and limit bound the fire times", async () => {
    h = await make();
    const start = await h.spool.schedule("se", { every: "1h" }, h.tick.with({}), {
      startAt: T0 + 2 * H,
      endAt: T0 + 4 * H,
    }).ready;
    expect(start.nextFireTimes(10)).toEqual([T0 + 2 * H, T0 + 3 * H, T0 + 4 * H]);
    const limited = await h.spool.schedule("lim", { cron: "0 * * * *" }, h.tick.with({}), { limit: 2 }).ready;
    expect(limited.nextFireTimes(5)).toEqual([T0 + H, T0 + 2 * H]);
    h.clock.set(T0 + 6 * H);
    const s = h.scheduler();
    await s.runOnce();
    expect((await h.fired("se")).map((j) => j.meta.fireAt)).toEqual(
      [T0 + 2 * H, T0 + 3 * H, T0 + 4 * H].slice(-1),
    );
    // Missed 1h..5h (misfire "once": one catch-up for 5h), then 6h on time: the limit of 2 is reached.
    expect((await h.fired("lim")).map((j) => j.meta.fireAt)).toEqual([T0 + 5 * H, T0 + 6 * H]);
    expect(await h.spool.schedules.get("se")).toMatchObject({ nextFireAt: null });
    expect(await h.spool.schedules.get("lim")).toMatchObject({ runs: 2, nextFireAt: null });
    expect((await h.spool.schedules.get("lim"))!.nextFireTimes(3)).toEqual([]);
  });

  test("a one-shot `at` fires once and is then done", async () => {
    h = await make();
    await h.spool.schedule("once", { at: new Date(T0 + 90 * S) }, h.tick.with({})).ready;
    h.clock.set(T0 + 2 * M);
    const s = h.scheduler();
    await s.runOnce();
    await s.runOnce();
    expect((await h.fired("once")).map((j) => j.meta.fireAt)).toEqual([T0 + 90 * S]);
    expect(await h.spool.schedules.get("once")).toMatchObject({ nextFireAt: null, runs: 1 });
  });

  test("redefining a schedule is idempotent; a new trigger takes effect from now", async () => {
    h = await make();
    const other = await make({ shareWith: h });
    const a = await h.spool.schedule("d", { every: "10m" }, h.tick.with({})).ready;
    h.clock.advance(3 * M);
    const b = await other.spool.schedule("d", { every: "10m" }, other.tick.with({})).ready;
    expect(b).toMatchObject({ createdAt: a.createdAt, nextFireAt: T0 + 10 * M });
    expect(await h.spool.schedules.list()).toHaveLength(1);
    const c = await other.spool.schedule("d", { every: "15m" }, other.tick.with({})).ready;
    expect(c.nextFireAt).toBe(T0 + 3 * M + 15 * M);
    // Same trigger, new input: the state stays, the job template changes.
    const d = await h.spool.schedule("d", { every: "15m" }, h.tick.with({ n: 2 })).ready;
    expect(d.nextFireAt).toBe(c.nextFireAt);
  });

  test("defining a schedule does no I/O until the spool opens its backend", async () => {
    if (kind === "memory") return;
    const dir = mkdtempSync(join(tmpdir(), "spool-lazy-"));
    const file = join(dir, "lazy.db");
    const spool = createSpool({ backend: `sqlite://${file}`, logger: { level: "silent" } });
    try {
      const task = spool.task({ name: "t", run: () => 1 });
      spool.schedule("lazy", { every: "1m" }, task.with({}));
      expect(existsSync(file)).toBe(false);
      expect((await spool.schedules.list()).map((s) => s.name)).toEqual(["lazy"]);
    } finally {
      await spool.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("bad definitions throw at the call site and store nothing", async () => {
    h = await make();
    const call = h.tick.with({});
    expect(() => h.spool.schedule("x", { cron: "61 * * * *" }, call)).toThrow(InvalidArgumentError);
    expect(() => h.spool.schedule("x", { cron: "* * *" }, call)).toThrow(/5 \(minute first\) or 6/);
    expect(() => h.spool.schedule("x", { cron: "0 3 * * *", tz: "Mars/Olympus" }, call)).toThrow(/time zone/);
    expect(() => h.spool.schedule("x", { every: "10ms" }, call)).toThrow(InvalidArgumentError);
    expect(() => h.spool.schedule("x", { at: "not a date" }, call)).toThrow(InvalidArgumentError);
    expect(() => h.spool.schedule("", { every: "1m" }, call)).toThrow(InvalidArgumentError);
    expect(() => h.spool.schedule("x", { every: "1m" }, call, { misfire: "sometimes" as "all" })).toThrow(
      InvalidArgumentError,
    );
    expect(() => h.spool.schedule("x", { every: "1m" }, { task: "nope", input: {} })).toThrow(
      UnknownTaskError,
    );
    expect(() => h.spool.schedule("x", { every: "1m" }, h.tick.with({}, { runAt: T0 }))).toThrow(/runAt/);
    expect(await h.spool.schedules.list()).toEqual([]);
  });
});
