/**
 * A freed cap wakes the workers waiting on it (issue 15): across worker processes sharing one
 * store (SQLite file, Redis), each polling only every 10 minutes, the next job of a key capped
 * at 1 starts in another process once the running one ends. The fact awaited is "the job ran"
 * (within minutes on a busy machine); without the wake-up it would wait for the 10-minute poll.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { processStoreKinds, processStores } from "../support/process-store.js";
import { waitFor } from "../support/wait-for.js";

const WORKER = join(import.meta.dirname, "fixtures/flow-wake-worker.ts");

const kinds = processStoreKinds("cap-freed wake-up across processes");

describe.each(kinds)("a freed cap wakes waiting workers across processes on %s", (kind) => {
  const stores = processStores(kind);

  test("the next job of the key starts in another process when the running one ends, not at its poll", async () => {
    const { url, dir, spool } = await stores.open("wake");
    type In = { k: string; hold?: boolean };
    const capped = spool.task({
      name: "wake.capped",
      queue: "wa",
      concurrency: { limit: 1, key: (input: In) => input.k },
      run: () => undefined,
    });
    const spawn = (queue: string, i: number) =>
      stores.spawn({
        script: WORKER,
        args: [url, queue, dir],
        dir,
        log: `worker-${i}.log`,
        label: `${kind} ${queue}`,
      });
    // Worker A serves queue wa and runs the first job of key x until told to finish.
    await spawn("wa", 0);
    const first = await capped.enqueue({ k: "x", hold: true });
    await waitFor(async () => (await first.get()).state === "running", {
      timeout: 60_000,
      message: "first job running",
    });
    // Worker B serves only queue wb: the second job of key x waits on the cap held in wa.
    const second = await capped.enqueue({ k: "x" }, { queue: "wb" });
    const b = await spawn("wb", 1);
    await waitFor(() => b.stdout().includes("limited"), { timeout: 60_000, message: "B's claim held back" });
    expect((await second.get()).state).toBe("queued");
    writeFileSync(join(dir, "release"), "");
    await waitFor(async () => (await second.get()).state === "completed", {
      timeout: 120_000,
      interval: 50,
      message: "second job completed (B polls only every 10 minutes)",
    });
    const [one, two] = [await first.get(), await second.get()];
    expect(one.state).toBe("completed");
    // The cap held: the second started only after the first had finished.
    expect(two.startedAt!).toBeGreaterThanOrEqual(one.finishedAt!);
  }, 300_000);
});
