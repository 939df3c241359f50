/** `spool schedules ls|add|rm|run|pause|resume`, `spool scheduler` and `spool dev`, in-process on SQLite. */
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createSpool } from "../../src/client/spool.js";
import { waitFor } from "../support/wait-for.js";
import { FakeProcess } from "./fake-process.js";
import { APP, cli, tempBackend } from "./helpers.js";

describe("spool schedules", () => {
  let backend: ReturnType<typeof tempBackend>;
  beforeEach(() => {
    backend = tempBackend();
  });
  afterEach(() => backend.cleanup());
  const run = (...args: string[]) => cli(["--backend", backend.url, ...args]);
  const withApp = (...args: string[]) => cli(["--backend", backend.url, "--app", APP, ...args]);

  test("add, then ls shows the trigger and next fire time in the schedule's zone", async () => {
    const added = await withApp(
      "schedules",
      "add",
      "nightly",
      "--cron",
      "0 3 * * *",
      "--tz",
      "Europe/Berlin",
      "--task",
      "echo",
      "--input",
      '{"hello":"world"}',
    );
    expect(added.stderr).toBe("");
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/schedule nightly: cron 0 3 \* \* \* \(Europe\/Berlin\) → echo/);
    expect(added.stdout).toMatch(/next: \d{4}-\d\d-\d\d 03:00:00 (CET|CEST|GMT\+1|GMT\+2)/);
    expect((await withApp("schedules", "add", "tick", "--every", "10m", "--task", "math.add")).code).toBe(0);
    const ls = await run("schedules", "ls");
    expect(ls.code).toBe(0);
    expect(ls.stdout).toMatch(/NAME\s+TRIGGER\s+TASK\s+STATE\s+NEXT FIRE\s+IN\s+LAST FIRE\s+RUNS/);
    expect(ls.stdout).toMatch(/nightly\s+cron 0 3 \* \* \* \(Europe\/Berlin\)\s+echo\s+active\s+\d{4}-/);
    expect(ls.stdout).toMatch(/tick\s+every 10m\s+math\.add\s+active/);
    const next = await run("schedules", "ls", "--next", "3");
    expect(next.stdout).toMatch(
      /nightly \(cron 0 3 \* \* \* \(Europe\/Berlin\)\): next 3\n( {2}\d{4}-.* 03:00:00 .*\n){3}/,
    );
  });

  test("ls --json gives each schedule with its next fire times", async () => {
    await withApp(
      "schedules",
      "add",
      "tick",
      "--every",
      "1h",
      "--task",
      "echo",
      "--misfire",
      "all",
      "--jitter",
      "5s",
    );
    const out = await run("--json", "schedules", "ls", "--next", "4");
    const list = JSON.parse(out.stdout) as Record<string, unknown>[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      name: "tick",
      trigger: { every: 3_600_000 },
      task: "echo",
      state: "active",
      misfire: "all",
      jitterMs: 5000,
      runs: 0,
    });
    const times = (list[0]!.nextFireTimes as string[]).map(Date.parse);
    expect(times).toHaveLength(4);
    expect(times[1]! - times[0]!).toBe(3_600_000);
  });

  test("run enqueues now; pause, resume and rm change the schedule", async () => {
    await withApp("schedules", "add", "tick", "--every", "1h", "--task", "echo");
    const ran = await run("--json", "schedules", "run", "tick");
    expect(ran.code).toBe(0);
    const { jobId } = JSON.parse(ran.stdout) as { jobId: string };
    const spool = createSpool({ backend: backend.url, logger: { level: "silent" } });
    try {
      expect(await spool.jobs.get(jobId)).toMatchObject({
        task: "echo",
        meta: { schedule: "tick", manual: true },
      });
      expect((await run("schedules", "pause", "tick")).stdout).toBe("paused schedule tick\n");
      expect((await spool.schedules.get("tick"))!.paused).toBe(true);
      expect((await run("schedules", "ls")).stdout).toMatch(/tick\s+every 1h\s+echo\s+paused/);
      expect((await run("schedules", "resume", "tick")).code).toBe(0);
      expect((await spool.schedules.get("tick"))!.paused).toBe(false);
      expect((await run("schedules", "rm", "tick")).stdout).toBe("removed schedule tick\n");
      expect(await spool.schedules.get("tick")).toBeNull();
    } finally {
      await spool.close();
    }
  });

  test("unknown schedules and bad definitions fail with clear errors", async () => {
    const missing = await run("schedules", "run", "nope");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/error \[NOT_FOUND\]: schedule "nope" not found/);
    expect((await run("schedules", "rm", "nope")).code).toBe(1);
    const noApp = await run("schedules", "add", "x", "--every", "1m", "--task", "echo");
    expect(noApp.code).toBe(2);
    expect(noApp.stderr).toMatch(/needs --app/);
    const badCron = await withApp("schedules", "add", "x", "--cron", "99 * * * *", "--task", "echo");
    expect(badCron.code).toBe(2);
    expect(badCron.stderr).toMatch(/INVALID_ARGUMENT.*cron/);
    const two = await withApp(
      "schedules",
      "add",
      "x",
      "--cron",
      "* * * * *",
      "--every",
      "1m",
      "--task",
      "echo",
    );
    expect(two.code).toBe(2);
    expect((await run("schedules", "ls")).stdout).toBe("no schedules\n");
  });

  test("spool scheduler fires the stored schedules until SIGTERM", async () => {
    await withApp("schedules", "add", "fast", "--cron", "* * * * * *", "--task", "echo");
    const proc = new FakeProcess();
    const running = cli(["--backend", backend.url, "-q", "scheduler", "--poll-max", "1s"], { process: proc });
    const spool = createSpool({ backend: backend.url, logger: { level: "silent" } });
    try {
      await waitFor(async () => (await spool.jobs.list({ task: "echo" })).jobs.length >= 2, {
        message: "two fires of a 1-second schedule",
      });
      proc.signal("SIGTERM");
      expect((await running).code).toBe(0);
      expect(proc.listenerCount("SIGTERM")).toBe(0);
    } finally {
      await spool.close();
    }
  });

  test("spool dev runs a worker and the scheduler (and the API) in one process", async () => {
    await withApp(
      "schedules",
      "add",
      "fast",
      "--cron",
      "* * * * * *",
      "--task",
      "math.add",
      "--input",
      '{"a":1,"b":2}',
    );
    const proc = new FakeProcess();
    const running = cli(["--backend", backend.url, "--app", APP, "-q", "dev", "--port", "0"], {
      process: proc,
    });
    const spool = createSpool({ backend: backend.url, logger: { level: "silent" } });
    try {
      await waitFor(
        async () => (await spool.jobs.list({ task: "math.add", state: "completed" })).jobs.length >= 1,
        { message: "a scheduled job completed by the dev worker" },
      );
      proc.signal("SIGTERM");
      const out = await running;
      expect(out.code).toBe(0);
      expect(out.stdout).toMatch(
        // test/cli/fixtures/app.ts defines 5 tasks.
        /spool dev on .*: worker \(5 tasks\), scheduler \(1 schedules\), dashboard and API http:\/\/127\.0\.0\.1:\d+/,
      );
    } finally {
      await spool.close();
    }
  });
});
