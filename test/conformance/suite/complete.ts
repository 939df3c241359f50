import { expect } from "vitest";
import { newLeaseToken } from "../../../src/core/ids.js";
import { defineTopic } from "./define.js";
import { claim, enqueueOne, getJob, runningJob, stateOf } from "./helpers.js";

export const completeTopic = defineTopic("complete", (test) => {
  test("completing with the lease token stores the result and ends the job completed", async ({
    backend,
    clock,
  }) => {
    const job = await runningJob(backend);
    clock.advance(250);
    const out = await backend.jobComplete({
      jobs: [{ id: job.id, token: job.leaseToken, result: '{"ok":true}' }],
    });
    expect(out).toEqual({ ok: [job.id], refused: [] });
    expect(await getJob(backend, job.id)).toMatchObject({
      state: "completed",
      result: '{"ok":true}',
      finishedAt: clock.now(),
      leaseExpiresAt: null,
      attempt: 1,
    });
  });

  test("a wrong lease token is refused and leaves the job untouched", async ({ backend }) => {
    const job = await runningJob(backend);
    const before = await getJob(backend, job.id);
    const out = await backend.jobComplete({ jobs: [{ id: job.id, token: newLeaseToken(), result: "1" }] });
    expect(out).toEqual({ ok: [], refused: [job.id] });
    expect(await getJob(backend, job.id)).toEqual(before);
  });

  test("completing a job that is not running is refused", async ({ backend }) => {
    const queued = await enqueueOne(backend);
    const out = await backend.jobComplete({ jobs: [{ id: queued, token: newLeaseToken(), result: "1" }] });
    expect(out).toEqual({ ok: [], refused: [queued] });
    expect(await stateOf(backend, queued)).toBe("queued");
  });

  test("completing an unknown job is refused", async ({ backend }) => {
    const out = await backend.jobComplete({
      jobs: [{ id: "01970000-0000-7000-8000-000000000000", token: "t", result: "1" }],
    });
    expect(out.refused).toEqual(["01970000-0000-7000-8000-000000000000"]);
    expect(out.ok).toEqual([]);
  });

  test("a second completion of the same lease is refused and the first result stays", async ({ backend }) => {
    const job = await runningJob(backend);
    await backend.jobComplete({ jobs: [{ id: job.id, token: job.leaseToken, result: "first" }] });
    const out = await backend.jobComplete({
      jobs: [{ id: job.id, token: job.leaseToken, result: "second" }],
    });
    expect(out).toEqual({ ok: [], refused: [job.id] });
    expect((await getJob(backend, job.id)).result).toBe("first");
  });

  test("one call completes many jobs and refuses the stale ones individually", async ({ backend }) => {
    await enqueueOne(backend);
    await enqueueOne(backend);
    await enqueueOne(backend);
    const { jobs } = await claim(backend);
    expect(jobs).toHaveLength(3);
    const [a, b, c] = jobs as [(typeof jobs)[0], (typeof jobs)[0], (typeof jobs)[0]];
    const out = await backend.jobComplete({
      jobs: [
        { id: a.id, token: a.leaseToken, result: "a" },
        { id: b.id, token: newLeaseToken(), result: "b" },
        { id: c.id, token: c.leaseToken, result: "c" },
      ],
    });
    expect(out.ok.sort()).toEqual([a.id, c.id].sort());
    expect(out.refused).toEqual([b.id]);
    expect(await stateOf(backend, b.id)).toBe("running");
    expect((await getJob(backend, c.id)).result).toBe("c");
  });

  test("a completed job is never claimed again", async ({ backend }) => {
    const job = await runningJob(backend);
    await backend.jobComplete({ jobs: [{ id: job.id, token: job.leaseToken, result: "1" }] });
    expect((await claim(backend)).jobs).toEqual([]);
  });
});
