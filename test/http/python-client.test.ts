/**
 * The Python example (examples/python-client/example.py) with the stdlib-only client package
 * (clients/python, on PYTHONPATH as its README shows) against a real server on loopback, on
 * the embedded default backend (a SQLite file in a temp directory). The package's own suite
 * is test/python/client.test.ts.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Worker } from "../../src/index.js";
import { ADMIN, READ, startTestServer, type TestServer } from "./helpers.js";

const run = promisify(execFile);
const dir = join(import.meta.dirname, "../../examples/python-client");
const clientPackage = join(import.meta.dirname, "../../clients/python");

let t: TestServer;
let worker: Worker;
let tmp: string;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "spool-py-"));
  t = await startTestServer({}, `sqlite://${join(tmp, "spool.db")}`);
  worker = t.spool.worker({ queues: ["default", "echo"] });
  await worker.start();
});
afterAll(async () => {
  await worker.stop();
  await t.close();
  rmSync(tmp, { recursive: true, force: true });
});

const python = (args: string[], env: Record<string, string>) =>
  run("python3", args, {
    cwd: dir,
    env: { ...process.env, PYTHONPATH: clientPackage, ...env },
    timeout: 60_000,
  });

describe("Python client", () => {
  it("example.py enqueues a job, long-polls its result and prints it", async () => {
    const { stdout, stderr } = await python(["example.py"], { SPOOL_API: t.url, SPOOL_TOKEN: ADMIN });
    expect(stdout.trim()).toBe("42");
    const id = /enqueued job (\S+)/.exec(stderr)![1]!;
    const job = await t.api(`/api/jobs/${id}`);
    expect(job.body).toMatchObject({ state: "completed", result: 42, meta: { source: "python-example" } });
    expect((await t.spool.backend()).kind).toBe("sqlite");
  });

  it("example.py passes task and input, and reports typed errors and failed jobs", async () => {
    const echo = await python(["example.py", "echo", '{"hello": ["wörld", 1.5, null]}'], {
      SPOOL_API: t.url,
      SPOOL_TOKEN: ADMIN,
    });
    expect(JSON.parse(echo.stdout)).toEqual({ hello: ["wörld", 1.5, null] });
    const unknown = await python(["example.py", "nope"], { SPOOL_API: t.url, SPOOL_TOKEN: ADMIN }).catch(
      (e) => e,
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("error 422 [UNKNOWN_TASK]");
    const readOnly = await python(["example.py"], { SPOOL_API: t.url, SPOOL_TOKEN: READ }).catch((e) => e);
    expect(readOnly.stderr).toContain("error 403 [FORBIDDEN]");
    const failed = await python(["example.py", "boom", "null"], {
      SPOOL_API: t.url,
      SPOOL_TOKEN: ADMIN,
    }).catch((e) => e);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/job \S+ failed: boom!/);
  });

  it("the client covers the rest of the API", async () => {
    const script = `
import json, sys
from spool_client import SpoolClient, SpoolError
c = SpoolClient(sys.argv[1], token=sys.argv[2])
out = {}
jobs = c.enqueue_many([("add", {"a": 1, "b": 1}), ("echo", "x", {"queue": "later", "delay": "1h"})])
out["bulk"] = len(jobs)
out["first"] = c.result(jobs[0]["id"], timeout=30)
later = jobs[1]["id"]
out["state"] = c.get(later)["state"]
out["listed"] = [j["id"] for j in c.list(queue="later", state=["scheduled", "queued"])["jobs"]] == [later]
out["cancel"] = c.cancel(later, reason="py")["state"]
out["retry"] = c.retry(later)["state"]
out["paused"] = c.pause("later")["paused"]
out["resumed"] = c.resume("later")["paused"]
out["queues"] = sorted(q["name"] for q in c.queues())
out["delete"] = c.delete(later)["state"]
try:
    c.get(later)
except SpoolError as e:
    out["missing"] = [e.status, e.code]
out["workers"] = len(c.workers())
print(json.dumps(out))
`;
    const { stdout } = await python(["-c", script, t.url, ADMIN], {});
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({
      bulk: 2,
      first: 2,
      state: "scheduled",
      listed: true,
      cancel: "cancelled",
      paused: true,
      resumed: false,
      delete: null,
      missing: [404, "NOT_FOUND"],
      workers: 1,
    });
    expect(["queued", "scheduled"]).toContain(out.retry);
    expect(out.queues).toContain("later");
  });
});
