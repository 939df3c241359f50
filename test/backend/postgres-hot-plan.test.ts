/**
 * PostgreSQL: the hot statements (claims, the one-statement completion) touch the jobs they
 * move through an index, never by scanning the table. The claims once joined their locked ids
 * as a table, and the planner hash-joined that with a sequential scan of every job (finished
 * ones too): 21 of a 225-job claim's 32 ms with 22,000 jobs stored. Plans are checked with
 * EXPLAIN (not by speed) on a store shaped like the bench's (a big backlog, many leases,
 * finished jobs), after ANALYZE, both as planned for the given values and as a prepared
 * statement reused many times may be planned (a generic plan), since spool's statements are
 * named and reused.
 */
import { createRequire } from "node:module";
import type pg from "pg";
import { afterAll, expect, test } from "vitest";
import { prepareStatements, type Statements } from "../../src/backend/postgres/statements.js";
import { migratedPostgres, requirePostgres } from "../support/postgres.js";

requirePostgres("the PostgreSQL hot-path plan tests");

/** node-postgres' own encoding of a parameter (arrays as array literals), for EXECUTE's literals. */
const { prepareValue } = createRequire(import.meta.url)("pg/lib/utils.js") as {
  prepareValue: (v: unknown) => unknown;
};

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function explain(
  c: pg.Client,
  schema: string,
  name: keyof Statements,
  params: Record<string, unknown>,
  generic: boolean,
): Promise<string> {
  const st = prepareStatements(schema)[name];
  const values = st.params.map((p) => (p in params ? params[p] : null));
  let r: pg.QueryResult;
  if (generic) {
    await c.query("SET plan_cache_mode = force_generic_plan");
    await c.query(`PREPARE hot AS ${st.text}`);
    const literal = (v: unknown) => (v === null ? "NULL" : c.escapeLiteral(String(prepareValue(v))));
    try {
      r = await c.query(`EXPLAIN EXECUTE hot(${values.map(literal).join(", ")})`);
    } finally {
      await c.query("DEALLOCATE hot");
      await c.query("RESET plan_cache_mode");
    }
  } else r = await c.query({ text: `EXPLAIN ${st.text}`, values });
  return (r.rows as { "QUERY PLAN": string }[]).map((x) => x["QUERY PLAN"]).join("\n");
}

test("claims and the batch completion reach their jobs by index, never by a table scan", async () => {
  const { schema, client: c } = await migratedPostgres(cleanups);
  const t = `"${schema}".jobs`;
  // 20,000 queued, 1,000 running (one worker's leases), 5,000 completed.
  await c.query(`INSERT INTO ${t} (id, task, queue, state, priority, run_at, max_attempts, input, created_at,
      lease_token, lease_expires_at, finished_at, updated_at)
    SELECT 'job-' || lpad(i::text, 8, '0'), 'noop', 'default',
      CASE WHEN i <= 1000 THEN 'running' WHEN i <= 6000 THEN 'completed' ELSE 'queued' END, 0, i, 3, '{}', i,
      CASE WHEN i <= 1000 THEN 'tok' END, CASE WHEN i <= 1000 THEN 10000000 END,
      CASE WHEN i > 1000 AND i <= 6000 THEN i END, i
    FROM generate_series(1, 26000) AS i`);
  await c.query(`ANALYZE ${t}`);
  const ids = Array.from({ length: 225 }, (_, i) => `job-${String(i + 1).padStart(8, "0")}`);
  const claim = { queue: "default", limit: 225, token: "t", worker_id: "w", lease_ms: 30_000 };
  const cases: [keyof Statements, Record<string, unknown>, RegExp][] = [
    ["JOB_CLAIM_FAST", claim, /Index Scan using jobs_pkey on jobs j/],
    ["JOB_CLAIM", { ...claim, now: 1 }, /Index Scan using jobs_pkey on jobs j/],
    ["JOB_CLAIM_TASKS", { ...claim, now: 1, tasks: ["noop"] }, /Index Scan using jobs_pkey on jobs j/],
    [
      "JOB_COMPLETE_FAST",
      { ids, tokens: ids.map(() => "tok"), results: ids.map(() => null) },
      /Index Scan using \w+ on jobs j/,
    ],
  ];
  for (const generic of [false, true]) {
    for (const [name, params, index] of cases) {
      const plan = await explain(c, schema, name, params, generic);
      expect(plan, `${name} generic=${generic}:\n${plan}`).not.toMatch(/Seq Scan on jobs/);
      expect(plan, `${name} generic=${generic}:\n${plan}`).toMatch(index);
    }
  }
}, 120_000);
