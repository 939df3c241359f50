/**
 * PostgreSQL: lists by state, task, queue and created-time range walk the indexes of migrations
 * 0063 and 0090. Plans are checked with EXPLAIN (not by speed) on a store of 200,000 jobs (the
 * planner's choice depends on size), before and after ANALYZE; every page the backend returns is
 * compared with a direct scan. (queueList's counts: postgres-state-counts.test.ts.)
 */
import type pg from "pg";
import { afterAll, expect, test } from "vitest";
import type { JobListParams } from "../../src/backend/backend.js";
import { RANGE_PROBE_MAX } from "../../src/backend/postgres/control.js";
import type { PostgresBackend } from "../../src/backend/postgres/index.js";
import { prepareStatements, type Statements } from "../../src/backend/postgres/statements.js";
import { migratedPostgres, requirePostgres } from "../support/postgres.js";

requirePostgres("the PostgreSQL list plan tests");

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});
const N = 200_000;

async function explain(
  c: pg.Client,
  schema: string,
  name: keyof Statements,
  params: Record<string, unknown>,
) {
  const st = prepareStatements(schema)[name];
  const values = st.params.map((p) => (p in params ? params[p] : null));
  const r = await c.query({ text: `EXPLAIN ${st.text}`, values });
  return (r.rows as { "QUERY PLAN": string }[]).map((x) => x["QUERY PLAN"]).join("\n");
}

/**
 * After ANALYZE: an ordered index scan of `index`. Before (no statistics, as right after a
 * migration until autovacuum runs): at least a (bitmap) scan of that index, never a Seq Scan.
 */
function expectIndex(plan: string, index: string, analyzed: boolean): void {
  expect(plan, `analyzed=${analyzed}`).toMatch(
    analyzed
      ? new RegExp(`Index Scan (Backward )?using ${index}`)
      : new RegExp(`(Index Scan (Backward )?using|Bitmap Index Scan on) ${index}`),
  );
  expect(plan).not.toContain("Seq Scan");
}

async function walk(b: PostgresBackend, params: JobListParams): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await b.jobList({ ...params, ...(cursor ? { cursor } : {}) });
    seen.push(...page.jobs.map((j) => j.id));
    cursor = page.nextCursor;
  } while (cursor);
  return seen;
}

test("state, task and created-time lists walk their indexes and page like a direct scan", async () => {
  const { backend, schema, client: c } = await migratedPostgres(cleanups);
  const t = `"${schema}".jobs`;
  // ids sort with created_at, except every 97th job (a moved job, a skewed clock); 1 in 20
  // failed, 1 in 400 cancelled; 5 tasks over 3 queues.
  await c.query(`INSERT INTO ${t} (id, task, queue, state, priority, run_at, max_attempts, input, created_at, finished_at, updated_at)
    SELECT lpad(to_hex(i), 12, '0') || '-0000', 'task-' || (i % 5), 'q' || (i % 3),
      CASE WHEN i % 20 = 7 THEN 'failed' WHEN i % 400 = 3 THEN 'cancelled' ELSE 'completed' END, 0, 0, 3, '{}',
      CASE WHEN i % 97 = 0 THEN (i * 7919) % ${N * 10} ELSE i * 10 END, 1, 1
    FROM generate_series(1, ${N}) AS i`);
  const args = {
    queue: null,
    task: null,
    key: null,
    created_after: null,
    created_before: null,
    after: null,
    search: null,
    limit: 51,
  };
  for (const analyzed of [false, true]) {
    if (analyzed) await c.query(`ANALYZE ${t}`);
    for (const dir of ["DESC", "ASC"] as const) {
      const state = await explain(c, schema, `JOB_LIST_STATE_${dir}`, {
        ...args,
        states: ["cancelled", "failed"],
      });
      expectIndex(state, "jobs_state_id", analyzed);
      expect(state).not.toContain("jobs_pkey");
      const task = await explain(c, schema, `JOB_LIST_TASK_${dir}`, { ...args, task: "task-2", queue: "q1" });
      expectIndex(task, "jobs_task_id", analyzed);
      expect(task).not.toContain("jobs_pkey");
      const queue = await explain(c, schema, `JOB_LIST_QUEUE_${dir}`, { ...args, queue: "q1" });
      expectIndex(queue, "jobs_queue_id", analyzed);
      expect(queue).not.toContain("jobs_pkey");
      const span = await explain(c, schema, `JOB_LIST_SPAN_${dir}`, {
        ...args,
        lo: "0",
        hi: "1",
        created_after: 5,
      });
      expectIndex(span, "jobs_pkey", analyzed);
      expect(span).toMatch(/(Index|Recheck) Cond: \(\(id >=/);
      // A cursor is a seek on the index (Index Cond), not a filter: a deep page reads one page.
      const cmp = dir === "DESC" ? "<" : ">";
      const at = "000000010000-0000";
      const seek = new RegExp(
        `(Index|Recheck) Cond: .*\\(j\\.id ${cmp} '${at}'::text\\)|(Index|Recheck) Cond: .*\\(id ${cmp} '${at}'::text\\)`,
      );
      for (const [name, extra] of [
        [`JOB_LIST_STATE_${dir}`, { states: ["failed"] }],
        [`JOB_LIST_TASK_${dir}`, { task: "task-2" }],
        [`JOB_LIST_QUEUE_${dir}`, { queue: "q1" }],
        [`JOB_LIST_${dir}`, { states: null }],
      ] as const) {
        const p = await explain(c, schema, name, { ...args, ...extra, after: at });
        expect(p, `${name} analyzed=${analyzed}`).toMatch(seek);
      }
    }
    const probe = await explain(c, schema, "JOB_LIST_RANGE_PROBE", {
      created_after: 5000,
      created_before: 6000,
      cap: 10,
    });
    expect(probe, `analyzed=${analyzed}`).toMatch(/Index Only Scan using jobs_created/);
  }

  const scan = async (where: string, order: "desc" | "asc") =>
    (await c.query(`SELECT id FROM ${t} WHERE ${where} ORDER BY id ${order}`)).rows.map(
      (r: { id: string }) => r.id,
    );
  const cases: [JobListParams, string][] = [
    [{ state: "cancelled" }, "state = 'cancelled'"],
    [
      { state: ["failed", "cancelled", "failed"], queue: "q2" },
      "state IN ('failed', 'cancelled') AND queue = 'q2'",
    ],
    [{ task: "task-3", state: "failed" }, "task = 'task-3' AND state = 'failed'"],
    [{ task: "task-1", queue: "q0" }, "task = 'task-1' AND queue = 'q0'"],
    [{ queue: "q1" }, "queue = 'q1'"],
    [{ queue: "q2", createdBefore: 2_000 }, "queue = 'q2' AND created_at < 2000"],
    [{ createdAfter: 100_000, createdBefore: 103_000 }, "created_at >= 100000 AND created_at < 103000"],
    [
      { createdAfter: 100_000, createdBefore: 103_000, state: "failed" },
      "created_at >= 100000 AND created_at < 103000 AND state = 'failed'",
    ],
    [{ createdAfter: 10 ** 9 }, "created_at >= 1000000000"],
    [{ createdBefore: 2_000, task: "task-0" }, "created_at < 2000 AND task = 'task-0'"],
  ];
  for (const [params, where] of cases) {
    for (const order of ["desc", "asc"] as const) {
      expect(await walk(backend, { ...params, order, limit: 50 }), `${where} ${order}`).toEqual(
        await scan(where, order),
      );
    }
  }
  expect((await scan("created_at >= 100000 AND created_at < 103000", "asc")).length).toBeGreaterThan(100);
  expect(RANGE_PROBE_MAX).toBeGreaterThan(300);
  expect((await backend.jobList({ state: [] })).jobs).toEqual([]);
}, 180_000);
