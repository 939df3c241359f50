/**
 * The running scheduler on a FakeClock: it sleeps until the next fire time (no polling in
 * between), wakes on schedule changes from the change feed, stays correct when the clock
 * jumps either way, and several schedulers on one store fire each time once.
 * `start()`/`stop()` are idempotent.
 */
import { afterEach, describe, expect, test } from "vitest";
import { advance, BACKEND_KINDS, harness, type SchedulerHarness, waitFor } from "./harness.js";

const S = 1_000;
const M = 60 * S;
const T0 = Date.UTC(2026, 0, 1);

describe.each(BACKEND_KINDS)("the scheduler loop on %s", (kind) => {
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

  test("sleeps until the next fire time: one pass per fire, none in between", async () => {
    const h = await make();
    await h.spool.schedule("m", { every: "1m" }, h.tick.with({})).ready;
    const s = h.scheduler({ pollMax: "1h" });
    let passes = 0;
    s.on("scheduler:tick", () => passes++);
    await s.start();
    expect(passes).toBe(1);
    // 59 s pass: the loop's sleeper (due at 1:00) stays asleep.
    h.clock.advance(59 * S);
    await new Promise((r) => setTimeout(r, 50));
    expect(passes).toBe(1);
    await advance(h, s, 1 * S);
    await waitFor(async () => (await h.fired()).length === 1, { message: "first fire" });
    for (let i = 2; i <= 5; i++) await advance(h, s, M);
    await waitFor(async () => (await h.fired()).length === 5, { message: "five fires" });
    // One pass at start, one per fire, plus at most one wake-up each from the fire's own event.
    expect(passes).toBeLessThanOrEqual(1 + 5 * 2);
    await s.stop();
  });

  test("wakes at once when a schedule is defined or changed, from any process", async () => {
    const h = await make();
    const s = h.scheduler({ pollMax: "1h" });
    await s.start();
    const other = await make({ shareWith: h });
    const woke = h.nextTick(s);
    await other.spool.schedule("late", { at: T0 + 10 * S }, other.tick.with({})).ready;
    await woke;
    // The new schedule is known: the loop sleeps until 0:10, not for an hour.
    await advance(h, s, 10 * S);
    await waitFor(async () => (await h.fired("late")).length === 1, { message: "the new schedule fired" });
    await s.stop();
  });

  test("a clock jump forward fires what is due by the misfire policy; a jump back fires nothing twice", async () => {
    const h = await make();
    await h.spool.schedule("m", { every: "1m" }, h.tick.with({}), { misfire: "all", misfireGrace: "5s" })
      .ready;
    const s = h.scheduler({ pollMax: "1h" });
    await s.start();
    await advance(h, s, M);
    await waitFor(async () => (await h.fired()).length === 1);
    // The machine's clock jumps 10 minutes ahead (NTP, resume from sleep).
    await advance(h, s, 10 * M);
    await waitFor(async () => (await h.fired()).length === 11, { message: "catch-up after the jump" });
    // And back 30 minutes: every time up to 11:00 already fired; nothing fires again.
    const ticked = h.nextTick(s);
    h.clock.set(T0 - 19 * M);
    await s.stop();
    await s.start();
    await ticked;
    expect(await h.fired()).toHaveLength(11);
    h.clock.set(T0 + 11 * M);
    await s.runOnce();
    expect(await h.fired()).toHaveLength(11);
    h.clock.set(T0 + 12 * M);
    await s.runOnce();
    const times = (await h.fired()).map((j) => j.meta.fireAt);
    expect(times).toEqual(Array.from({ length: 12 }, (_, i) => T0 + (i + 1) * M));
    await s.stop();
  });

  test("several schedulers on one store fire each time exactly once", async () => {
    const h = await make();
    await h.spool.schedule("race", { every: "1s" }, h.tick.with({}), { misfire: "all" }).ready;
    const peers = [h, await make({ shareWith: h }), await make({ shareWith: h })];
    const schedulers = peers.flatMap((p) => [p.scheduler(), p.scheduler()]);
    await Promise.all(schedulers.map((s) => s.start()));
    for (let i = 0; i < 30; i++) {
      h.clock.advance(S);
      await Promise.all(schedulers.map((s) => s.runOnce()));
    }
    await Promise.all(schedulers.map((s) => s.stop()));
    const times = (await h.fired()).map((j) => j.meta.fireAt as number);
    expect(times).toHaveLength(30);
    expect(new Set(times).size).toBe(30);
    expect(times.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => T0 + (i + 1) * S));
  });

  test("start and stop are idempotent and survive being hammered", async () => {
    const h = await make();
    await h.spool.schedule("m", { every: "1m" }, h.tick.with({})).ready;
    const s = h.scheduler();
    await Promise.all([s.start(), s.start()]);
    expect(s.isRunning).toBe(true);
    for (let i = 0; i < 20; i++) {
      const ops = [s.start(), s.stop(), s.start()];
      if (i % 2 === 0) ops.push(s.stop());
      await Promise.all(ops);
    }
    await s.stop();
    await s.stop();
    expect(s.isRunning).toBe(false);
    await s.start();
    await advance(h, s, M);
    await waitFor(async () => (await h.fired()).length === 1);
    await s.stop();
  });
});
