/**
 * `jobFollowUps`: the way from a job to its then / catch follow-ups (the other way, a follow-up
 * names its parent in `meta.parent`). Before the outcome it lists the templates; after it, the
 * link to the job the outcome made, which outlives the templates and goes with the parent.
 */
import { expect } from "vitest";
import type { FollowUpRef } from "../../../src/backend/backend.js";
import { defineTopic } from "./define.js";
import { parentWithFollowUps, tpl } from "./follow-ups.js";
import { claimOne, errorRecord, getJob, newJob } from "./helpers.js";

const ref = (
  r: { id: string; task: string; queue: string },
  outcome: FollowUpRef["outcome"],
  made: boolean,
) => ({
  outcome,
  id: r.id,
  task: r.task,
  queue: r.queue,
  made,
});

export const followUpLinksTopic = defineTopic("follow-up links", (test) => {
  test("before its outcome a job lists both templates, not made yet, then before catch", async ({
    backend,
  }) => {
    const { leased, then, onFail } = await parentWithFollowUps(backend);
    expect(await backend.jobFollowUps({ id: leased.id })).toEqual([
      ref(then, "completed", false),
      ref(onFail, "failed", false),
    ]);
    // A stale completion is no outcome: nothing changes.
    await backend.jobComplete({ jobs: [{ id: leased.id, token: "stale", result: "1" }] });
    expect(await backend.jobFollowUps({ id: leased.id })).toEqual([
      ref(then, "completed", false),
      ref(onFail, "failed", false),
    ]);
  });

  test("a completion leaves the link to the then job it made, and the job names the parent back", async ({
    backend,
  }) => {
    const { leased, then } = await parentWithFollowUps(backend);
    await backend.jobComplete({ jobs: [{ id: leased.id, token: leased.leaseToken, result: "1" }] });
    expect(await backend.jobFollowUps({ id: leased.id })).toEqual([ref(then, "completed", true)]);
    expect((await getJob(backend, then.id)).meta.parent).toEqual({ id: leased.id, outcome: "completed" });
    // The follow-up itself has none.
    expect(await backend.jobFollowUps({ id: then.id })).toEqual([]);
  });

  test("each parent of one completion batch links its own then job", async ({ backend }) => {
    const parents = Array.from({ length: 4 }, () => newJob(backend.clock, { queue: "main" }));
    const thens = parents.map((p) => tpl(p.id, "completed"));
    parents.forEach((p, i) => {
      p.followUps = { completed: thens[i]! };
    });
    await backend.jobEnqueue({ jobs: parents });
    const { jobs } = await backend.jobClaim({ queues: ["main"], limit: 4, workerId: "w", leaseMs: 30_000 });
    expect(jobs).toHaveLength(4);
    await backend.jobComplete({ jobs: jobs.map((j) => ({ id: j.id, token: j.leaseToken, result: "1" })) });
    for (const [i, p] of parents.entries())
      expect(await backend.jobFollowUps({ id: p.id })).toEqual([ref(thens[i]!, "completed", true)]);
  });

  test("a final failure links the catch job; a retry and a later completion keep that link and make no then", async ({
    backend,
    clock,
  }) => {
    const { leased, then, onFail } = await parentWithFollowUps(backend);
    await backend.jobFail({
      jobs: [{ id: leased.id, token: leased.leaseToken, error: errorRecord(1, clock.now()), retryAt: null }],
    });
    expect(await backend.jobFollowUps({ id: leased.id })).toEqual([ref(onFail, "failed", true)]);
    expect((await backend.jobRetry({ ids: [leased.id] })).ok).toEqual([leased.id]);
    const again = await claimOne(backend, "main");
    await backend.jobComplete({ jobs: [{ id: again.id, token: again.leaseToken, result: "1" }] });
    expect(await backend.jobFollowUps({ id: leased.id })).toEqual([ref(onFail, "failed", true)]);
    expect(await backend.jobGet({ id: then.id })).toBeNull();
  });

  test("a lease that expires with no attempt left links the catch job", async ({ backend, clock }) => {
    const { leased, onFail } = await parentWithFollowUps(backend);
    clock.advance(60_000);
    expect((await backend.leaseRescue({ limit: 100 })).failed).toEqual([leased.id]);
    expect(await backend.jobFollowUps({ id: leased.id })).toEqual([ref(onFail, "failed", true)]);
  });

  test("no follow-ups: []; no such job: null; the link goes with its parent, the follow-up stays", async ({
    backend,
  }) => {
    const plain = newJob(backend.clock, { queue: "plain" });
    await backend.jobEnqueue({ jobs: [plain] });
    expect(await backend.jobFollowUps({ id: plain.id })).toEqual([]);
    expect(await backend.jobFollowUps({ id: "no-such-job" })).toBeNull();
    const { leased, then } = await parentWithFollowUps(backend);
    await backend.jobComplete({ jobs: [{ id: leased.id, token: leased.leaseToken, result: "1" }] });
    expect((await backend.jobRemove({ ids: [leased.id] })).removed).toEqual([leased.id]);
    expect(await backend.jobFollowUps({ id: leased.id })).toBeNull();
    expect((await getJob(backend, then.id)).state).toBe("queued");
  });
});
