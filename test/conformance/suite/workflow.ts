import { expect } from "vitest";
import type { JobFlow } from "../../../src/backend/backend.js";
import { WorkflowFailedError } from "../../../src/core/errors/index.js";
import { newJobId } from "../../../src/core/ids.js";
import { defineTopic } from "./define.js";
import { allJobs, claim, claimOne, enqueueOne, errorRecord, newJob } from "./helpers.js";
import { workflowFixture } from "./workflow-fixtures.js";

const workflow = (policy: "failFast" | "continue" = "failFast") => ({
  id: newJobId(),
  name: "test",
  policy,
  spec: "{}",
});

export const workflowTopic = defineTopic("workflow", (test) => {
  test("a chain passes each result to the next step", async ({ backend, clock }) => {
    const f = workflowFixture(backend, clock);
    const { double, addOne, show } = f.tasks;
    const wf = await f.spool.chain(double.with(2), addOne.with(), show.with()).enqueue();
    expect(await wf.state()).toBe("running");
    await f.drain();
    expect(await wf.result()).toBe("n=5");
    expect(f.runs("wf.addOne")).toEqual([4]);
    expect(await wf.get()).toMatchObject({
      state: "completed",
      total: 3,
      progress: { completed: 3, total: 3, percent: 100 },
    });
  });

  test("a group's result keeps the order of its steps, whatever order they finish in", async ({
    backend,
    clock,
  }) => {
    const f = workflowFixture(backend, clock);
    // Later steps get higher priority, so they run (and finish) first.
    const steps = [1, 2, 3, 4, 5].map((n) => f.tasks.double.with(n, { priority: n }));
    const wf = await f.spool.group(steps).enqueue();
    await f.drain();
    expect(f.runs("wf.double")).toEqual([5, 4, 3, 2, 1]);
    expect(await wf.result()).toEqual([2, 4, 6, 8, 10]);
  });

  test("a chord's callback runs once, after every member, with all results in order, despite retries", async ({
    backend,
    clock,
  }) => {
    const f = workflowFixture(backend, clock);
    f.flaky.add(3);
    f.flaky.add(7);
    const items = Array.from({ length: 10 }, (_, i) => i);
    const wf = await f.spool
      .chord(
        items.map((i) => f.tasks.double.with(i)),
        f.tasks.sum.with(),
      )
      .enqueue();
    await f.drain();
    expect(f.runs("wf.sum")).toEqual([items.map((i) => i * 2)]);
    expect(await wf.result()).toBe(90);
    const callback = (await wf.nodes()).find((n) => n.node === "callback")!;
    expect(callback).toMatchObject({ state: "completed", attempt: 1 });
    expect((await wf.nodes()).filter((n) => n.attempt === 2).map((n) => n.node)).toEqual([
      "group.3",
      "group.7",
    ]);
  });

  test("a chord's callback is released only by its last member's completion", async ({ backend, clock }) => {
    const f = workflowFixture(backend, clock);
    const wf = await f.spool
      .chord(
        [1, 2, 3].map((i) => f.tasks.double.with(i)),
        f.tasks.sum.with(),
      )
      .enqueue();
    const { jobs } = await backend.jobClaim({ queues: ["wf"], limit: 10, workerId: "w", leaseMs: 30_000 });
    expect(jobs.map((j) => j.task)).toEqual(["wf.double", "wf.double", "wf.double"]);
    // The members complete concurrently, in separate calls.
    await Promise.all(
      jobs.map((j) => backend.jobComplete({ jobs: [{ id: j.id, token: j.leaseToken, result: "1" }] })),
    );
    const callback = (await wf.nodes()).find((n) => n.node === "callback")!;
    expect(callback.state).toBe("queued");
    await f.drain();
    expect(f.runs("wf.sum")).toEqual([[1, 1, 1]]);
  });

  test("a diamond DAG joins both branches' results and passes ctx.parents", async ({ backend, clock }) => {
    const f = workflowFixture(backend, clock);
    const { double, fromTop, join } = f.tasks;
    const wf = await f.spool
      .flow()
      .node("top", double.with(3))
      .node("left", fromTop.with(), ["top"])
      .node("right", double.with(6), ["top"])
      .node("join", join.with(), ["left", "right"])
      .enqueue();
    await f.drain();
    expect(await wf.result()).toEqual({ join: 712 });
    expect(f.runs("wf.join")).toEqual([{ input: { left: 7, right: 12 }, parents: { left: 7, right: 12 } }]);
  });

  test("the object form of a flow orders nodes by their edges and refuses cycles", async ({
    backend,
    clock,
  }) => {
    const f = workflowFixture(backend, clock);
    const { double, addOne } = f.tasks;
    expect(() =>
      f.spool.flow({
        nodes: { a: addOne.with(), b: addOne.with() },
        edges: [
          ["a", "b"],
          ["b", "a"],
        ],
      }),
    ).toThrow(/cycle/);
    const wf = await f.spool
      .flow({ nodes: { b: addOne.with(10), a: double.with(5) }, edges: [["a", "b"]] })
      .enqueue();
    await f.drain();
    expect(await wf.result()).toEqual({ b: 11 });
  });

  test("groups and chords nest: a chord inside a chain inside a group", async ({ backend, clock }) => {
    const f = workflowFixture(backend, clock);
    const { double, addOne, sum } = f.tasks;
    const inner = (n: number) =>
      f.spool.chain(addOne.with(n), f.spool.chord([double.with(), addOne.with()], sum.with()), double.with());
    const wf = await f.spool.group([inner(1), inner(10)]).enqueue();
    await f.drain();
    // n=1: 2 → [4, 3] → 7 → 14;  n=10: 11 → [22, 12] → 34 → 68
    expect(await wf.result()).toEqual([14, 68]);
  });

  test("failFast: the first permanent failure cancels every job not started and fails the workflow", async ({
    backend,
    clock,
  }) => {
    const f = workflowFixture(backend, clock);
    const { boom, double, sum } = f.tasks;
    const wf = await f.spool
      .chord([boom.with("x", { priority: 10 }), double.with(1), double.with(2)], sum.with())
      .enqueue({ policy: "failFast" });
    const nodes = async () => Object.fromEntries((await wf.nodes()).map((n) => [n.node, n.state]));
    const { jobs } = await backend.jobClaim({ queues: ["wf"], limit: 1, workerId: "w", leaseMs: 30_000 });
    expect(jobs[0]!.task).toBe("wf.boom");
    await backend.jobFail({
      jobs: [
        { id: jobs[0]!.id, token: jobs[0]!.leaseToken, error: errorRecord(1, clock.now()), retryAt: null },
      ],
    });
    expect(await nodes()).toEqual({
      "group.0": "failed",
      "group.1": "cancelled",
      "group.2": "cancelled",
      callback: "cancelled",
    });
    expect(await wf.state()).toBe("failed");
    await expect(wf.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    await expect(wf.result()).rejects.toMatchObject({
      code: "WORKFLOW_FAILED",
      failedNode: { node: "group.0" },
    });
  });

  test("failFast leaves running jobs alone and also applies when a lease expires with no attempts left", async ({
    backend,
    clock,
  }) => {
    const f = workflowFixture(backend, clock);
    const { double, sum } = f.tasks;
    const wf = await f.spool
      .chord([double.with(1, { attempts: 1 }), double.with(2), double.with(3)], sum.with())
      .enqueue();
    const { jobs } = await backend.jobClaim({ queues: ["wf"], limit: 2, workerId: "w", leaseMs: 1_000 });
    expect(jobs).toHaveLength(2);
    clock.advance(1_001);
    // Renew the second lease only: the first expires and (attempts: 1) fails for good.
    await backend.leaseRenew({ leases: [{ id: jobs[1]!.id, token: jobs[1]!.leaseToken }], leaseMs: 60_000 });
    const rescued = await backend.leaseRescue({ limit: 10 });
    expect(rescued.failed).toEqual([jobs[0]!.id]);
    const states = Object.fromEntries((await wf.nodes()).map((n) => [n.node, n.state]));
    expect(states).toEqual({
      "group.0": "failed",
      "group.1": "running",
      "group.2": "cancelled",
      callback: "cancelled",
    });
    expect(await wf.state()).toBe("failed");
  });

  test("continue: independent branches finish; only dependents of the failed node are cancelled", async ({
    backend,
    clock,
  }) => {
    const f = workflowFixture(backend, clock);
    const { boom, double, addOne, show } = f.tasks;
    const wf = await f.spool
      .flow()
      .node("bad", boom.with("x"))
      .node("afterBad", addOne.with(1), ["bad"])
      .node("good", double.with(4))
      .node("afterGood", show.with(9), ["good"])
      .enqueue({ policy: "continue" });
    await f.drain();
    const states = Object.fromEntries((await wf.nodes()).map((n) => [n.node, n.state]));
    expect(states).toEqual({
      bad: "failed",
      afterBad: "cancelled",
      good: "completed",
      afterGood: "completed",
    });
    expect(f.runs("wf.show")).toEqual([9]);
    expect(await wf.state()).toBe("failed");
    await expect(wf.result()).rejects.toMatchObject({ code: "WORKFLOW_FAILED" });
  });

  test("continue keeps the workflow running while independent branches are unfinished", async ({
    backend,
    clock,
  }) => {
    const f = workflowFixture(backend, clock);
    const { boom, double } = f.tasks;
    const wf = await f.spool
      .group([boom.with("x", { priority: 5 }), double.with(1)])
      .enqueue({ policy: "continue" });
    const leased = await claimOne(backend, "wf");
    await backend.jobFail({
      jobs: [{ id: leased.id, token: leased.leaseToken, error: errorRecord(1, clock.now()), retryAt: null }],
    });
    expect(await wf.state()).toBe("running");
    await f.drain();
    expect(await wf.state()).toBe("failed");
  });

  test("cancelling a running workflow cancels every unfinished job, the running one included", async ({
    backend,
    clock,
  }) => {
    const f = workflowFixture(backend, clock);
    const { double, addOne, show } = f.tasks;
    const wf = await f.spool.chain(double.with(1), addOne.with(), show.with()).enqueue();
    const running = await claimOne(backend, "wf");
    expect(await wf.cancel("stop")).toBe(3);
    expect((await wf.nodes()).map((n) => n.state)).toEqual(["cancelled", "cancelled", "cancelled"]);
    const refused = await backend.jobComplete({
      jobs: [{ id: running.id, token: running.leaseToken, result: "2" }],
    });
    expect(refused.refused).toEqual([running.id]);
    expect(await wf.state()).toBe("cancelled");
    await expect(wf.result()).rejects.toMatchObject({ code: "WORKFLOW_CANCELLED" });
  });

  test("a workflow enqueue that fails midway writes nothing", async ({ backend, clock }) => {
    const existing = await enqueueOne(backend, { queue: "other" });
    const a = newJob(clock, { queue: "wf" });
    const b = newJob(clock, { queue: "wf", dependsOn: [a.id] });
    const dup = newJob(clock, { id: existing, queue: "wf", dependsOn: [b.id] });
    const wf = workflow();
    await expect(backend.workflowEnqueue({ workflow: wf, jobs: [a, b, dup] })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    expect((await allJobs(backend)).map((j) => j.id)).toEqual([existing]);
    expect(await backend.workflowGet({ id: wf.id })).toBeNull();
    // Through the client: a bad input in the last step is refused before anything is written.
    const f = workflowFixture(backend, clock);
    const { double, addOne } = f.tasks;
    await expect(
      f.spool.chain(double.with(1), addOne.with(), double.with((() => 1) as unknown as number)).enqueue(),
    ).rejects.toMatchObject({ code: "UNSERIALIZABLE" });
    expect(await allJobs(backend)).toHaveLength(1);
    expect((await backend.workflowList({})).workflows).toEqual([]);
  });

  test("workflow jobs must depend only on earlier jobs of the same batch and carry no key", async ({
    backend,
    clock,
  }) => {
    const outside = await enqueueOne(backend, { queue: "other" });
    await expect(
      backend.workflowEnqueue({ workflow: workflow(), jobs: [newJob(clock, { dependsOn: [outside] })] }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(
      backend.workflowEnqueue({ workflow: workflow(), jobs: [newJob(clock, { key: "k" })] }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(await allJobs(backend)).toHaveLength(1);
  });

  test("retention keeps the jobs of an unfinished workflow and prunes them once it is settled", async ({
    backend,
    clock,
  }) => {
    const f = workflowFixture(backend, clock);
    const { double, sum } = f.tasks;
    const wf = await f.spool
      .chord(
        [1, 2, 3].map((i) => double.with(i)),
        sum.with(),
      )
      .enqueue();
    const { jobs } = await backend.jobClaim({ queues: ["wf"], limit: 3, workerId: "w", leaseMs: 30_000 });
    await backend.jobComplete({ jobs: jobs.map((j) => ({ id: j.id, token: j.leaseToken, result: "5" })) });
    const plain = await enqueueOne(backend, { queue: "plain" });
    const leased = await claimOne(backend, "plain");
    await backend.jobComplete({ jobs: [{ id: plain, token: leased.leaseToken, result: "1" }] });
    clock.advance(60_000);
    expect(
      await backend.retentionPrune({ completedBefore: clock.now(), completedKeep: 0, limit: 100 }),
    ).toEqual({
      removed: 1,
    });
    await f.drain();
    expect(f.runs("wf.sum")).toEqual([[5, 5, 5]]);
    clock.advance(60_000);
    expect(await backend.retentionPrune({ completedBefore: clock.now(), limit: 100 })).toEqual({
      removed: 4,
    });
    expect(await allJobs(backend)).toEqual([]);
    expect(await backend.workflowGet({ id: wf.id })).toMatchObject({
      state: "completed",
      total: 4,
      counts: { completed: 4, failed: 0, cancelled: 0 },
    });
  });

  test(
    "a large group is written in one call and reports progress",
    async ({ backend, clock }) => {
      const f = workflowFixture(backend, clock);
      const n = 2_000;
      const wf = await f.spool
        .chord(
          Array.from({ length: n }, (_, i) => f.tasks.addOne.with(i)),
          f.tasks.sum.with(),
        )
        .enqueue({ name: "big" });
      expect(await wf.get()).toMatchObject({
        name: "big",
        total: n + 1,
        counts: { queued: n, waiting: 1 },
        progress: { completed: 0, total: n + 1 },
      });
      const { jobs } = await backend.jobClaim({ queues: ["wf"], limit: 500, workerId: "w", leaseMs: 30_000 });
      await backend.jobComplete({ jobs: jobs.map((j) => ({ id: j.id, token: j.leaseToken, result: "1" })) });
      expect((await wf.get()).progress).toEqual({ completed: 500, total: n + 1, percent: 24.98 });
      await f.drain();
      expect(await wf.result()).toBe(500 + (n * (n + 1)) / 2 - (500 * 501) / 2);
      // 2,000 jobs run one by one through a networked store: its own budget on a busy machine.
    },
    { timeoutMs: 240_000 },
  );

  test("a job of a task with limits carries them: its cap holds", async ({ backend, clock }) => {
    const flow: JobFlow = { key: "k", concurrency: { limit: 1, keyed: true }, rateLimit: null };
    const jobs = [newJob(clock, { flow }), newJob(clock, { flow })];
    await backend.workflowEnqueue({ workflow: workflow(), jobs });
    const got = (await allJobs(backend)).filter((j) => jobs.some((n) => n.id === j.id));
    expect(got.map((j) => [j.state, j.limitKey])).toEqual([
      ["queued", "k"],
      ["queued", "k"],
    ]);
    const queues = [jobs[0]!.queue];
    const first = await claim(backend, queues, 10);
    expect(first.jobs).toHaveLength(1);
    expect((await claim(backend, queues, 10)).jobs).toHaveLength(0);
    const done = first.jobs[0]!;
    await backend.jobComplete({ jobs: [{ id: done.id, token: done.leaseToken, result: "1" }] });
    expect((await claim(backend, queues, 10)).jobs).toHaveLength(1);
  });

  test("workflowList pages newest first", async ({ backend, clock }) => {
    const f = workflowFixture(backend, clock);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await f.spool.group([f.tasks.double.with(i)]).enqueue()).id);
    const first = await backend.workflowList({ limit: 2 });
    expect(first.workflows.map((w) => w.id)).toEqual([ids[2], ids[1]]);
    const second = await backend.workflowList({ limit: 2, cursor: first.nextCursor! });
    expect(second.workflows.map((w) => w.id)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeNull();
  });

  test("events stream node progress and overall progress until the end", async ({ backend, clock }) => {
    const f = workflowFixture(backend, clock);
    const wf = await f.spool.chain(f.tasks.double.with(1), f.tasks.addOne.with()).enqueue();
    const seen: string[] = [];
    const done = (async () => {
      for await (const e of wf.events())
        seen.push(e.node ? `${e.type} ${e.node}` : `${e.type} ${e.progress.completed}`);
    })();
    await new Promise((r) => setTimeout(r, 50));
    await f.drain();
    await done;
    expect(seen[0]).toBe("workflow:progress 0");
    expect(seen).toContain("node:completed 0");
    expect(seen).toContain("node:completed 1");
    expect(seen.at(-1)).toBe("workflow:completed 2");
  });
});
