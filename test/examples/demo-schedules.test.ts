/**
 * The demo's maintenance schedules (the seeds' fourth use case): they are listed with their
 * next fire times, and firing them does the real work: an online SQLite backup, a log
 * rotation, a cleanup of old files.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, expect, test } from "vitest";
import { createDemoApp } from "../../examples/demo/app.js";
import { cli } from "../cli/helpers.js";

const dir = mkdtempSync(join(tmpdir(), "spool-demo-schedules-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("the maintenance schedules fire real work: SQLite backup, log rotation, cleanup", async () => {
  const url = `sqlite://${join(dir, "demo.db")}`;
  const app = createDemoApp({ backend: url, dir, logger: { level: "silent" } });
  const { spool } = app;
  try {
    const list = await spool.schedules.list();
    expect(list.map((s) => [s.name, s.description, s.task])).toEqual([
      ["cleanup", "every 1h", "maintenance.cleanup"],
      ["log-rotation", "cron 0 0 * * *", "maintenance.rotate-logs"],
      ["nightly-backup", "cron 0 3 * * * (Europe/Berlin)", "maintenance.backup"],
    ]);
    const [next] = list.find((s) => s.name === "nightly-backup")!.nextFireTimes(1);
    expect(new Date(next!).toLocaleTimeString("en-GB", { timeZone: "Europe/Berlin" })).toBe("03:00:00");

    // A log to rotate, and an old output file to clean up.
    mkdirSync(app.logDir, { recursive: true });
    writeFileSync(join(app.logDir, "app.log"), "line 1\nline 2\n");
    mkdirSync(app.outDir, { recursive: true });
    const stale = join(app.outDir, "old.pdf");
    writeFileSync(stale, "%PDF-");
    const tenDaysAgo = (Date.now() - 10 * 86_400_000) / 1000;
    utimesSync(stale, tenDaysAgo, tenDaysAgo);

    const ids = await Promise.all(
      ["nightly-backup", "log-rotation", "cleanup"].map((n) => spool.schedules.run(n)),
    );
    const worker = spool.worker({ queues: ["maintenance"], concurrency: 3 });
    await worker.start();
    const results = await Promise.all(ids.map((id) => spool.job(id).result({ timeout: "20s" })));
    await worker.stop();

    const backupFile = (results[0] as { file: string }).file;
    const copy = new Database(backupFile, { readonly: true });
    try {
      expect(copy.prepare("SELECT count(*) AS n FROM sqlite_master").get()).toMatchObject({
        n: expect.any(Number),
      });
    } finally {
      copy.close();
    }
    expect(results[1]).toMatchObject({ rotated: true });
    expect(readFileSync(join(app.logDir, "app.log.1"), "utf8")).toBe("line 1\nline 2\n");
    expect(readFileSync(join(app.logDir, "app.log"), "utf8")).toBe("");
    expect(results[2]).toMatchObject({ removed: 1 });
    expect(existsSync(stale)).toBe(false);
  } finally {
    await spool.close();
  }
});

test("spool schedules ls --app examples/demo/app.ts lists the three maintenance schedules", async () => {
  const url = `sqlite://${join(dir, "cli.db")}`;
  const out = await cli(["--backend", url, "--app", "examples/demo/app.ts", "schedules", "ls"]);
  expect(out.stderr).toBe("");
  expect(out.code).toBe(0);
  expect(out.stdout).toMatch(/^cleanup\s+every 1h/m);
  expect(out.stdout).toMatch(/^log-rotation\s+cron 0 0 \* \* \*/m);
  expect(out.stdout).toMatch(
    /^nightly-backup\s+cron 0 3 \* \* \* \(Europe\/Berlin\)\s+maintenance\.backup\s+active/m,
  );
});
