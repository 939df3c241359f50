/**
 * The schedules endpoints over a real server on a SQLite temp file: list and read with the
 * upcoming fire times, pause, resume, run now, their errors, the schedule events on the SSE
 * stream, and the OpenAPI entries.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/wait-for.js";
import { READ, SseReader, startTestServer, type TestServer } from "./helpers.js";

let t: TestServer;
let tmp: string;
const readers: SseReader[] = [];

const BACKUP = "nightly-backup";
const EVERY = "every-5m";
const ONCE = "launch";
const ODD = "ops/rotate logs"; // needs percent-encoding in a path
const path = (name: string, rest = "") => `/api/schedules/${encodeURIComponent(name)}${rest}`;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "spool-http-schedules-"));
  t = await startTestServer({}, `sqlite://${join(tmp, "spool.db")}`);
  const s = t.spool;
  await Promise.all(
    [
      s.schedule(BACKUP, { cron: "0 3 * * *", tz: "Europe/Berlin" }, { task: "echo", input: { what: "db" } }),
      s.schedule(EVERY, { every: "5m" }, { task: "add", input: { a: 1, b: 2 } }, { overlap: "skip" }),
      s.schedule(ONCE, { at: Date.now() + 86_400_000 }, { task: "echo", input: "go" }, { paused: true }),
      s.schedule(ODD, { cron: "*/15 * * * *" }, { task: "echo", input: "rotate" }),
    ].map((h) => h.ready),
  );
});
afterAll(async () => {
  for (const r of readers) r.close();
  await t.close();
  rmSync(tmp, { recursive: true, force: true });
});

const berlinHour = (ms: number) =>
  new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Berlin", hour: "2-digit", minute: "2-digit" }).format(
    ms,
  );

describe("HTTP schedules API", () => {
  it("runs on SQLite", async () => {
    expect((await t.spool.backend()).kind).toBe("sqlite");
  });

  it("GET /api/schedules lists every schedule with trigger, tz, state and the next fire times", async () => {
    const res = await t.api("/api/schedules", { token: READ });
    expect(res.status).toBe(200);
    const byName = new Map<string, Record<string, unknown>>(
      res.body.schedules.map((s: { name: string }) => [s.name, s]),
    );
    expect(res.body.schedules.map((s: { name: string }) => s.name)).toEqual(
      [BACKUP, EVERY, ONCE, ODD].sort(),
    );
    const backup = byName.get(BACKUP)!;
    expect(backup).toMatchObject({
      trigger: { cron: "0 3 * * *", tz: "Europe/Berlin" },
      tz: "Europe/Berlin",
      description: "cron 0 3 * * * (Europe/Berlin)",
      task: "echo",
      queue: "echo",
      paused: false,
      lastFireAt: null,
      lastJobId: null,
      runs: 0,
      misfire: "once",
      overlap: "allow",
    });
    const next = backup.next as number[];
    expect(next).toHaveLength(5); // default
    expect(next[0]).toBe(backup.nextFireAt);
    for (const [i, at] of next.entries()) {
      expect(berlinHour(at)).toBe("03:00");
      if (i > 0) expect(at - next[i - 1]!).toBeGreaterThanOrEqual(23 * 3_600_000);
    }
    const every = byName.get(EVERY)!;
    expect(every).toMatchObject({
      trigger: { every: 300_000 },
      tz: null,
      description: "every 5m",
      overlap: "skip",
    });
    const steps = (every.next as number[]).slice(1).map((at, i) => at - (every.next as number[])[i]!);
    expect(steps).toEqual([300_000, 300_000, 300_000, 300_000]);
    // A one-shot has at most one fire time; a paused one still shows when it would fire.
    expect(byName.get(ONCE)).toMatchObject({ paused: true, tz: null });
    expect((byName.get(ONCE)!.next as number[]).length).toBe(1);
  });

  it("?next=N sets how many fire times are computed (0..100)", async () => {
    const two = await t.api("/api/schedules?next=2");
    expect(two.body.schedules.every((s: { next: number[] }) => s.next.length <= 2)).toBe(true);
    expect(two.body.schedules.find((s: { name: string }) => s.name === ODD).next).toHaveLength(2);
    const none = await t.api("/api/schedules?next=0");
    expect(none.body.schedules.every((s: { next: number[] }) => s.next.length === 0)).toBe(true);
    const many = await t.api(`${path(ODD)}?next=100`);
    expect(many.body.next).toHaveLength(100);
    for (const bad of ["101", "-1", "x", "1.5", ""]) {
      const res = await t.api(`/api/schedules?next=${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe("INVALID_ARGUMENT");
    }
    expect((await t.api("/api/schedules?bogus=1")).status).toBe(400);
  });

  it("GET /api/schedules/:name reads one (names are percent-decoded), 404 for an unknown one", async () => {
    const res = await t.api(path(ODD), { token: READ });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: ODD, tz: "UTC", trigger: { cron: "*/15 * * * *" } });
    expect(res.body.next).toHaveLength(5);
    for (const at of res.body.next) expect(at % 900_000).toBe(0);
    const missing = await t.api(path("no-such-schedule"));
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({
      code: "NOT_FOUND",
      details: { kind: "schedule", id: "no-such-schedule" },
    });
    expect((await t.api(path("x".repeat(201)))).status).toBe(400);
  });

  it("POST pause and resume change the schedule and answer with it", async () => {
    const paused = await t.api(path(EVERY, "/pause"), { method: "POST" });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ name: EVERY, paused: true });
    expect((await t.spool.schedules.get(EVERY))!.paused).toBe(true);
    // Idempotent.
    expect((await t.api(path(EVERY, "/pause"), { method: "POST" })).status).toBe(200);
    const before = Date.now();
    const resumed = await t.api(path(EVERY, "/resume"), { method: "POST" });
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ name: EVERY, paused: false });
    // Resuming skips the time spent paused: the next fire time is after now.
    expect(resumed.body.nextFireAt).toBeGreaterThan(before);
    expect((await t.spool.schedules.get(EVERY))!.paused).toBe(false);
  });

  it("POST run enqueues the schedule's job now (even paused) and returns its id", async () => {
    const res = await t.api(path(ONCE, "/run"), { method: "POST" });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ name: ONCE, jobId: expect.any(String) });
    expect(res.headers.get("location")).toBe(`/api/jobs/${res.body.jobId}`);
    const job = await t.api(`/api/jobs/${res.body.jobId}`);
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({
      task: "echo",
      queue: "echo",
      input: "go",
      meta: { schedule: ONCE, manual: true },
    });
    const after = await t.api(path(ONCE));
    // Fire times, runs and lastFireAt stay; the run becomes the last job.
    expect(after.body).toMatchObject({ paused: true, runs: 0, lastFireAt: null, lastJobId: res.body.jobId });
    // A body is optional and may be {}.
    const withBody = await t.api(path(ODD, "/run"), { method: "POST", body: {} });
    expect(withBody.status).toBe(201);
  });

  it("answers 404 for pause, resume and run of an unknown schedule, and writes nothing", async () => {
    const jobs = (await t.api("/api/jobs?limit=1000")).body.jobs.length;
    for (const action of ["pause", "resume", "run"]) {
      const res = await t.api(path("ghost", `/${action}`), { method: "POST" });
      expect(res.status, action).toBe(404);
      expect(res.body.error).toMatchObject({ code: "NOT_FOUND", details: { kind: "schedule", id: "ghost" } });
    }
    expect((await t.api("/api/jobs?limit=1000")).body.jobs.length).toBe(jobs);
    expect(await t.spool.schedules.get("ghost")).toBeNull();
  });

  it("needs an admin token for pause, resume and run", async () => {
    for (const action of ["pause", "resume", "run"]) {
      const none = await t.api(path(BACKUP, `/${action}`), { method: "POST", token: null });
      expect(none.status).toBe(401);
      const read = await t.api(path(BACKUP, `/${action}`), { method: "POST", token: READ });
      expect(read.status).toBe(403);
      expect(read.body.error.code).toBe("FORBIDDEN");
    }
    expect(await t.spool.schedules.get(BACKUP)).toMatchObject({ paused: false, lastJobId: null });
  });

  it("streams schedule:changed and schedule:fired on /api/events, filterable by schedule", async () => {
    const all = new SseReader(`${t.url}/api/events`);
    const mine = new SseReader(`${t.url}/api/events?schedule=${encodeURIComponent(BACKUP)}`);
    const byType = new SseReader(`${t.url}/api/events?type=schedule:fired`);
    const byQueue = new SseReader(`${t.url}/api/events?queue=echo`);
    readers.push(all, mine, byType, byQueue);
    await Promise.all(
      [all, mine, byType, byQueue].map((r) => r.until((m) => m.some((x) => x.comment === "connected"))),
    );
    await t.api(path(EVERY, "/pause"), { method: "POST" });
    await t.api(path(EVERY, "/resume"), { method: "POST" });
    await t.api(path(BACKUP, "/pause"), { method: "POST" });
    const run = (await t.api(path(BACKUP, "/run"), { method: "POST" })).body.jobId;
    await t.api(path(BACKUP, "/resume"), { method: "POST" });
    const isFired = (x: { data?: { type?: string; data?: { jobId?: string } } }) =>
      x.data?.type === "schedule:fired" && x.data.data?.jobId === run;
    await all.until(
      (m) => m.some(isFired) && m.filter((x) => x.data?.type === "schedule:changed").length >= 4,
    );
    await mine.until((m) => m.some(isFired));
    await byType.until((m) => m.some(isFired));
    await byQueue.until((m) => m.some((x) => x.data?.jobId === run));
    const changes = all.events
      .filter((x) => x.data.type === "schedule:changed")
      .map((x) => [x.data.data.schedule, x.data.data.change]);
    expect(changes).toEqual([
      [EVERY, "paused"],
      [EVERY, "resumed"],
      [BACKUP, "paused"],
      [BACKUP, "resumed"],
    ]);
    const fired = all.events.find(isFired)!.data;
    expect(fired).toMatchObject({
      jobId: "",
      queue: "",
      data: { schedule: BACKUP, manual: true, jobId: run },
    });
    // The schedule filter keeps only that schedule's schedule events.
    await mine.until((m) => m.filter((x) => x.data?.type === "schedule:changed").length >= 2);
    expect(
      mine.events.every((x) => x.data.type.startsWith("schedule:") && x.data.data.schedule === BACKUP),
    ).toBe(true);
    expect(byType.events.every((x) => x.data.type === "schedule:fired")).toBe(true);
    // Queue filters keep job events only: the run's job, not the schedule events.
    expect(byQueue.events.every((x) => x.data.queue === "echo" && x.data.type.startsWith("job:"))).toBe(true);
    expect((await t.api("/api/events?schedule=", { token: READ })).status).toBe(400);
  });

  it("GET …/runs and ?lastRuns=N: the last runs, newest first, with their jobs' outcomes", async () => {
    await t.spool.schedule("flaky", { every: "1h" }, { task: "boom", input: 1 }, { paused: true }).ready;
    const ok = (await t.api(path(ODD, "/run"), { method: "POST" })).body.jobId as string;
    const bad = (await t.api(path("flaky", "/run"), { method: "POST" })).body.jobId as string;
    const worker = t.spool.worker({ queues: ["echo", "default"] });
    await worker.start();
    try {
      await waitFor(async () => (await t.spool.jobs.get(ok))?.state === "completed");
      await waitFor(async () => (await t.spool.jobs.get(bad))?.state === "failed");
    } finally {
      await worker.stop();
    }
    const odd = await t.api(path(ODD, "/runs?limit=20"), { token: READ });
    expect(odd.status).toBe(200);
    // Newest first: this test's run, then the one of "POST run" above (whatever its state now).
    expect(odd.body.runs[0]).toEqual({
      at: expect.any(Number),
      fireAt: null,
      jobId: ok,
      skipped: null,
      state: "completed",
      startedAt: expect.any(Number),
      finishedAt: expect.any(Number),
      error: null,
    });
    expect(odd.body.runs.length).toBeGreaterThanOrEqual(2);
    expect(odd.body.runs[1].at).toBeLessThanOrEqual(odd.body.runs[0].at);
    const flaky = await t.api(path("flaky", "/runs"));
    expect(flaky.body.runs).toEqual([
      expect.objectContaining({ jobId: bad, state: "failed", error: "boom!" }),
    ]);

    const list = await t.api("/api/schedules?lastRuns=1&next=0");
    const byName = new Map<string, { lastRuns?: { jobId: string }[] }>(
      list.body.schedules.map((s: { name: string }) => [s.name, s]),
    );
    expect(byName.get("flaky")?.lastRuns?.map((r) => r.jobId)).toEqual([bad]);
    expect(byName.get(ODD)?.lastRuns?.map((r) => r.jobId)).toEqual([ok]);
    expect(byName.get(EVERY)?.lastRuns).toEqual([]);
    expect((await t.api("/api/schedules")).body.schedules[0]).not.toHaveProperty("lastRuns");

    expect((await t.api(path("ghost", "/runs"))).status).toBe(404);
    expect((await t.api(path(ODD, "/runs?limit=21"))).status).toBe(400);
    expect((await t.api("/api/schedules?lastRuns=21")).status).toBe(400);
    // Removing the schedule drops its runs (its jobs stay).
    await t.spool.schedules.remove("flaky");
    expect(await t.spool.schedules.runs("flaky")).toEqual([]);
    expect((await t.api(`/api/jobs/${bad}`)).status).toBe(200);
  });

  it("is in the OpenAPI document", async () => {
    const doc = (await t.api("/api/openapi.json", { token: null })).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/schedules",
        "/api/schedules/{name}",
        "/api/schedules/{name}/pause",
        "/api/schedules/{name}/resume",
        "/api/schedules/{name}/run",
        "/api/schedules/{name}/runs",
      ]),
    );
    expect(doc.paths["/api/schedules/{name}/run"].post.responses["201"]).toBeDefined();
    expect(doc.paths["/api/schedules"].get.parameters.map((p: { name: string }) => p.name)).toContain("next");
    expect(doc.components.schemas.Schedule.properties).toHaveProperty("next");
    expect(doc.paths["/api/events"].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(["schedule", "workflow"]),
    );
  });
});
