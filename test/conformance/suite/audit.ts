/** The audit log and session revocations: order, pagination, idempotent appends, pruning, expiry, sharing. */
import { expect } from "vitest";
import type { AuditEntry, Backend } from "../../../src/backend/backend.js";
import { uuidv7 } from "../../../src/core/ids.js";
import { defineTopic } from "./define.js";

function entry(at: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: uuidv7(at),
    at,
    actor: "alice",
    role: "admin",
    via: "session",
    action: "job.retry",
    target: "job-1",
    outcome: "ok",
    address: "127.0.0.1",
    details: { method: "POST", path: "/api/jobs/job-1/retry" },
    ...overrides,
  };
}

async function all(backend: Backend, limit: number): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await backend.auditList(cursor === undefined ? { limit } : { limit, cursor });
    out.push(...page.entries);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
  throw new Error("auditList never ended");
}

export const auditTopic = defineTopic("audit", (test) => {
  test("appended entries read back whole, newest first", async ({ backend, clock }) => {
    const a = entry(clock.now());
    const b = entry(clock.now() + 1, { actor: "bob", target: null, address: null, details: {} });
    const c = entry(clock.now() + 2, {
      action: "queue.pause",
      target: "pdf",
      outcome: "FORBIDDEN",
      role: "read",
    });
    await backend.auditAppend({ entries: [a, b] });
    await backend.auditAppend({ entries: [c] });
    expect((await backend.auditList({})).entries).toEqual([c, b, a]);
  });

  test("pages follow the cursor without gaps or repeats", async ({ backend, clock }) => {
    const entries = Array.from({ length: 23 }, (_, i) => entry(clock.now() + i, { target: `job-${i}` }));
    await backend.auditAppend({ entries });
    const first = await backend.auditList({ limit: 10 });
    expect(first.entries).toHaveLength(10);
    expect(first.nextCursor).not.toBeNull();
    const read = await all(backend, 10);
    expect(read.map((e) => e.target)).toEqual(entries.map((e) => e.target).reverse());
    const exact = await backend.auditList({ limit: 23 });
    expect(exact.entries).toHaveLength(23);
    expect(exact.nextCursor).toBeNull();
  });

  test("an empty log lists nothing", async ({ backend }) => {
    expect(await backend.auditList({})).toEqual({ entries: [], nextCursor: null });
  });

  test("appending an id that is already stored changes nothing", async ({ backend, clock }) => {
    const a = entry(clock.now());
    await backend.auditAppend({ entries: [a] });
    await backend.auditAppend({ entries: [{ ...a, outcome: "changed" }] });
    expect((await backend.auditList({})).entries).toEqual([a]);
  });

  test("a bad entry or limit is refused and writes nothing", async ({ backend, clock }) => {
    const good = entry(clock.now());
    for (const bad of [
      { ...entry(clock.now() + 1), actor: "" },
      { ...entry(clock.now() + 1), action: 7 as unknown as string },
      { ...entry(clock.now() + 1), at: Number.NaN },
      { ...entry(clock.now() + 1), details: null as unknown as Record<string, unknown> },
    ]) {
      await expect(backend.auditAppend({ entries: [good, bad] })).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
      });
    }
    await expect(backend.auditAppend({ entries: [good, good] })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    expect((await backend.auditList({})).entries).toEqual([]);
    await expect(backend.auditList({ limit: 0 })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(backend.auditList({ limit: 1001 })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  test("prune removes the oldest entries before a time, at most limit per call", async ({
    backend,
    clock,
  }) => {
    const t0 = clock.now();
    const entries = Array.from({ length: 6 }, (_, i) => entry(t0 + i * 1000, { target: `t${i}` }));
    await backend.auditAppend({ entries });
    expect(await backend.auditPrune({ before: t0 + 3500, limit: 2 })).toEqual({ removed: 2 });
    expect((await all(backend, 50)).map((e) => e.target)).toEqual(["t5", "t4", "t3", "t2"]);
    expect(await backend.auditPrune({ before: t0 + 3500, limit: 100 })).toEqual({ removed: 2 });
    expect(await backend.auditPrune({ before: t0 + 3500, limit: 100 })).toEqual({ removed: 0 });
    expect((await all(backend, 50)).map((e) => e.target)).toEqual(["t5", "t4"]);
  });

  test("a revoked session stays revoked until its expiry, then is forgotten", async ({ backend, clock }) => {
    expect(await backend.sessionRevoked({ id: "s-1" })).toBe(false);
    await backend.sessionRevoke({ id: "s-1", expiresAt: clock.now() + 60_000 });
    await backend.sessionRevoke({ id: "s-1", expiresAt: clock.now() + 60_000 });
    expect(await backend.sessionRevoked({ id: "s-1" })).toBe(true);
    expect(await backend.sessionRevoked({ id: "s-2" })).toBe(false);
    clock.advance(59_000);
    expect(await backend.sessionRevoked({ id: "s-1" })).toBe(true);
    clock.advance(1_000);
    expect(await backend.sessionRevoked({ id: "s-1" })).toBe(false);
  });

  test("revoking a session that already expired records nothing", async ({ backend, clock }) => {
    await backend.sessionRevoke({ id: "old", expiresAt: clock.now() - 1 });
    expect(await backend.sessionRevoked({ id: "old" })).toBe(false);
    await expect(backend.sessionRevoke({ id: "", expiresAt: clock.now() + 1000 })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
  });

  test(
    "another handle on the store sees the log and the revocations",
    async ({ backend, clock, peer }) => {
      const other = await peer();
      try {
        const a = entry(clock.now());
        await backend.auditAppend({ entries: [a] });
        await backend.sessionRevoke({ id: "shared", expiresAt: clock.now() + 10_000 });
        expect((await other.auditList({})).entries).toEqual([a]);
        expect(await other.sessionRevoked({ id: "shared" })).toBe(true);
      } finally {
        await other.close();
      }
    },
    { peer: true },
  );
});
