import { expect } from "vitest";
import { defineTopic } from "./define.js";
import { claimOne, enqueueOne, getJob } from "./helpers.js";

export const lifecycleTopic = defineTopic("lifecycle", (test) => {
  test("migrating again is harmless and keeps every job", async ({ backend }) => {
    const id = await enqueueOne(backend);
    await backend.migrate();
    await Promise.all([backend.migrate(), backend.migrate()]);
    expect((await getJob(backend, id)).state).toBe("queued");
    expect((await claimOne(backend)).id).toBe(id);
  });

  test("close can be called more than once", async ({ backend }) => {
    await backend.close();
    await expect(backend.close()).resolves.toBeUndefined();
  });

  test("the backend names its kind and declares its capabilities", async ({ backend }) => {
    expect(typeof backend.kind).toBe("string");
    expect(backend.kind.length).toBeGreaterThan(0);
    expect(typeof backend.capabilities.crossProcess).toBe("boolean");
    expect(["none", "watch", "push"]).toContain(backend.capabilities.notify);
  });
});
