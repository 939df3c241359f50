/**
 * Job actions (src/backend/job-actions.ts): `jobUpdate` edits the priority or input of a job
 * that has not started, `jobPromote` runs a scheduled job now. Both check the state inside the
 * store and refuse per job once it runs or is final.
 */
import { expect } from "vitest";
import { InvalidArgumentError } from "../../../src/core/errors/index.js";
import { defineTopic } from "./define.js";
import {
  claim,
  claimOne,
  enqueueOne,
  errorRecord,
  getJob,
  recordEvents,
  runningJob,
  stateOf,
} from "./helpers.js";

const UNKNOWN = "01970000-0000-7000-8000-0000000000fe";

export const jobActionsTopic = defineTopic("job-actions", (test) => {
  test("a queued job's new priority moves it in the claim order at once", async ({ backend }) => {
    const first = await enqueueOne(backend, { priority: 5 });
    const second = await enqueueOne(backend, { priority: 5 });
    const third = await enqueueOne(backend, { priority: 0 });
    expect(await backend.jobUpdate({ ids: [third], priority: 10 })).toEqual({ ok: [third], refused: [] });
    expect(await backend.jobUpdate({ ids: [first], priority: -1 })).toEqual({ ok: [first], refused: [] });
    const { jobs } = await claim(backend, undefined, 3);
    expect(jobs.map((j) => j.id)).toEqual([third, second, first]);
    expect(jobs.map((j) => j.priority)).toEqual([10, 5, -1]);
  });

  test("priority and input change on waiting, scheduled and queued jobs", async ({ backend, clock }) => {
    const queued = await enqueueOne(backend, { queue: "q" });
    const scheduled = await enqueueOne(backend, { queue: "s", runAt: clock.now() + 60_000 });
    const waiting = await enqueueOne(backend, { queue: "w", dependsOn: [queued] });
    clock.advance(10);
    const ids = [queued, scheduled, waiting];
    expect(await backend.jobUpdate({ ids, priority: 7, input: '{"n":2}' })).toEqual({ ok: ids, refused: [] });
    for (const id of ids) {
      const job = await getJob(backend, id);
      expect(job).toMatchObject({ priority: 7, input: '{"n":2}', updatedAt: clock.now() });
    }
    expect(await stateOf(backend, scheduled)).toBe("scheduled");
    expect(await stateOf(backend, waiting)).toBe("waiting");
    // The claimed job carries the new input.
    const leased = await claimOne(backend, "q");
    expect(leased).toMatchObject({ id: queued, input: '{"n":2}', priority: 7 });
  });

  test("an input change alone keeps the priority, and a priority change keeps the input", async ({
    backend,
  }) => {
    const id = await enqueueOne(backend, { priority: 3, input: '{"a":1}' });
    await backend.jobUpdate({ ids: [id], input: '{"a":2}' });
    expect(await getJob(backend, id)).toMatchObject({ priority: 3, input: '{"a":2}' });
    await backend.jobUpdate({ ids: [id], priority: 4 });
    expect(await getJob(backend, id)).toMatchObject({ priority: 4, input: '{"a":2}' });
    expect((await claimOne(backend)).id).toBe(id);
  });

  test("edits are refused once a job runs or is final, and change nothing", async ({ backend, clock }) => {
    const running = await runningJob(backend, { queue: "r", priority: 1 });
    const completed = await runningJob(backend, { queue: "c", priority: 1 });
    await backend.jobComplete({ jobs: [{ id: completed.id, token: completed.leaseToken, result: "1" }] });
    const failed = await runningJob(backend, { queue: "f", priority: 1, maxAttempts: 1 });
    await backend.jobFail({
      jobs: [{ id: failed.id, token: failed.leaseToken, error: errorRecord(1, clock.now()), retryAt: null }],
    });
    const cancelled = await enqueueOne(backend, { queue: "x", priority: 1 });
    await backend.jobCancel({ ids: [cancelled] });
    const ids = [running.id, completed.id, failed.id, cancelled, UNKNOWN];
    const out = await backend.jobUpdate({ ids, priority: 9, input: '{"n":9}' });
    expect(out.ok).toEqual([]);
    expect([...out.refused].sort()).toEqual([...ids].sort());
    for (const id of ids.slice(0, 4)) {
      expect(await getJob(backend, id)).toMatchObject({ priority: 1, input: '{"n":1}' });
    }
    expect(await stateOf(backend, running.id)).toBe("running");
  });

  test("a job claimed before the edit is refused (the check is in the store)", async ({ backend }) => {
    const id = await enqueueOne(backend);
    const leased = await claimOne(backend);
    expect(await backend.jobUpdate({ ids: [id], priority: 3 })).toEqual({ ok: [], refused: [id] });
    expect(await backend.jobPromote({ ids: [id] })).toEqual({ ok: [], refused: [id] });
    expect(await backend.jobComplete({ jobs: [{ id, token: leased.leaseToken, result: "1" }] })).toEqual({
      ok: [id],
      refused: [],
    });
  });

  test("bad edits throw InvalidArgumentError and write nothing", async ({ backend }) => {
    const id = await enqueueOne(backend, { priority: 2 });
    await expect(backend.jobUpdate({ ids: [id] })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(backend.jobUpdate({ ids: [id], priority: 1.5 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(backend.jobUpdate({ ids: [id], priority: 2_000_000 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(await getJob(backend, id)).toMatchObject({ priority: 2 });
  });

  test("a promoted scheduled job is queued, due now, and claimed next", async ({ backend, clock }) => {
    const later = await enqueueOne(backend, { runAt: clock.now() + 3_600_000 });
    const other = await enqueueOne(backend, { runAt: clock.now() + 60_000 });
    clock.advance(1_000);
    expect(await backend.jobPromote({ ids: [later] })).toEqual({ ok: [later], refused: [] });
    expect(await getJob(backend, later)).toMatchObject({ state: "queued", runAt: clock.now() });
    const { jobs, nextRunAt } = await claim(backend, undefined, 5);
    expect(jobs.map((j) => j.id)).toEqual([later]);
    expect(nextRunAt).toBe(clock.now() + 59_000);
    expect(await stateOf(backend, other)).toBe("scheduled");
    const [info] = (await backend.queueList()).filter((q) => q.name === "default");
    expect(info?.counts).toMatchObject({ scheduled: 1, queued: 0, running: 1 });
  });

  test("a promotion is refused for every state but scheduled", async ({ backend, clock }) => {
    const queued = await enqueueOne(backend, { queue: "q" });
    const waiting = await enqueueOne(backend, {
      queue: "w",
      dependsOn: [queued],
      runAt: clock.now() + 60_000,
    });
    const running = await runningJob(backend, { queue: "r" });
    const cancelled = await enqueueOne(backend, { queue: "x", runAt: clock.now() + 60_000 });
    await backend.jobCancel({ ids: [cancelled] });
    const ids = [queued, waiting, running.id, cancelled, UNKNOWN];
    const out = await backend.jobPromote({ ids });
    expect(out.ok).toEqual([]);
    expect([...out.refused].sort()).toEqual([...ids].sort());
    expect(await stateOf(backend, waiting)).toBe("waiting");
    expect(await stateOf(backend, cancelled)).toBe("cancelled");
  });

  test("edits publish job:updated and promotions job:enqueued with promoted: true", async ({
    backend,
    clock,
  }) => {
    const recorder = recordEvents(backend);
    try {
      const queued = await enqueueOne(backend);
      const scheduled = await enqueueOne(backend, { runAt: clock.now() + 60_000 });
      await backend.jobUpdate({ ids: [queued], priority: 4 });
      await backend.jobUpdate({ ids: [scheduled], input: '{"n":3}' });
      await backend.jobPromote({ ids: [scheduled] });
      await recorder.until((seen) =>
        seen.some((e) => e.type === "job:enqueued" && e.jobId === scheduled && e.data?.promoted === true),
      );
      const updates = recorder.events.filter((e) => e.type === "job:updated");
      expect(updates).toEqual([
        expect.objectContaining({ jobId: queued, state: "queued", queue: "default", data: { priority: 4 } }),
        expect.objectContaining({ jobId: scheduled, state: "scheduled", data: { input: true } }),
      ]);
      expect(recorder.events.find((e) => e.data?.promoted === true)).toMatchObject({
        type: "job:enqueued",
        state: "queued",
      });
    } finally {
      recorder.stop();
    }
  });

  test("calls with no ids change nothing", async ({ backend }) => {
    expect(await backend.jobUpdate({ ids: [], priority: 1 })).toEqual({ ok: [], refused: [] });
    expect(await backend.jobPromote({ ids: [] })).toEqual({ ok: [], refused: [] });
  });
});
