/**
 * The strategy at the cap seen from real workers (issue 15): `cancel-in-progress` aborts the
 * running handler through `ctx.signal` and its late outcome is refused; `drop-newest` gives a
 * handle that says `dropped` and writes nothing.
 */
import { afterEach, describe, expect, test } from "vitest";
import { NotFoundError } from "../../src/core/errors/index.js";
import { waitFor } from "../support/wait-for.js";
import { BACKEND_KINDS, createHarness, type Harness } from "./harness.js";

describe.each(BACKEND_KINDS)("strategy at the cap with workers on %s", (kind) => {
  const open: Harness[] = [];
  afterEach(async () => {
    for (const h of open.splice(0).reverse()) await h.close();
  });

  test("cancel-in-progress aborts the running handler and refuses its late completion", async () => {
    const h = await createHarness(kind);
    open.push(h);
    const started: string[] = [];
    const aborted: string[] = [];
    const deploy = h.spool.task({
      name: "deploy",
      queue: "deploys",
      concurrency: {
        limit: 1,
        key: (input: { repo: string; n: number }) => input.repo,
        strategy: "cancel-in-progress",
      },
      run: async (input: { repo: string; n: number }, ctx) => {
        started.push(`${input.repo}${input.n}`);
        if (input.n === 1) {
          // Wait for the cancel; then finish anyway, as a handler that ignores it too late would.
          await new Promise<void>((resolve) =>
            ctx.signal.addEventListener("abort", () => resolve(), { once: true }),
          );
          aborted.push(`${input.repo}${input.n}`);
        }
        return `done ${input.repo}${input.n}`;
      },
    });
    await h.worker({ concurrency: 4, queues: ["deploys"] }).start();
    const first = await deploy.enqueue({ repo: "a", n: 1 });
    const otherRepo = await deploy.enqueue({ repo: "b", n: 1 });
    await waitFor(() => started.includes("a1") && started.includes("b1"), {
      timeout: 30_000,
      message: "both first jobs started",
    });
    const second = await deploy.enqueue({ repo: "a", n: 2 });
    expect(second.created).toBe(true);
    expect(await second.result({ timeout: "30s" })).toBe("done a2");
    await waitFor(() => aborted.includes("a1"), { timeout: 30_000, message: "a1's handler saw the abort" });
    // The cancelled job stays cancelled: its handler's return was refused.
    const info = await first.get();
    expect(info.state).toBe("cancelled");
    expect(info.result).toBeUndefined();
    // The other repo's job was not touched.
    expect(await otherRepo.state()).toBe("running");
    expect(aborted).toEqual(["a1"]);
    await otherRepo.cancel();
  });

  test("drop-newest: a full group gives a dropped handle and writes nothing", async () => {
    const h = await createHarness(kind);
    open.push(h);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const sync = h.spool.task({
      name: "sync",
      queue: "syncs",
      concurrency: { limit: 1, key: (input: { user: string }) => input.user, strategy: "drop-newest" },
      run: () => gate,
    });
    const first = await sync.enqueue({ user: "u1" });
    const dropped = await sync.enqueue({ user: "u1" });
    expect(first).toMatchObject({ created: true, dropped: false });
    expect(dropped).toMatchObject({ created: false, dropped: true, deduplicated: false });
    await expect(dropped.get()).rejects.toBeInstanceOf(NotFoundError);
    const many = await sync.enqueueMany([
      { input: { user: "u1" } },
      { input: { user: "u2" } },
      { input: { user: "u2" } },
    ]);
    expect(many.map((j) => j.dropped)).toEqual([true, false, true]);
    await h.worker({ concurrency: 4, queues: ["syncs"] }).start();
    release();
    await first.result({ timeout: "30s" });
    await many[1]!.result({ timeout: "30s" });
    const listed = (await h.spool.jobs.list({ task: "sync", limit: 100 })).jobs;
    expect(listed.map((j) => j.id).sort()).toEqual([first.id, many[1]!.id].sort());
  });
});
