/**
 * Move, what a store keeps beside a JobRecord (seam/move.ts `MoveCarried`): a spawn waiter's
 * policy, a job's limits, the dedupe entries naming it and its durable follow-up templates. `jobMoveRead` returns them with the
 * held records and `jobImport` writes them back; each test shows the behaviour that depends on
 * them after the round trip (a child's failure under the policy, the per-key cap, the window,
 * the follow-up its outcome writes).
 */
import { expect } from "vitest";
import type { Backend, JobFlow, MovedJob, SpawnPolicy } from "../../../src/backend/backend.js";
import { MOVE_WORKER_PREFIX } from "../../../src/backend/backend.js";
import type { NewJobDedupe } from "../../../src/core/dedupe.js";
import { InvalidArgumentError } from "../../../src/core/errors/index.js";
import type { FollowUpJob } from "../../../src/core/follow-ups.js";
import { newJobId } from "../../../src/core/ids.js";
import type { LeasedJob } from "../../../src/core/types.js";
import { defineTopic } from "./define.js";
import { claim, errorRecord, getJob, LEASE_MS, newJob, runningJob } from "./helpers.js";

const MOVER = `${MOVE_WORKER_PREFIX}conformance-carried`;
const TOKEN = "move-carried-token";
const KIDS = "kids";

/** Takes `ids`, reads them back with what they carry, deletes them: a move's source half. */
async function takeOut(backend: Backend, ids: string[]): Promise<MovedJob[]> {
  const out = await backend.jobMoveTake({ ids, workerId: MOVER, token: TOKEN });
  expect(out.blocked).toEqual([]);
  expect(out.needs).toEqual([]);
  const read = await backend.jobMoveRead({ ids });
  expect(read.map((j) => j.id).sort()).toEqual([...ids].sort());
  const del = await backend.jobMoveDelete({ ids, token: TOKEN, workflows: [] });
  expect(del.removed.sort()).toEqual([...ids].sort());
  return read;
}

/** A running job that spawned `n` children in queue KIDS under `policy`: the waiter and its children. */
async function spawnWaiter(backend: Backend, policy: SpawnPolicy, n: number, queue = "waiters") {
  const parent: LeasedJob = await runningJob(backend, { queue });
  const kids = Array.from({ length: n }, () => newJob(backend.clock, { queue: KIDS, maxAttempts: 1 }));
  const out = await backend.jobSpawn({
    id: parent.id,
    token: parent.leaseToken,
    children: kids,
    policy,
    meta: parent.meta,
  });
  expect(out.ok).toBe(true);
  return { waiter: parent.id, kids: kids.map((k) => k.id) };
}

const keyedCap = (key: string): JobFlow => ({ key, concurrency: { limit: 1, keyed: true }, rateLimit: null });
const throttle = (key: string): NewJobDedupe => ({
  key,
  mode: "throttle",
  windowMs: 600_000,
  maxWaitMs: null,
});

function template(
  parentId: string,
  outcome: "completed" | "failed",
  over: Partial<FollowUpJob> = {},
): FollowUpJob {
  return {
    id: newJobId(),
    task: `t.${outcome}`,
    queue: "after",
    input: null,
    priority: 3,
    maxAttempts: 2,
    meta: JSON.stringify({ parent: { id: parentId, outcome } }),
    leaseMs: 7_000,
    timeoutMs: 9_000,
    flow: null,
    ...over,
  };
}

export const moveCarriedTopic = defineTopic("move carried", (test) => {
  test("a spawn waiter keeps its policy: a failed child does not cancel it ('continue')", async ({
    backend,
  }) => {
    const { waiter, kids } = await spawnWaiter(backend, "continue", 2);
    const moved = await takeOut(backend, [waiter, ...kids]);
    expect(moved.find((j) => j.id === waiter)!.carried).toEqual({
      spawnPolicy: "continue",
      flow: null,
      dedupe: [],
      followUps: null,
    });
    expect(moved.find((j) => j.id === kids[0])!.carried?.spawnPolicy).toBeNull();
    await backend.jobImport({ jobs: moved, workflows: [] });
    expect(await getJob(backend, waiter)).toMatchObject({ state: "waiting", pendingDependencies: 2 });
    const { jobs } = await claim(backend, [KIDS], 2);
    expect(jobs).toHaveLength(2);
    const [first, second] = jobs as [LeasedJob, LeasedJob];
    await backend.jobFail({
      jobs: [
        {
          id: first.id,
          token: first.leaseToken,
          error: errorRecord(1, backend.clock.now()),
          retryAt: null,
        },
      ],
    });
    // Without its policy the waiter would be cancelled by the dependency cascade here.
    expect(await getJob(backend, waiter)).toMatchObject({ state: "waiting", pendingDependencies: 1 });
    await backend.jobComplete({ jobs: [{ id: second.id, token: second.leaseToken, result: "1" }] });
    expect((await getJob(backend, waiter)).state).toBe("queued");
  });

  test("a waiter imported beside a child that already failed is released under 'fail', counted under 'continue'", async ({
    backend,
    clock,
  }) => {
    for (const policy of ["fail", "continue"] as const) {
      const { waiter, kids } = await spawnWaiter(backend, policy, 2, `waiters-${policy}`);
      const moved = await takeOut(backend, [waiter, ...kids]);
      // The first child ended failed (in the source, say, between two batches of another design).
      const failed = moved.map((j) =>
        j.id === kids[0] ? { ...j, state: "failed" as const, finishedAt: clock.now(), workerId: null } : j,
      );
      await backend.jobImport({ jobs: failed, workflows: [] });
      const w = await getJob(backend, waiter);
      if (policy === "fail") expect(w).toMatchObject({ state: "queued", pendingDependencies: 0 });
      else expect(w).toMatchObject({ state: "waiting", pendingDependencies: 1 });
    }
  });

  test("a job keeps its limits: the per-key cap still holds after the move", async ({ backend, clock }) => {
    const jobs = [0, 1].map(() => newJob(clock, { queue: "q", task: "t", flow: keyedCap("a") }));
    await backend.jobEnqueue({ jobs });
    const ids = jobs.map((j) => j.id);
    const moved = await takeOut(backend, ids);
    for (const j of moved) expect(j.carried?.flow).toEqual(keyedCap("a"));
    await backend.jobImport({ jobs: moved, workflows: [] });
    expect((await getJob(backend, ids[0]!)).limitKey).toBe("a");
    // Without its limits both would start at once.
    const first = await backend.jobClaim({ queues: ["q"], limit: 10, workerId: "w1", leaseMs: LEASE_MS });
    expect(first.jobs).toHaveLength(1);
    const again = await backend.jobClaim({ queues: ["q"], limit: 10, workerId: "w2", leaseMs: LEASE_MS });
    expect(again.jobs).toHaveLength(0);
  });

  test("a dedupe entry naming a moved job moves with it and matches in the target", async ({
    backend,
    clock,
  }) => {
    const job = newJob(clock, { dedupe: throttle("u1") });
    await backend.jobEnqueue({ jobs: [job] });
    const [moved] = await takeOut(backend, [job.id]);
    expect(moved!.carried?.dedupe).toEqual([{ key: "u1", firstAt: clock.now() }]);
    // Imported under another key, so the entry the source left behind cannot be what matches.
    const entry = { key: "u2", firstAt: clock.now() };
    await backend.jobImport({
      jobs: [{ ...moved!, carried: { ...moved!.carried!, dedupe: [entry] } }],
      workflows: [],
    });
    const dup = await backend.jobEnqueue({ jobs: [newJob(clock, { dedupe: throttle("u2") })] });
    expect(dup.jobs[0]).toMatchObject({ id: job.id, created: false, deduplicated: true });
    // The window is counted from the entry's firstAt, as in the source.
    clock.advance(600_001);
    const later = await backend.jobEnqueue({ jobs: [newJob(clock, { dedupe: throttle("u2") })] });
    expect(later.jobs[0]).toMatchObject({ created: true });
  });

  test("an imported entry never takes a key whose entry names a job the target holds", async ({
    backend,
    clock,
  }) => {
    const holder = newJob(clock, { dedupe: throttle("k") });
    await backend.jobEnqueue({ jobs: [holder] });
    const other = newJob(clock, {});
    await backend.jobEnqueue({ jobs: [other] });
    const [moved] = await takeOut(backend, [other.id]);
    await backend.jobImport({
      jobs: [{ ...moved!, carried: { spawnPolicy: null, flow: null, dedupe: [{ key: "k", firstAt: 1 }] } }],
      workflows: [],
    });
    const dup = await backend.jobEnqueue({ jobs: [newJob(clock, { dedupe: throttle("k") })] });
    expect(dup.jobs[0]).toMatchObject({ id: holder.id, created: false });
  });

  test("a job keeps its follow-up templates: its outcome in the target writes then / catch once", async ({
    backend,
    clock,
  }) => {
    const ok = newJob(clock, { queue: "main", maxAttempts: 1 });
    const bad = newJob(clock, { queue: "main", maxAttempts: 1 });
    const plain = newJob(clock, { queue: "main" });
    const fu = {
      okThen: template(ok.id, "completed", { flow: keyedCap("x") }),
      okCatch: template(ok.id, "failed", { input: '"fixed"' }),
      badThen: template(bad.id, "completed"),
      badCatch: template(bad.id, "failed"),
    };
    ok.followUps = { completed: fu.okThen, failed: fu.okCatch };
    bad.followUps = { completed: fu.badThen, failed: fu.badCatch };
    await backend.jobEnqueue({ jobs: [ok, bad, plain] });
    const moved = await takeOut(backend, [ok.id, bad.id, plain.id]);
    const carried = (id: string) => moved.find((j) => j.id === id)!.carried?.followUps;
    expect(carried(ok.id)).toEqual({ completed: fu.okThen, failed: fu.okCatch });
    expect(carried(bad.id)).toEqual({ completed: fu.badThen, failed: fu.badCatch });
    expect(carried(plain.id)).toBeNull();
    // The templates left the source with their jobs: importing the same ids again collides with nothing.
    const imported = await backend.jobImport({ jobs: moved, workflows: [] });
    expect(imported.inserted.sort()).toEqual([ok.id, bad.id, plain.id].sort());

    const { jobs } = await claim(backend, ["main"], 3);
    const leased = new Map(jobs.map((j) => [j.id, j]));
    clock.advance(50);
    const okLease = leased.get(ok.id)!;
    await backend.jobComplete({ jobs: [{ id: ok.id, token: okLease.leaseToken, result: '{"rows":3}' }] });
    const badLease = leased.get(bad.id)!;
    const error = errorRecord(1, clock.now());
    await backend.jobFail({ jobs: [{ id: bad.id, token: badLease.leaseToken, error, retryAt: null }] });
    await backend.jobComplete({
      jobs: [{ id: plain.id, token: leased.get(plain.id)!.leaseToken, result: "1" }],
    });

    expect(await getJob(backend, fu.okThen.id)).toMatchObject({
      task: "t.completed",
      queue: "after",
      state: "queued",
      input: '{"rows":3}',
      priority: 3,
      maxAttempts: 2,
      leaseMs: 7_000,
      timeoutMs: 9_000,
      meta: { parent: { id: ok.id, outcome: "completed" } },
      createdAt: clock.now(),
      limitKey: "x",
    });
    const caught = await getJob(backend, fu.badCatch.id);
    expect(caught).toMatchObject({ task: "t.failed", state: "queued", meta: { parent: { id: bad.id } } });
    expect(JSON.parse(caught.input)).toMatchObject({ message: error.message, attempt: 1 });
    expect(await backend.jobGet({ id: fu.okCatch.id })).toBeNull();
    expect(await backend.jobGet({ id: fu.badThen.id })).toBeNull();
    // The follow-up's carried limits hold: a second job of key "x" waits while it runs.
    const other = newJob(clock, { queue: "after", task: "t.completed", flow: keyedCap("x") });
    await backend.jobEnqueue({ jobs: [other] });
    const started = await backend.jobClaim({
      queues: ["after"],
      limit: 10,
      workerId: "w",
      leaseMs: LEASE_MS,
    });
    expect(started.jobs.map((j) => j.id)).toContain(fu.okThen.id);
    expect(started.jobs.map((j) => j.id)).not.toContain(other.id);
  });

  test("bad carried fields are typed errors and write nothing", async ({ backend, clock }) => {
    const job = newJob(clock, {});
    await backend.jobEnqueue({ jobs: [job] });
    const [moved] = await takeOut(backend, [job.id]);
    const bad = [
      { spawnPolicy: "sometimes", flow: null, dedupe: [] },
      { spawnPolicy: null, flow: null, dedupe: [{ key: "", firstAt: 1 }] },
      { spawnPolicy: null, flow: null, dedupe: [{ key: "x", firstAt: Number.NaN }] },
      {
        spawnPolicy: null,
        flow: null,
        dedupe: [
          { key: "x", firstAt: 1 },
          { key: "x", firstAt: 2 },
        ],
      },
    ];
    const tpl = template(job.id, "completed");
    bad.push(
      { spawnPolicy: null, flow: null, dedupe: [], followUps: { later: tpl } } as never,
      { spawnPolicy: null, flow: null, dedupe: [], followUps: { completed: { ...tpl, id: 7 } } } as never,
      { spawnPolicy: null, flow: null, dedupe: [], followUps: { failed: { ...tpl, id: job.id } } } as never,
      { spawnPolicy: null, flow: null, dedupe: [], followUps: { completed: { ...tpl, meta: "{" } } } as never,
      {
        spawnPolicy: null,
        flow: null,
        dedupe: [],
        followUps: { completed: { ...tpl, maxAttempts: 0 } },
      } as never,
    );
    for (const carried of bad)
      await expect(
        backend.jobImport({ jobs: [{ ...moved!, carried } as MovedJob], workflows: [] }),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await backend.jobGet({ id: job.id })).toBeNull();
  });
});
