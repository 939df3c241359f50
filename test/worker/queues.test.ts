/**
 * Which queue a worker drains first (issue 12, bug 8): listed queues in the order given
 * (first listed, first drained); omitted `queues` with equal preference, not alphabetically.
 */
import { afterEach, describe, expect, test } from "vitest";
import { waitFor } from "../support/wait-for.js";
import { BACKEND_KINDS, createHarness, type Harness } from "./harness.js";

describe.each(BACKEND_KINDS)("worker queue order on %s", (kind) => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  async function setup() {
    h = await createHarness(kind);
    const order: string[] = [];
    const inA = h.spool.task({ name: "in-a", queue: "a", run: () => void order.push("a") });
    const inB = h.spool.task({ name: "in-b", queue: "b", run: () => void order.push("b") });
    // b's jobs are older: with equal preference, they must not wait for all of a's.
    await inB.enqueueMany(Array.from({ length: 20 }, () => ({ input: undefined })));
    await inA.enqueueMany(Array.from({ length: 20 }, () => ({ input: undefined })));
    return order;
  }

  test("without `queues`, no queue drains first by its name", async () => {
    const order = await setup();
    await h.worker({ concurrency: 1, prefetch: 0 }).start();
    await waitFor(() => order.length === 40, { timeout: 30_000, message: "all 40 jobs ran" });
    const firstTen = order.slice(0, 10);
    expect(firstTen.filter((q) => q === "a").length).toBeGreaterThanOrEqual(3);
    expect(firstTen.filter((q) => q === "b").length).toBeGreaterThanOrEqual(3);
  });

  test("listed queues are drained in the order given", async () => {
    const order = await setup();
    await h.worker({ concurrency: 1, prefetch: 0, queues: ["a", "b"] }).start();
    await waitFor(() => order.length === 40, { timeout: 30_000, message: "all 40 jobs ran" });
    expect(order).toEqual([...Array(20).fill("a"), ...Array(20).fill("b")]);
  });
});
