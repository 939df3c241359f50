/**
 * The SQLite fair claim keeps its round-robin between keys going from claim to claim (a cursor
 * per queue, migration 0051): claims of one job each take the keys in turn, even when one key's
 * jobs are all older; the rotation survives a second store handle (it is stored, not in memory);
 * jobs without limits in the same queue take their turn as one more group.
 */
import { afterAll, afterEach, expect, test } from "vitest";
import type { Backend } from "../../src/backend/backend.js";
import type { JobFlow } from "../../src/backend/seam/flow.js";
import { createSqliteBackend } from "../../src/backend/sqlite/index.js";
import { newJob, tempDir } from "./sqlite-helpers.js";

const tmp = tempDir();
const open: Backend[] = [];
afterEach(async () => {
  for (const b of open.splice(0)) await b.close();
});
afterAll(() => tmp.cleanup());

const cap = (key: string): JobFlow => ({ key, concurrency: { limit: 1000, keyed: true }, rateLimit: null });

async function store(file: string): Promise<Backend> {
  const b = await createSqliteBackend(`sqlite://${file}`);
  open.push(b);
  return b;
}

/** Claims one job at a time through alternating handles; returns the limit key of each ("-": none). */
async function claimOneByOne(handles: Backend[], times: number): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < times; i++) {
    const b = handles[i % handles.length]!;
    const { jobs } = await b.jobClaim({ queues: ["q"], limit: 1, workerId: `w${i}`, leaseMs: 60_000 });
    expect(jobs).toHaveLength(1);
    keys.push(jobs[0]!.limitKey ?? "-");
  }
  return keys;
}

test("claims of one job take the keys in turn, though one key's jobs are all older", async () => {
  const file = tmp.file();
  const a = await store(file);
  const b = await store(file);
  await a.jobEnqueue({ jobs: Array.from({ length: 50 }, () => newJob("q", "t", { flow: cap("big") })) });
  await a.jobEnqueue({
    jobs: ["s1", "s2", "s3"].flatMap((k) =>
      Array.from({ length: 3 }, () => newJob("q", "t", { flow: cap(k) })),
    ),
  });
  // FIFO between heads would give big, big, big, ...: the rotation gives each key its turn.
  const keys = await claimOneByOne([a, b], 12);
  expect(keys).toEqual(["big", "s1", "s2", "s3", "big", "s1", "s2", "s3", "big", "s1", "s2", "s3"]);
  // The small keys are drained: the rest go to big.
  expect(await claimOneByOne([b], 3)).toEqual(["big", "big", "big"]);
});

test("jobs without limits in the queue take their turn as one more group", async () => {
  const a = await store(tmp.file());
  await a.jobEnqueue({ jobs: Array.from({ length: 5 }, () => newJob("q", "t", { flow: cap("big") })) });
  await a.jobEnqueue({ jobs: Array.from({ length: 5 }, () => newJob("q", "plain")) });
  const keys = await claimOneByOne([a], 6);
  // The ring starts with the jobs without limits, then the groups in (task, key) order.
  expect(keys).toEqual(["-", "big", "-", "big", "-", "big"]);
});
