import { expect } from "vitest";
import { newLeaseToken } from "../../../src/core/ids.js";
import { defineTopic } from "./define.js";
import { claimOne, enqueueOne, getJob, runningJob } from "./helpers.js";

export const progressTopic = defineTopic("progress", (test) => {
  test("progress reported with the lease token is stored on the job", async ({ backend }) => {
    const job = await runningJob(backend);
    expect(
      await backend.jobProgress({
        id: job.id,
        token: job.leaseToken,
        progress: { percent: 40, message: "rendering" },
      }),
    ).toBe(true);
    expect((await getJob(backend, job.id)).progress).toEqual({ percent: 40, message: "rendering" });
    expect(await backend.jobProgress({ id: job.id, token: job.leaseToken, progress: { percent: 80 } })).toBe(
      true,
    );
    expect((await getJob(backend, job.id)).progress?.percent).toBe(80);
  });

  test("progress with a stale token is refused and not stored", async ({ backend }) => {
    const job = await runningJob(backend);
    await backend.jobProgress({ id: job.id, token: job.leaseToken, progress: { percent: 10 } });
    expect(await backend.jobProgress({ id: job.id, token: newLeaseToken(), progress: { percent: 99 } })).toBe(
      false,
    );
    await backend.jobComplete({ jobs: [{ id: job.id, token: job.leaseToken, result: "1" }] });
    expect(await backend.jobProgress({ id: job.id, token: job.leaseToken, progress: { percent: 55 } })).toBe(
      false,
    );
    expect((await getJob(backend, job.id)).progress?.percent).not.toBe(55);
    expect((await getJob(backend, job.id)).progress?.percent).not.toBe(99);
  });

  test("log lines written with the lease token are read back in order with their attempt", async ({
    backend,
    clock,
  }) => {
    const id = await enqueueOne(backend, { maxAttempts: 3 });
    const first = await claimOne(backend);
    const t1 = clock.now();
    expect(
      await backend.jobLog({
        id,
        token: first.leaseToken,
        lines: [
          { at: t1, level: "info", message: "one" },
          { at: t1, level: "warn", message: "two" },
        ],
      }),
    ).toBe(true);
    await backend.jobFail({
      jobs: [
        {
          id,
          token: first.leaseToken,
          error: { attempt: 1, name: "Error", message: "x", at: t1 },
          retryAt: t1,
        },
      ],
    });
    clock.advance(100);
    const second = await claimOne(backend);
    expect(
      await backend.jobLog({
        id,
        token: second.leaseToken,
        lines: [{ at: clock.now(), level: "error", message: "three" }],
      }),
    ).toBe(true);
    expect(await backend.jobLogs({ id })).toEqual([
      { at: t1, level: "info", message: "one", attempt: 1 },
      { at: t1, level: "warn", message: "two", attempt: 1 },
      { at: t1 + 100, level: "error", message: "three", attempt: 2 },
    ]);
  });

  test("log lines with a stale token are refused and not stored", async ({ backend, clock }) => {
    const job = await runningJob(backend);
    expect(
      await backend.jobLog({
        id: job.id,
        token: newLeaseToken(),
        lines: [{ at: clock.now(), level: "info", message: "x" }],
      }),
    ).toBe(false);
    expect(await backend.jobLogs({ id: job.id })).toEqual([]);
  });

  test("jobLogs with a limit returns the newest lines", async ({ backend, clock }) => {
    const job = await runningJob(backend);
    const lines = Array.from({ length: 10 }, (_, i) => ({
      at: clock.now(),
      level: "debug" as const,
      message: `line ${i}`,
    }));
    await backend.jobLog({ id: job.id, token: job.leaseToken, lines });
    expect((await backend.jobLogs({ id: job.id, limit: 3 })).map((l) => l.message)).toEqual([
      "line 7",
      "line 8",
      "line 9",
    ]);
  });
});
