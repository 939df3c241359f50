/** `spool jobs promote | priority | set-input`, and `jobs retry | cancel | rm` by filter. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { APP, cli, tempBackend } from "./helpers.js";

let backend: ReturnType<typeof tempBackend>;
let base: string[];

beforeEach(() => {
  backend = tempBackend();
  base = ["--backend", backend.url, "--app", APP];
});
afterEach(() => backend.cleanup());

async function enqueue(task: string, json: string, ...extra: string[]): Promise<string> {
  const r = await cli([...base, "enqueue", task, json, ...extra]);
  expect(r.stderr).toBe("");
  return r.stdout.trim();
}

async function show(id: string) {
  const r = await cli(["--backend", backend.url, "jobs", "show", id, "--json"]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

const run = (...args: string[]) => cli(["--backend", backend.url, ...args]);

describe("spool jobs actions", () => {
  it("promote, priority and set-input act on a job that has not started and refuse one that is final", async () => {
    const id = await enqueue("math.add", '{"a":1,"b":2}', "--delay", "1h");
    expect(await run("jobs", "priority", "9", id)).toMatchObject({ code: 0, stdout: `updated ${id}\n` });
    const input = await cli([...base, "jobs", "set-input", id, '{"a":5,"b":6}']);
    expect(input).toMatchObject({ code: 0, stdout: `updated ${id}\n` });
    expect(await show(id)).toMatchObject({ state: "scheduled", priority: 9, input: { a: 5, b: 6 } });
    expect(await run("jobs", "promote", id)).toMatchObject({ code: 0, stdout: `promoted ${id}\n` });
    expect(await show(id)).toMatchObject({ state: "queued" });

    const again = await run("jobs", "promote", id);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`error [INVALID_STATE]: cannot promote job ${id}: it is queued`);
    await run("jobs", "cancel", id);
    const late = await run("--json", "jobs", "priority", "1", id);
    expect(late.code).toBe(1);
    expect(JSON.parse(late.stdout).skipped).toEqual([expect.objectContaining({ id, code: "INVALID_STATE" })]);
    expect((await run("jobs", "priority", "high", id)).code).toBe(2);
    expect((await run("jobs", "set-input", id, "{nope")).code).toBe(2);
  });

  it("retry and rm act on every job matching filter options, with a dry run first", async () => {
    const a = await enqueue("echo", '{"n":1}', "--delay", "1h");
    const b = await enqueue("echo", '{"n":2}', "--delay", "1h");
    const keep = await enqueue("echo", '{"n":3}', "--delay", "1h");
    const other = await enqueue("math.add", '{"a":1,"b":1}', "--delay", "1h");
    await run("jobs", "cancel", a, b, other);

    const dry = await run("jobs", "retry", "--task", "echo", "--dry-run");
    expect(dry).toMatchObject({ code: 0, stdout: "2 jobs match (dry run: nothing changed)\n" });
    expect((await show(a)).state).toBe("cancelled");
    const retried = await run("--json", "jobs", "retry", "--task", "echo");
    expect(JSON.parse(retried.stdout)).toEqual({ matched: 2, affected: 2, skipped: 0, dryRun: false });
    expect((await show(a)).state).toBe("queued");
    expect((await show(other)).state).toBe("cancelled");

    const none = await run("jobs", "rm");
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("give job ids, or filter options");
    expect((await run("jobs", "rm", a, "--task", "echo")).code).toBe(2);
    const old = await run("jobs", "rm", "--task", "echo", "--older-than", "1h");
    expect(old).toMatchObject({ code: 0, stdout: "deleted 0 jobs of 0 matching\n" });
    const removed = await run("jobs", "rm", "--task", "echo", "--state", "queued");
    expect(removed).toMatchObject({ code: 0, stdout: "deleted 2 jobs of 2 matching\n" });
    expect((await run("jobs", "show", a)).code).toBe(1);
    expect((await show(keep)).state).toBe("scheduled");
  });

  it("cancel acts on every unfinished job matching filter options, with a dry run first", async () => {
    const a = await enqueue("echo", '{"n":1}', "--delay", "1h");
    const b = await enqueue("echo", '{"n":2}');
    const other = await enqueue("math.add", '{"a":1,"b":1}', "--delay", "1h");

    const dry = await run("jobs", "cancel", "--task", "echo", "--dry-run");
    expect(dry).toMatchObject({ code: 0, stdout: "2 jobs match (dry run: nothing changed)\n" });
    expect((await show(a)).state).toBe("scheduled");
    const cancelled = await run("--json", "jobs", "cancel", "--task", "echo", "--reason", "supplier down");
    expect(JSON.parse(cancelled.stdout)).toEqual({
      matched: 2,
      affected: 2,
      skipped: 0,
      cascaded: 0,
      dryRun: false,
    });
    expect([(await show(a)).state, (await show(b)).state]).toEqual(["cancelled", "cancelled"]);
    expect((await show(other)).state).toBe("scheduled");
    expect(await run("jobs", "cancel", "--task", "echo")).toMatchObject({
      code: 0,
      stdout: "cancelled 0 jobs of 0 matching\n",
    });
    expect((await run("jobs", "cancel")).code).toBe(2);
    expect(await run("jobs", "cancel", other, "--reason", "by id")).toMatchObject({ code: 0 });
    expect((await show(other)).state).toBe("cancelled");
  });
});
