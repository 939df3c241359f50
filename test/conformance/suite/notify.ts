import { expect } from "vitest";
import type { Backend, BackendEvent, BackendEventType } from "../../../src/backend/backend.js";
import type { JobState } from "../../../src/core/types.js";
import { defineTopic } from "./define.js";
import {
  claimOne,
  enqueueMany,
  enqueueOne,
  errorRecord,
  recordEvents,
  runningJob,
  waitForEvent,
} from "./helpers.js";

const is = (type: BackendEventType, jobId: string) => (e: BackendEvent) =>
  e.type === type && e.jobId === jobId;

export const notifyTopic = defineTopic("notify", (test) => {
  test("an enqueue publishes job:enqueued with the job's id, queue and state", async ({ backend, clock }) => {
    const recorder = recordEvents(backend);
    const queued = await enqueueOne(backend, { queue: "mail" });
    const scheduled = await enqueueOne(backend, { queue: "mail", runAt: clock.now() + 60_000 });
    await recorder.until(
      (events) => events.some(is("job:enqueued", queued)) && events.some(is("job:enqueued", scheduled)),
    );
    expect(recorder.events.find(is("job:enqueued", queued))).toMatchObject({
      queue: "mail",
      state: "queued",
    });
    expect(recorder.events.find(is("job:enqueued", scheduled))).toMatchObject({
      queue: "mail",
      state: "scheduled",
    });
    recorder.stop();
  });

  /** Runs one job through claim and completion and checks both events reach an unfiltered listener. */
  async function expectStartAndCompletion(backend: Backend): Promise<void> {
    const id = await enqueueOne(backend, { queue: "q" });
    const started = waitForEvent(backend, is("job:started", id));
    const leased = await claimOne(backend, "q");
    expect(await started).toMatchObject({ queue: "q", state: "running" });
    const completed = waitForEvent(backend, is("job:completed", id));
    await backend.jobComplete({ jobs: [{ id, token: leased.leaseToken, result: "1" }] });
    expect(await completed).toMatchObject({ queue: "q", state: "completed" });
  }

  test("a claim publishes job:started and a completion job:completed", async ({ backend }) => {
    await expectStartAndCompletion(backend);
  });

  test("a listener that names its event types narrows nothing for the others, and gets what it named", async ({
    backend,
  }) => {
    const narrow: BackendEvent[] = [];
    const stop = backend.subscribe((events) => narrow.push(...events), { types: ["job:cancelled"] });
    await expectStartAndCompletion(backend);
    const other = await enqueueOne(backend, { queue: "q" });
    const cancelled = waitForEvent(backend, is("job:cancelled", other));
    await backend.jobCancel({ ids: [other] });
    // Listeners of one delivery are called in subscription order: the narrow one came first.
    await cancelled;
    expect(narrow.some((e) => e.type === "job:cancelled" && e.jobId === other)).toBe(true);
    stop();
  });

  test("a failure publishes job:retried while attempts remain and job:failed at the end", async ({
    backend,
    clock,
  }) => {
    const id = await enqueueOne(backend, { maxAttempts: 2 });
    let leased = await claimOne(backend);
    const retried = waitForEvent(backend, is("job:retried", id));
    await backend.jobFail({
      jobs: [
        { id, token: leased.leaseToken, error: errorRecord(1, clock.now()), retryAt: clock.now() + 1_000 },
      ],
    });
    expect(await retried).toMatchObject({ queue: "default", state: "scheduled" });
    clock.advance(1_000);
    leased = await claimOne(backend);
    const failed = waitForEvent(backend, is("job:failed", id));
    await backend.jobFail({
      jobs: [{ id, token: leased.leaseToken, error: errorRecord(2, clock.now()), retryAt: null }],
    });
    expect(await failed).toMatchObject({ queue: "default", state: "failed" });
  });

  test("a cancel publishes job:cancelled for the job and each cascaded dependent", async ({ backend }) => {
    const parent = await enqueueOne(backend, { queue: "p" });
    const child = await enqueueOne(backend, { queue: "c", dependsOn: [parent] });
    const recorder = recordEvents(backend);
    await backend.jobCancel({ ids: [parent] });
    await recorder.until(
      (events) => events.some(is("job:cancelled", parent)) && events.some(is("job:cancelled", child)),
    );
    expect(recorder.events.find(is("job:cancelled", parent))).toMatchObject({
      queue: "p",
      state: "cancelled",
    });
    expect(recorder.events.find(is("job:cancelled", child))).toMatchObject({
      queue: "c",
      state: "cancelled",
    });
    recorder.stop();
  });

  test("progress publishes job:progress with the running state", async ({ backend }) => {
    const job = await runningJob(backend, { queue: "pdf" });
    const progress = waitForEvent(backend, is("job:progress", job.id));
    await backend.jobProgress({ id: job.id, token: job.leaseToken, progress: { percent: 40 } });
    expect(await progress).toMatchObject({ queue: "pdf", state: "running" });
  });

  test("every event of one batch is delivered", async ({ backend }) => {
    const recorder = recordEvents(backend);
    const ids = await enqueueMany(backend, 40);
    const seen = () => new Set(recorder.events.filter((e) => e.type === "job:enqueued").map((e) => e.jobId));
    await recorder.until(() => ids.every((id) => seen().has(id)));
    expect(seen().size).toBe(40);
    recorder.stop();
  });

  test("an unsubscribed listener receives nothing more", async ({ backend }) => {
    const stopped = recordEvents(backend);
    const witness = recordEvents(backend);
    const before = await enqueueOne(backend);
    await stopped.until((events) => events.some(is("job:enqueued", before)));
    stopped.stop();
    const countAtStop = stopped.events.length;
    const after = await enqueueOne(backend);
    await witness.until((events) => events.some(is("job:enqueued", after)));
    expect(stopped.events).toHaveLength(countAtStop);
    expect(stopped.events.some((e) => e.jobId === after)).toBe(false);
    witness.stop();
  });

  test("events carry the state the job is in after the event", async ({ backend, clock }) => {
    const recorder = recordEvents(backend);
    const job = await runningJob(backend);
    await backend.jobFail({
      jobs: [{ id: job.id, token: job.leaseToken, error: errorRecord(1, clock.now()), retryAt: clock.now() }],
    });
    const expected: [BackendEventType, JobState][] = [
      ["job:enqueued", "queued"],
      ["job:started", "running"],
      ["job:retried", "queued"],
    ];
    await recorder.until((events) => events.filter((e) => e.jobId === job.id).length >= expected.length);
    const mine = recorder.events.filter((e) => e.jobId === job.id).map((e) => [e.type, e.state]);
    expect(mine).toEqual(expected);
    recorder.stop();
  });

  test("pausing and resuming a queue publishes queue:paused and queue:resumed", async ({ backend }) => {
    const recorder = recordEvents(backend);
    await backend.queuePause({ queue: "mail" });
    await backend.queueResume({ queue: "mail" });
    const types = () => recorder.events.filter((e) => e.queue === "mail").map((e) => e.type);
    await recorder.until(() => types().length >= 2);
    expect(types()).toEqual(["queue:paused", "queue:resumed"]);
    recorder.stop();
  });

  test("a throwing listener breaks neither the transition nor other listeners", async ({ backend }) => {
    const unsubscribe = backend.subscribe(() => {
      throw new Error("listener bug");
    });
    const recorder = recordEvents(backend);
    const id = await enqueueOne(backend);
    await recorder.until((events) => events.some(is("job:enqueued", id)));
    expect((await claimOne(backend)).id).toBe(id);
    await recorder.until((events) => events.some(is("job:started", id)));
    unsubscribe();
    recorder.stop();
  });
});
