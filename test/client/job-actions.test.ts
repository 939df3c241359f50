/**
 * The facade's job actions: retry, cancel and remove by filter in batches (counts across batches, dry
 * runs, running jobs skipped, bad options refused), and input updates checked by the task's
 * schema. On SQLite, a real file.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { z } from "zod";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { InvalidArgumentError, PayloadTooLargeError, ValidationError } from "../../src/core/errors/index.js";

let dir: string;
let spool: Spool;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "spool-actions-"));
  spool = createSpool({
    backend: `sqlite://${join(dir, "spool.db")}`,
    logger: { level: "silent" },
    payloadLimit: 1024,
  });
  spool.task({ name: "typed", schema: z.object({ n: z.number() }), run: (i: { n: number }) => i.n });
  spool.task({ name: "loose", run: (i: unknown) => i });
});
afterEach(async () => {
  await spool.close();
  rmSync(dir, { recursive: true, force: true });
});

const states = async (ids: string[]) =>
  (await Promise.all(ids.map((id) => spool.jobs.get(id)))).map((j) => j?.state);

describe("bulk actions by filter", () => {
  test("retryMatching works through several batches and counts what it did", async () => {
    const handles = await spool.enqueueMany(
      Array.from({ length: 10 }, (_, n) => ({ task: "loose", input: { n } })),
    );
    const ids = handles.map((h) => h.id);
    await spool.jobs.cancel(ids);
    const other = (await spool.enqueue("typed", { n: 1 }, { delay: "1h" })).id;
    await spool.jobs.cancel([other]);
    const dry = await spool.jobs.retryMatching({ task: "loose" }, { batchSize: 3, dryRun: true });
    expect(dry).toEqual({ matched: 10, affected: 0, skipped: 0 });
    expect(new Set(await states(ids))).toEqual(new Set(["cancelled"]));
    const out = await spool.jobs.retryMatching({ task: "loose" }, { batchSize: 3 });
    expect(out).toEqual({ matched: 10, affected: 10, skipped: 0 });
    expect(new Set(await states(ids))).toEqual(new Set(["queued"]));
    expect((await spool.jobs.get(other))?.state).toBe("cancelled");
    // Nothing failed or cancelled is left: a second call matches nothing.
    expect(await spool.jobs.retryMatching({ task: "loose" })).toEqual({
      matched: 0,
      affected: 0,
      skipped: 0,
    });
  });

  test("cancelMatching cancels unfinished matches in batches, their dependents too, and needs a filter", async () => {
    const handles = await spool.enqueueMany(
      Array.from({ length: 5 }, (_, n) => ({
        task: "loose",
        input: { n },
        options: { delay: n ? "1h" : 0 },
      })),
    );
    const ids = handles.map((h) => h.id);
    const backend = await spool.backend();
    // The only queued job is claimed: a running match is cancelled too (its signal aborts).
    const claim = await backend.jobClaim({ queues: ["default"], limit: 1, workerId: "w", leaseMs: 60_000 });
    expect(claim.jobs.map((j) => j.id)).toEqual([ids[0]]);
    const finished = (await spool.enqueue("loose", { n: 9 }, { delay: "1h" })).id;
    await spool.jobs.cancel([finished]);
    const dependent = (await spool.enqueue("typed", { n: 1 }, { dependsOn: [ids[3]!] })).id;
    const unrelated = (await spool.enqueue("typed", { n: 2 }, { delay: "1h" })).id;

    const dry = await spool.jobs.cancelMatching({ task: "loose" }, { batchSize: 2, dryRun: true });
    expect(dry).toEqual({ matched: 5, affected: 0, skipped: 0, cascaded: 0 });
    expect(await states([dependent, unrelated])).toEqual(["waiting", "scheduled"]);

    const out = await spool.jobs.cancelMatching({ task: "loose" }, { batchSize: 2, reason: "bulk" });
    expect(out).toEqual({ matched: 5, affected: 5, skipped: 0, cascaded: 1 });
    expect(new Set(await states(ids))).toEqual(new Set(["cancelled"]));
    expect(await states([dependent, unrelated])).toEqual(["cancelled", "scheduled"]);
    // Nothing unfinished is left: a second call matches nothing.
    expect(await spool.jobs.cancelMatching({ task: "loose" })).toEqual({
      matched: 0,
      affected: 0,
      skipped: 0,
      cascaded: 0,
    });
    // Named states are taken as given: finished matches are counted as skipped, not touched.
    expect(await spool.jobs.cancelMatching({ task: "loose", state: "cancelled" }, { batchSize: 4 })).toEqual({
      matched: 6,
      affected: 0,
      skipped: 6,
      cascaded: 0,
    });
    await expect(spool.jobs.cancelMatching({})).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(spool.jobs.cancelMatching({ task: "loose" }, { batchSize: 0 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    expect((await spool.jobs.get(unrelated))?.state).toBe("scheduled");
  });

  test("removeMatching skips running jobs, needs a filter, and refuses a bad batch size", async () => {
    const queued = (await spool.enqueue("loose", { n: 1 })).id;
    const running = (await spool.enqueue("loose", { n: 2 })).id;
    const backend = await spool.backend();
    // Claim only the second (the claim takes the oldest first: claim both, release the first).
    const claimed = await backend.jobClaim({ queues: ["default"], limit: 2, workerId: "w", leaseMs: 60_000 });
    const first = claimed.jobs.find((j) => j.id === queued)!;
    await backend.jobRelease({ leases: [{ id: first.id, token: first.leaseToken }] });
    const out = await spool.jobs.removeMatching({ task: "loose" }, { batchSize: 1 });
    expect(out).toEqual({ matched: 2, affected: 1, skipped: 1 });
    expect(await spool.jobs.get(queued)).toBeNull();
    expect((await spool.jobs.get(running))?.state).toBe("running");
    await expect(spool.jobs.removeMatching({})).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(spool.jobs.retryMatching({ task: "loose" }, { batchSize: 0 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(spool.jobs.retryMatching({ task: "loose" }, { batchSize: 1001 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});

describe("updateInput and setPriority", () => {
  test("a new input is checked by the task's schema and the payload limit; a bad one writes nothing", async () => {
    const id = (await spool.enqueue("typed", { n: 1 }, { delay: "1h" })).id;
    await expect(spool.jobs.updateInput(id, { n: "one" })).rejects.toBeInstanceOf(ValidationError);
    const loose = (await spool.enqueue("loose", { n: 1 }, { delay: "1h" })).id;
    await expect(spool.jobs.updateInput(loose, { pad: "x".repeat(2000) })).rejects.toBeInstanceOf(
      PayloadTooLargeError,
    );
    expect((await spool.jobs.get(id))?.input).toEqual({ n: 1 });
    expect((await spool.jobs.get(loose))?.input).toEqual({ n: 1 });
    expect(await spool.jobs.updateInput(id, { n: 2 })).toEqual({ ok: [id], refused: [] });
    expect((await spool.jobs.get(id))?.input).toEqual({ n: 2 });
    expect(await spool.jobs.updateInput("01970000-0000-7000-8000-0000000000aa", { n: 3 })).toEqual({
      ok: [],
      refused: ["01970000-0000-7000-8000-0000000000aa"],
    });
  });

  test("setPriority refuses a bad priority before writing, and promote runs a delayed job now", async () => {
    const id = (await spool.enqueue("loose", { n: 1 }, { delay: "1h", priority: 3 })).id;
    await expect(spool.jobs.setPriority([id], 0.5)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await spool.jobs.setPriority([id], -4)).toEqual({ ok: [id], refused: [] });
    expect(await spool.jobs.promote([id])).toEqual({ ok: [id], refused: [] });
    expect(await spool.jobs.get(id)).toMatchObject({ priority: -4, state: "queued" });
  });
});
