/** `npm start` (the README quick start): the demo runs to completion, prints its summary and writes real PDFs. */
import { exec } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const REPO = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "spool-demo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm start (examples/demo)", () => {
  it("processes the jobs, prints the summary and writes PDFs", async () => {
    const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as {
      scripts: { start: string };
    };
    const env = {
      ...process.env,
      PATH: `${join(REPO, "node_modules", ".bin")}${delimiter}${process.env.PATH}`,
      DEMO_JOBS: "80",
      SPOOL_DEMO_DIR: dir,
    };
    const started = Date.now();
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
      (done) => {
        exec(pkg.scripts.start, { cwd: REPO, env, timeout: 60_000 }, (err, stdout, stderr) =>
          done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
        );
      },
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);

    // Not a TTY: plain progress lines, then the summary table.
    expect(stdout).toMatch(/\] 82\/82 finished · \d+ completed · \d+ retried · \d+ failed/);
    expect(stdout).toMatch(/TASK\s+JOBS\s+COMPLETED\s+FAILED\s+RETRIED\s+P50 RUN\s+P95 RUN\s+THROUGHPUT/);
    for (const task of [
      "pdf.render",
      "qr.generate",
      "analytics.aggregate",
      "email.send",
      "webhook.deliver",
      "maintenance.backup",
    ])
      expect(stdout).toMatch(new RegExp(`^${task.replace(".", "\\.")}\\s+\\d+\\s+\\d+`, "m"));
    const total = /^total\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(stdout);
    expect(total).not.toBeNull();
    const [, jobs, completed, failed, retried] = total!.map(Number);
    expect(jobs).toBe(82);
    expect(completed! + failed!).toBe(82);
    expect(failed).toBeGreaterThan(0); // the dead-letter set is shown
    expect(retried).toBeGreaterThan(0); // transient email failures were retried
    expect(stdout).toMatch(/priority: the VIP order \(priority 10, enqueued last\) started #1 of/);
    expect(stdout).toMatch(/delay: maintenance\.backup \(delay 2s\) started \d/);
    expect(stdout).toMatch(/^done: 82 jobs in /m);
    // The seeds' maintenance as schedules, with their next fire times.
    expect(stdout).toMatch(/^cleanup\s+every 1h\s+maintenance\.cleanup\s+active\s+\d{4}-/m);
    expect(stdout).toMatch(/^log-rotation\s+cron 0 0 \* \* \*\s+maintenance\.rotate-logs\s+active/m);
    expect(stdout).toMatch(
      /^nightly-backup\s+cron 0 3 \* \* \* \(Europe\/Berlin\)\s+maintenance\.backup\s+active\s+\d{4}-\d\d-\d\d 03:00:00/m,
    );

    const outDir = join(dir, "demo", "out");
    expect(stdout).toContain(`PDFs: `);
    const pdfs = readdirSync(outDir).filter((f) => f.endsWith(".pdf"));
    expect(pdfs.length).toBeGreaterThan(5);
    expect(pdfs).toContain("order-vip.pdf");
    for (const f of pdfs)
      expect(readFileSync(join(outDir, f)).subarray(0, 5).toString("latin1")).toBe("%PDF-");
  });
});
