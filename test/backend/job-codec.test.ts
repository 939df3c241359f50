/**
 * One codec per wire format: SQLite's one encoder of a new job (`jobRow`, rows.ts) and Redis's
 * (`pushJobArgs`, job-args.ts, read by includes/job-args.lua). A job written by each insert
 * path (enqueue with a key, bulk enqueue, workflow, schedule fire) reads back with every field
 * it was given.
 */
import { afterAll, afterEach, describe, expect, test } from "vitest";
import type { Backend, NewJob } from "../../src/backend/backend.js";
import { createRedisBackend } from "../../src/backend/redis/index.js";
import { createSqliteBackend } from "../../src/backend/sqlite/index.js";
import { FakeClock } from "../../src/core/clock.js";
import { newJobId } from "../../src/core/ids.js";
import type { JobRecord } from "../../src/core/types.js";
import { redisReachable, redisUrl, requireRedis } from "../support/redis.js";
import { tempDir } from "./sqlite-helpers.js";

const tmp = tempDir();
let backend: Backend;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await backend.close();
  for (const c of cleanups.splice(0)) await c();
});
requireRedis("the Redis codec round trip");

const stores: [string, boolean, (clock: FakeClock) => Promise<Backend>][] = [
  ["sqlite", true, (clock) => createSqliteBackend(`sqlite://${tmp.file()}`, { clock })],
  [
    "redis",
    redisReachable,
    (clock) => {
      const { url, cleanup } = redisUrl();
      cleanups.push(cleanup);
      return createRedisBackend(url, { clock });
    },
  ],
];
afterAll(() => tmp.cleanup());

const T0 = Date.UTC(2026, 0, 1);

function full(overrides: Partial<NewJob> = {}): NewJob {
  return {
    id: newJobId(),
    task: "codec.task",
    queue: "codec-q",
    input: '{"a":[1,"x",null],"é":"ü"}',
    priority: -3,
    runAt: T0 + 60_000,
    maxAttempts: 7,
    key: null,
    meta: { tenant: "t-1", nested: { n: 1.5, list: [true, null] } },
    dependsOn: [],
    leaseMs: 12_345,
    timeoutMs: 6_789,
    ...overrides,
  };
}

/** The fields of a record that come from the NewJob, plus the insert-time ones. */
function given(r: JobRecord) {
  return {
    task: r.task,
    queue: r.queue,
    state: r.state,
    priority: r.priority,
    runAt: r.runAt,
    attempt: r.attempt,
    maxAttempts: r.maxAttempts,
    input: r.input,
    meta: r.meta,
    leaseMs: r.leaseMs,
    timeoutMs: r.timeoutMs,
    createdAt: r.createdAt,
    finishedAt: r.finishedAt,
  };
}

const expected = {
  task: "codec.task",
  queue: "codec-q",
  state: "scheduled",
  priority: -3,
  runAt: T0 + 60_000,
  attempt: 0,
  maxAttempts: 7,
  input: '{"a":[1,"x",null],"é":"ü"}',
  meta: { tenant: "t-1", nested: { n: 1.5, list: [true, null] } },
  leaseMs: 12_345,
  timeoutMs: 6_789,
  createdAt: T0,
  finishedAt: null,
};

describe.each(stores)("%s", (_name, available, open) => {
  test.skipIf(!available)("every insert path writes the same job for the same NewJob", async () => {
    backend = await open(new FakeClock(T0));
    const keyed = full({ key: "k-1" });
    const bulk = [full(), full()];
    const wf = [full(), full()];
    wf[1]!.dependsOn = [wf[0]!.id];
    const fired = full();
    await backend.jobEnqueue({ jobs: [keyed] });
    await backend.jobEnqueue({ jobs: bulk });
    await backend.workflowEnqueue({
      workflow: { id: newJobId(), name: "codec", policy: "continue", spec: "{}" },
      jobs: wf,
    });
    await backend.scheduleUpsert({
      name: "codec",
      spec: "{}",
      triggerKey: "t",
      anchorAt: T0,
      nextFireAt: T0,
      paused: false,
    });
    expect(
      (await backend.scheduleFire({ name: "codec", expectedFireAt: T0, nextFireAt: null, job: fired })).won,
    ).toBe(true);
    for (const job of [keyed, ...bulk, wf[0]!, fired]) {
      expect(given((await backend.jobGet({ id: job.id }))!)).toEqual(expected);
    }
    expect((await backend.jobGet({ id: keyed.id }))?.key).toBe("k-1");
    // The workflow child waits on its parent: its dependency list and counter round-trip too.
    const child = (await backend.jobGet({ id: wf[1]!.id }))!;
    expect(given(child)).toEqual({ ...expected, state: "waiting" });
    expect(child).toMatchObject({ dependsOn: [wf[0]!.id], pendingDependencies: 1, key: null });
  });
});
