/**
 * The view of a standalone parent's spawned children: `spool.jobs.children(id)` and
 * `spool jobs show <parent>` (text and --json) list every child, every round, with its state;
 * a job's explicit dependencies are not children; a job that never spawned has none.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createSpool, type Spool } from "../../src/client/spool.js";
import type { Worker } from "../../src/worker/worker.js";
import { waitFor } from "../support/wait-for.js";
import { cli, tempBackend } from "./helpers.js";

let backend: ReturnType<typeof tempBackend>;
let spool: Spool;
let worker: Worker | null = null;

afterEach(async () => {
  await worker?.stop({ grace: "1s" });
  worker = null;
  await spool.close();
  backend.cleanup();
});

describe("a spawned parent's children", () => {
  it("jobs.children and jobs show list every child with its state, counts by state", async () => {
    backend = tempBackend();
    spool = createSpool({ backend: backend.url, logger: { level: "silent" } });
    const quick = spool.task({ name: "kids.quick", queue: "fast", run: (n: number) => n * 2 });
    const broken = spool.task({
      name: "kids.broken",
      queue: "fast",
      retry: 1,
      run: (n: number): number => {
        throw new Error(`cannot do ${n}`);
      },
    });
    // No worker serves "held": these children stay queued, so the parent stays waiting.
    const held = spool.task({ name: "kids.held", queue: "held", run: (n: number) => n });
    const prior = spool.task({ name: "kids.prior", queue: "fast", run: () => "before" });
    const parent = spool.task({
      name: "kids.parent",
      run: (_: null, ctx) =>
        ctx.spawn([quick.with(1), broken.with(2), quick.with(3), ...[4, 5, 6].map((n) => held.with(n))], {
          onFailure: "continue",
        }),
    });
    const before = await prior.enqueue(null);
    // An explicit dependency of the parent is in its dependsOn but is not one of its children.
    const job = await parent.enqueue(null, { dependsOn: [before.id] });
    const lonely = await quick.enqueue(9);
    worker = spool.worker({ concurrency: 2, pollInterval: "50ms", queues: ["default", "fast"] });
    await worker.start();
    await waitFor(
      async () => {
        const c = await spool.jobs.children(job.id);
        return c !== null && c.counts.completed === 2 && c.counts.failed === 1;
      },
      { timeout: 60_000, message: "quick children completed, the broken one failed" },
    );
    expect(await job.state()).toBe("waiting");

    const c = (await spool.jobs.children(job.id))!;
    expect(c.round).toBe(1);
    expect(c.total).toBe(6);
    expect(c.counts).toEqual({ completed: 2, failed: 1, queued: 3 });
    expect(c.jobs.map((j) => [j.task, j.state, j.input])).toEqual([
      ["kids.quick", "completed", 1],
      ["kids.broken", "failed", 2],
      ["kids.quick", "completed", 3],
      ["kids.held", "queued", 4],
      ["kids.held", "queued", 5],
      ["kids.held", "queued", 6],
    ]);
    expect(c.jobs[0]!.result).toBe(2);
    expect((await spool.jobs.get(job.id))!.dependsOn).toHaveLength(7);
    expect(await spool.jobs.children(lonely.id)).toEqual({ round: 0, total: 0, counts: {}, jobs: [] });
    expect(await spool.jobs.children("no-such-job")).toBeNull();

    const text = await cli(["--backend", backend.url, "jobs", "show", job.id]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("children (6, spawn round 1): 3 queued, 2 completed, 1 failed");
    const section = text.stdout.slice(text.stdout.indexOf("children ("));
    const rows = section.split("\n").filter((l) => l.includes(" kids."));
    expect(section.split("\n")[1]).toMatch(/^ {2}ID\s+TASK\s+STATE\s+ATTEMPT\s+ERROR$/);
    expect(rows).toHaveLength(6);
    expect(rows[0]).toMatch(new RegExp(`^  ${c.jobs[0]!.id}\\s+kids\\.quick\\s+completed\\s+1/3`));
    expect(rows[1]).toMatch(/kids\.broken\s+failed\s+1\/1\s+cannot do 2$/);
    expect(rows[3]).toMatch(/kids\.held\s+queued\s+0\/3/);

    const json = JSON.parse((await cli(["--backend", backend.url, "jobs", "show", job.id, "--json"])).stdout);
    expect(json.children).toMatchObject({
      round: 1,
      total: 6,
      counts: { completed: 2, failed: 1, queued: 3 },
    });
    expect(json.children.jobs).toHaveLength(6);
    expect(json.children.jobs[1]).toMatchObject({
      task: "kids.broken",
      state: "failed",
      error: "cannot do 2",
    });
    // A job that never spawned shows no children section.
    const plain = await cli(["--backend", backend.url, "jobs", "show", lonely.id]);
    expect(plain.stdout).not.toContain("children (");
    expect(
      JSON.parse((await cli(["--backend", backend.url, "jobs", "show", lonely.id, "--json"])).stdout),
    ).not.toHaveProperty("children");
  }, 120_000);
});
