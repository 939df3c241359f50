import { expect } from "vitest";
import { newLeaseToken } from "../../../src/core/ids.js";
import { defineTopic } from "./define.js";
import { allJobs, claim, claimOne, enqueueOne, getJob, LEASE_MS, runningJob, stateOf } from "./helpers.js";

export const leaseTopic = defineTopic("lease", (test) => {
  test("renewing a lease extends it from now so the job survives its first expiry", async ({
    backend,
    clock,
  }) => {
    const job = await runningJob(backend);
    clock.advance(LEASE_MS - 1_000);
    const out = await backend.leaseRenew({
      leases: [{ id: job.id, token: job.leaseToken }],
      leaseMs: LEASE_MS,
    });
    expect(out).toEqual({ renewed: [{ id: job.id, leaseExpiresAt: clock.now() + LEASE_MS }], lost: [] });
    expect((await getJob(backend, job.id)).leaseExpiresAt).toBe(clock.now() + LEASE_MS);
    clock.advance(5_000);
    expect(await backend.leaseRescue({ limit: 100 })).toEqual({ requeued: [], failed: [] });
    const done = await backend.jobComplete({ jobs: [{ id: job.id, token: job.leaseToken, result: "1" }] });
    expect(done.ok).toEqual([job.id]);
  });

  test("renewing with a stale token reports the lease lost and changes nothing", async ({ backend }) => {
    const job = await runningJob(backend);
    const out = await backend.leaseRenew({
      leases: [{ id: job.id, token: newLeaseToken() }],
      leaseMs: 999_999,
    });
    expect(out).toEqual({ renewed: [], lost: [job.id] });
    expect((await getJob(backend, job.id)).leaseExpiresAt).toBe(job.leaseExpiresAt);
  });

  test("a lease is not rescued before it expires", async ({ backend, clock }) => {
    const job = await runningJob(backend);
    clock.advance(LEASE_MS - 1);
    expect(await backend.leaseRescue({ limit: 100 })).toEqual({ requeued: [], failed: [] });
    expect(await stateOf(backend, job.id)).toBe("running");
  });

  test("an expired lease is rescued back to queued with a LeaseExpiredError and the attempt counted", async ({
    backend,
    clock,
  }) => {
    const job = await runningJob(backend, { maxAttempts: 3 });
    clock.advance(LEASE_MS + 1);
    expect(await backend.leaseRescue({ limit: 100 })).toEqual({ requeued: [job.id], failed: [] });
    const record = await getJob(backend, job.id);
    expect(record).toMatchObject({ state: "queued", attempt: 1, leaseExpiresAt: null });
    expect(record.errors).toHaveLength(1);
    expect(record.errors[0]).toMatchObject({ attempt: 1, name: "LeaseExpiredError" });
    expect(record.errors[0]?.message.length).toBeGreaterThan(0);
    expect((await claimOne(backend)).attempt).toBe(2);
  });

  test("an expired lease on the last attempt ends the job failed", async ({ backend, clock }) => {
    const job = await runningJob(backend, { maxAttempts: 1 });
    const child = await enqueueOne(backend, { queue: "children", dependsOn: [job.id] });
    clock.advance(LEASE_MS + 1);
    expect(await backend.leaseRescue({ limit: 100 })).toEqual({ requeued: [], failed: [job.id] });
    expect(await getJob(backend, job.id)).toMatchObject({
      state: "failed",
      attempt: 1,
      finishedAt: clock.now(),
    });
    expect((await getJob(backend, job.id)).errors[0]?.name).toBe("LeaseExpiredError");
    expect(await stateOf(backend, child)).toBe("cancelled");
  });

  test("a late completion by the old holder after rescue and reclaim is refused and the new result wins", async ({
    backend,
    clock,
  }) => {
    const old = await runningJob(backend);
    clock.advance(LEASE_MS + 1);
    await backend.leaseRescue({ limit: 100 });
    const fresh = await claimOne(backend);
    expect(fresh.id).toBe(old.id);
    const late = await backend.jobComplete({
      jobs: [{ id: old.id, token: old.leaseToken, result: '"old"' }],
    });
    expect(late).toEqual({ ok: [], refused: [old.id] });
    expect(
      await backend.leaseRenew({ leases: [{ id: old.id, token: old.leaseToken }], leaseMs: LEASE_MS }),
    ).toEqual({
      renewed: [],
      lost: [old.id],
    });
    expect(await stateOf(backend, old.id)).toBe("running");
    const won = await backend.jobComplete({
      jobs: [{ id: fresh.id, token: fresh.leaseToken, result: '"new"' }],
    });
    expect(won.ok).toEqual([old.id]);
    expect(await getJob(backend, old.id)).toMatchObject({ state: "completed", result: '"new"', attempt: 2 });
  });

  test("a per-job leaseMs overrides the claim's and the renewal's lease length", async ({
    backend,
    clock,
  }) => {
    const own = await enqueueOne(backend, { leaseMs: 120_000 });
    const plain = await enqueueOne(backend);
    const { jobs } = await claim(backend, undefined, 10, 1_000);
    const leased = new Map(jobs.map((j) => [j.id, j]));
    expect(leased.get(own)?.leaseExpiresAt).toBe(clock.now() + 120_000);
    expect(leased.get(plain)?.leaseExpiresAt).toBe(clock.now() + 1_000);
    clock.advance(1_001);
    expect(await backend.leaseRescue({ limit: 100 })).toEqual({ requeued: [plain], failed: [] });
    const renewed = await backend.leaseRenew({
      leases: [{ id: own, token: leased.get(own)!.leaseToken }],
      leaseMs: 1_000,
    });
    expect(renewed.renewed).toEqual([{ id: own, leaseExpiresAt: clock.now() + 120_000 }]);
  });

  test("a rescue handles at most its limit of expired leases per call", async ({ backend, clock }) => {
    for (let i = 0; i < 5; i++) await enqueueOne(backend);
    await claim(backend);
    clock.advance(LEASE_MS + 1);
    const first = await backend.leaseRescue({ limit: 2 });
    expect(first.requeued).toHaveLength(2);
    const second = await backend.leaseRescue({ limit: 10 });
    expect(second.requeued).toHaveLength(3);
    expect(new Set([...first.requeued, ...second.requeued]).size).toBe(5);
  });

  test("job records read back never expose the lease token", async ({ backend }) => {
    const job = await runningJob(backend);
    const serialized = JSON.stringify([
      await getJob(backend, job.id),
      await allJobs(backend),
      await backend.jobGetMany({ ids: [job.id] }),
    ]);
    expect(serialized).not.toContain(job.leaseToken);
  });
});
