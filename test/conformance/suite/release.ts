import { expect } from "vitest";
import { newLeaseToken } from "../../../src/core/ids.js";
import { defineTopic } from "./define.js";
import { claim, claimOne, getJob, runningJob } from "./helpers.js";

export const releaseTopic = defineTopic("release", (test) => {
  test("a released job is queued again without counting the attempt", async ({ backend }) => {
    const job = await runningJob(backend, { maxAttempts: 1 });
    const out = await backend.jobRelease({ leases: [{ id: job.id, token: job.leaseToken }] });
    expect(out).toEqual({ ok: [job.id], refused: [] });
    expect(await getJob(backend, job.id)).toMatchObject({
      state: "queued",
      attempt: 0,
      leaseExpiresAt: null,
      errors: [],
    });
    const again = await claimOne(backend);
    expect(again).toMatchObject({ id: job.id, attempt: 1 });
  });

  test("the released lease's token no longer completes the job", async ({ backend }) => {
    const job = await runningJob(backend);
    await backend.jobRelease({ leases: [{ id: job.id, token: job.leaseToken }] });
    const out = await backend.jobComplete({ jobs: [{ id: job.id, token: job.leaseToken, result: "1" }] });
    expect(out.refused).toEqual([job.id]);
    expect((await getJob(backend, job.id)).state).toBe("queued");
  });

  test("releasing with a wrong token is refused and the job keeps running", async ({ backend }) => {
    const job = await runningJob(backend);
    const out = await backend.jobRelease({ leases: [{ id: job.id, token: newLeaseToken() }] });
    expect(out).toEqual({ ok: [], refused: [job.id] });
    expect(await getJob(backend, job.id)).toMatchObject({ state: "running", attempt: 1 });
    expect((await claim(backend)).jobs).toEqual([]);
  });
});
