/**
 * Keys spool writes into `meta` and reads back are not the user's (issue 12, bug 6): a plain
 * job enqueued with `meta: { workflow: … }` used to be treated as a workflow node and failed in
 * the worker with a TypeError. Now user metadata using a reserved key is refused at enqueue
 * (and at schedule definition) with InvalidArgumentError, and nothing is written.
 */
import { afterEach, describe, expect, test } from "vitest";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { RESERVED_META_KEYS } from "../../src/core/meta.js";

let spool: Spool;
afterEach(async () => {
  await spool.close();
});

function make() {
  spool = createSpool({ backend: "memory://", logger: { level: "silent" } });
  return spool.task({ name: "plain", run: (input: { n: number }) => input.n * 2 });
}

async function stored(): Promise<number> {
  const backend = await spool.backend();
  return (await backend.jobList({ limit: 100 })).jobs.length;
}

describe("reserved meta keys", () => {
  test("a plain job with meta.workflow is refused at enqueue, nothing written", async () => {
    const plain = make();
    const error = await plain
      .enqueue({ n: 1 }, { meta: { workflow: { id: "x", node: "a" } } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "INVALID_ARGUMENT" });
    expect((error as Error).message).toMatch(/meta key "workflow" is reserved/);
    expect(await stored()).toBe(0);
  });

  test.each(Object.keys(RESERVED_META_KEYS))(
    "meta.%s is refused, in a batch too (nothing written)",
    async (key) => {
      const plain = make();
      await expect(
        plain.enqueueMany([{ input: { n: 1 } }, { input: { n: 2 }, options: { meta: { [key]: 1 } } }]),
      ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
      expect(await stored()).toBe(0);
    },
  );

  test("a schedule whose job template uses a reserved key is refused when defined", async () => {
    const plain = make();
    const handle = spool.schedule("s", { every: "1h" }, plain.with({ n: 1 }, { meta: { fireAt: 1 } }));
    await expect(handle.ready).rejects.toThrow(/meta key "fireAt" is reserved/);
    expect(await (await spool.backend()).scheduleList()).toEqual([]);
  });

  test("other keys, and a caller's own traceparent, are kept as given", async () => {
    const plain = make();
    const job = await plain.enqueue({ n: 1 }, { meta: { tenant: "a", traceparent: "00-zz-yy-01" } });
    const backend = await spool.backend();
    expect((await backend.jobGet({ id: job.id }))?.meta).toEqual({ tenant: "a", traceparent: "00-zz-yy-01" });
  });
});
