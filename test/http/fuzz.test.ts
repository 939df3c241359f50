/**
 * Seeded fuzzing of the HTTP surface: thousands of malformed, mistyped, oversized or
 * unauthorised requests. Every one must get a 4xx JSON error, the server must stay up, and
 * no job may be written (nor a real schedule run or paused, nor a real workflow cancelled). Set SPOOL_FUZZ_SEED to replay a failing run.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, READ, startTestServer, type TestServer } from "./helpers.js";

const SEED = Number(process.env.SPOOL_FUZZ_SEED ?? 0x5eed);
const CASES = Number(process.env.SPOOL_FUZZ_CASES ?? 2400);
const BODY_LIMIT = 64 * 1024;

/** mulberry32: small, fast, deterministic. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof rng>;

interface Case {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

const adminHeaders = () => ({
  authorization: `Bearer ${ADMIN}`,
  "content-type": "application/json",
  "x-spool-request": "1",
});

function randomText(r: Rng, max: number): string {
  const alphabet = Array.from('{}[]":,.0123456789abcdefxyz \\/\n\t\u0000é€😀-+eEtrufalsn');
  let s = "";
  const n = r.int(max);
  for (let i = 0; i < n; i++) s += alphabet[r.int(alphabet.length)];
  return s;
}

function notJson(r: Rng): string {
  const valid = JSON.stringify({ task: "add", input: { a: 1, b: 2 } });
  const options = [
    () => valid.slice(0, 1 + r.int(valid.length - 2)), // truncated
    () => `${valid}${r.pick(["}", "]", ",", "x", "{}"])}`, // trailing garbage
    () => `{${randomText(r, 40)}`,
    () => "[".repeat(1 + r.int(20000)),
    () =>
      `{"task": "add", "input": ${r.pick(["undefined", "NaN", "Infinity", "'x'", "01", "0x10", "{a:1}"])}}`,
    () => r.pick(["", " ", "nul", "tru", "{'task':'add'}", "\u0000", "\uFEFF{"]),
  ];
  let text = r.pick(options)();
  // Make sure it really is not JSON (a random truncation can land on valid JSON).
  for (;;) {
    try {
      JSON.parse(text);
      text += "}x";
    } catch {
      return text;
    }
  }
}

const BAD_VALUES: Record<string, unknown[]> = {
  task: [null, 1, true, [], {}, "", "x".repeat(201), "unknown.task", "has space", "ünïcode"],
  delay: [-1, "soon", "", "10 parsecs", true, [], {}, null, "1h30", 1e14],
  runAt: ["yesterday", "2024-13-45T00:00:00Z", -5, 1.5, true, {}, [], null, "2024-01-01"],
  priority: [1.5, "high", 2_000_000, -2_000_000, null, [], {}, Number.MAX_SAFE_INTEGER],
  key: ["", 1, null, [], {}, "k".repeat(600)],
  queue: ["", "bad queue", "q!", 1, null, [], "x".repeat(201)],
  attempts: [0, -1, 1.5, "3", null, 1001, []],
  meta: ["x", 1, [], null, true],
  timeout: [-5, "never", {}, []],
};

function wrongTypes(r: Rng): unknown {
  const body: Record<string, unknown> = { task: "add", input: { a: 1, b: 2 } };
  const options: Record<string, unknown> = {};
  const style = r.int(6);
  if (style === 0) body.task = r.pick(BAD_VALUES.task!);
  else if (style === 1) {
    const field = r.pick(Object.keys(BAD_VALUES).filter((k) => k !== "task"));
    options[field] = r.pick(BAD_VALUES[field]!);
    body.options = options;
  } else if (style === 2) body[r.pick(["extra", "Task", "opts", "__proto__x", "id"])] = r.int(10);
  else if (style === 3) body.options = r.pick([1, "x", [], true, { bogus: 1 }]);
  else if (style === 4) return r.pick([null, 1, "str", true, [], [body]]);
  else delete body.task;
  return body;
}

function bulkBody(r: Rng): unknown {
  const n = 1 + r.int(5);
  const jobs: unknown[] = Array.from({ length: n }, () => ({ task: "add", input: { a: 1, b: 2 } }));
  const style = r.int(4);
  if (style === 0) jobs[r.int(n)] = wrongTypes(r);
  else if (style === 1) return { jobs: [] };
  else if (style === 2) return { jobs: r.pick([null, 1, "x", {}]) };
  else return { jobs, extra: true };
  return { jobs };
}

function makeCase(r: Rng, i: number): Case {
  const kind = r.pick([
    "malformed-json",
    "wrong-types",
    "bulk",
    "huge-body",
    "content-type",
    "auth",
    "csrf",
    "query",
    "path",
    "missing-target",
  ]);
  const path = r.pick(["/api/jobs", "/api/jobs/bulk"]);
  switch (kind) {
    case "malformed-json":
      return { kind, method: "POST", path, headers: adminHeaders(), body: notJson(r) };
    case "wrong-types":
      return {
        kind,
        method: "POST",
        path: "/api/jobs",
        headers: adminHeaders(),
        body: JSON.stringify(wrongTypes(r)),
      };
    case "bulk":
      return {
        kind,
        method: "POST",
        path: "/api/jobs/bulk",
        headers: adminHeaders(),
        body: JSON.stringify(bulkBody(r)),
      };
    case "huge-body": {
      const size = BODY_LIMIT + 1 + r.int(BODY_LIMIT * 3);
      const body = r.chance(0.5)
        ? JSON.stringify({ task: "add", input: { pad: "x".repeat(size) } })
        : new Uint8Array(size).fill(0x41 + (i % 26));
      return { kind, method: "POST", path, headers: adminHeaders(), body };
    }
    case "content-type": {
      const type = r.pick([
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
        "application/xml",
        "json",
        "*/*",
        "",
        "text/json",
        "application/javascript",
      ]);
      const headers: Record<string, string> = { ...adminHeaders(), "content-type": type };
      return {
        kind,
        method: "POST",
        path,
        headers,
        body: JSON.stringify({ task: "add", input: { a: 1, b: 2 } }),
      };
    }
    case "auth": {
      const headers: Record<string, string> = adminHeaders();
      const auth = r.pick([
        null,
        "",
        "Bearer",
        "Bearer ",
        `Bearer ${ADMIN}x`,
        `Bearer ${ADMIN.toUpperCase()}`,
        `Basic ${Buffer.from(`admin:${ADMIN}`).toString("base64")}`,
        `Token ${ADMIN}`,
        `Bearer ${Array.from(randomText(r, 60))
          .filter((ch) => ch > " " && ch < "\u007f")
          .join("")}x`,
        `Bearer ${"a".repeat(2000 + r.int(5000))}`,
        `Bearer ${READ}`, // read token on a mutating call
        `Bearer  ${ADMIN} extra`,
      ]);
      if (auth === null) delete (headers as Record<string, string | undefined>).authorization;
      else headers.authorization = auth;
      const target = r.pick([
        ["POST", "/api/jobs"],
        ["POST", "/api/jobs/bulk"],
        ["POST", "/api/queues/default/pause"],
        ["DELETE", "/api/jobs/some-id"],
        ["POST", "/api/jobs/some-id/retry"],
        // Real targets: an accepted call would change them (checked at the end).
        ["POST", `/api/schedules/${SCHEDULE}/run`],
        ["POST", `/api/schedules/${SCHEDULE}/pause`],
        ["POST", `/api/workflows/${workflowId}/cancel`],
      ] as const);
      return {
        kind,
        method: target[0],
        path: target[1],
        headers,
        body: target[0] === "POST" ? JSON.stringify({ task: "add", input: { a: 1, b: 2 } }) : undefined,
      };
    }
    case "csrf": {
      // A dashboard session (cookie) with a missing or wrong CSRF token: bearer calls need none.
      const headers: Record<string, string> = { cookie: session.cookie, "content-type": "application/json" };
      const value = r.pick([null, "", "0", "1", "true", " 1x", session.csrf.slice(1), `${session.csrf}x`]);
      if (value === null) delete (headers as Record<string, string | undefined>)["x-spool-request"];
      else headers["x-spool-request"] = value;
      return {
        kind,
        method: "POST",
        path: r.chance(0.5)
          ? path
          : r.pick([
              `/api/schedules/${SCHEDULE}/run`,
              `/api/schedules/${SCHEDULE}/pause`,
              `/api/schedules/${SCHEDULE}/resume`,
              `/api/workflows/${workflowId}/cancel`,
            ]),
        headers,
        body: JSON.stringify({ task: "add", input: { a: 1, b: 2 } }),
      };
    }
    case "query": {
      const q = r.pick([
        `/api/jobs?limit=${r.pick(["abc", "0", "-1", "1001", "99999", "1.5", "", "1e3x", " 5"])}`,
        `/api/jobs?state=${r.pick(["bogus", "active", "QUEUED", ",", "queued,,x", "completed;drop"])}`,
        `/api/jobs?order=${r.pick(["sideways", "ASC", "", "1"])}`,
        `/api/jobs?createdAfter=${r.pick(["yesterday", "-1", "1.5", "2024-99-01T00:00:00Z", ""])}`,
        `/api/jobs?createdBefore=${encodeURIComponent(randomText(r, 20))}x`,
        `/api/jobs?cursor=${r.pick(["!!!!", "~~~~", "%2A%2A", "c".repeat(600)])}`,
        `/api/jobs?search=${"s".repeat(201 + r.int(100))}`,
        `/api/jobs?unknown=${r.int(100)}`,
        `/api/jobs?queue=&task=`,
        `/api/jobs?state=queued&state=running&state=x`,
        `/api/jobs/some-id/result?wait=${r.pick(["forever", "-1s", "1 parsec", "", "10y"])}`,
        `/api/jobs/some-id/logs?limit=${r.pick(["x", "0", "-5", "100000"])}`,
        `/api/events?${r.pick(["bogus=1", "queue=", "job=", `type=${"t".repeat(300)}`])}`,
        `/api/queues?x=${r.int(10)}`.replace("/api/queues?x", "/api/queuez?x"),
        `/api/schedules?next=${r.pick(["101", "-1", "x", "1.5", "", "1e2", "9999"])}`,
        `/api/schedules/${SCHEDULE}?next=${r.pick(["abc", "1000", " 3"])}`,
        `/api/schedules?${r.pick(["bogus=1", "name=x", "next=1&next=2"])}`,
        `/api/workflows?limit=${r.pick(["abc", "0", "-1", "1001", "1.5", ""])}`,
        `/api/workflows?order=${r.pick(["sideways", "ASC", ""])}`,
        `/api/workflows?${r.pick(["cursor=", `cursor=${"c".repeat(600)}`, "state=running", "unknown=1"])}`,
        `/api/workflows/${workflowId}/graph?${r.pick(["x=1", "limit=5"])}`,
        `/api/events?${r.pick(["schedule=", "workflow=", `workflow=missing-${r.int(1e6)}`, `workflow=${Array.from({ length: 21 }, (_, k) => `w${k}`).join(",")}`])}`,
      ]);
      return { kind, method: "GET", path: q, headers: { authorization: `Bearer ${READ}` } };
    }
    case "path": {
      const p = r.pick([
        "/api/jobs/%ZZ",
        "/api/jobs/%00",
        `/api/jobs/${"i".repeat(201 + r.int(300))}`,
        "/api/jobs/../../etc/passwd",
        "/api/../api/jobz",
        `/api/${randomText(r, 10).replace(/[^a-z]/g, "") || "x"}zz`,
        "/api/jobs/x/y/z",
        "/api/queues/bad%20name/pause",
        "/api/queues/%E2%82%AC/resume",
        `/api/queues/${"q".repeat(250)}/pause`,
        "/metricsx",
        "/",
        `/api/schedules/${"s".repeat(201 + r.int(100))}`,
        `/api/schedules/${"s".repeat(201 + r.int(100))}/run`,
        "/api/schedules/x/y/z",
        `/api/schedules/${SCHEDULE}/explode`,
        `/api/schedules/%E2%82%AC/${r.pick(["pause", "resume", "run"])}`,
        `/api/workflows/${"w".repeat(201 + r.int(100))}/cancel`,
        `/api/workflows/${workflowId}/graph/x`,
        `/api/workflows/${workflowId}/uncancel`,
        "/api/workflows/%ZZ/graph",
      ]);
      const method = r.pick(["GET", "POST", "PUT", "PATCH", "DELETE"]);
      const body = method === "GET" ? undefined : "{}";
      return { kind, method, path: p, headers: adminHeaders(), body };
    }
    default: {
      const id = `missing-${i}-${r.int(1e9)}`;
      const target = r.pick([
        ["POST", `/api/jobs/${id}/cancel`],
        ["POST", `/api/jobs/${id}/retry`],
        ["DELETE", `/api/jobs/${id}`],
        ["GET", `/api/jobs/${id}`],
        ["GET", `/api/jobs/${id}/logs`],
        ["GET", `/api/jobs/${id}/result?wait=0`],
        ["GET", `/api/schedules/${id}`],
        ["POST", `/api/schedules/${id}/pause`],
        ["POST", `/api/schedules/${id}/resume`],
        ["POST", `/api/schedules/${id}/run`],
        ["GET", `/api/workflows/${id}`],
        ["GET", `/api/workflows/${id}/graph`],
        ["POST", `/api/workflows/${id}/cancel`],
      ] as const);
      return { kind, method: target[0], path: target[1], headers: adminHeaders() };
    }
  }
}

let t: TestServer;
/** A real schedule and a real pending workflow: no fuzzed request may touch them. */
const SCHEDULE = "fuzz-schedule";
let workflowId = "";
/** An admin dashboard session, for the CSRF cases. */
const session = { cookie: "", csrf: "" };
beforeAll(async () => {
  // The API only: the dashboard's page at `/` is tested in test/dashboard.
  t = await startTestServer({ bodyLimit: BODY_LIMIT, dashboard: false });
  const login = await fetch(`${t.url}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token: ADMIN }),
  });
  session.cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
  session.csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
  await t.spool.schedule(SCHEDULE, { cron: "0 0 1 1 *" }, { task: "echo", input: "s" }).ready;
  const num = t.spool.task({ name: "fuzz.num", run: (i: number) => i });
  workflowId = (await t.spool.chain(num.with(1, { delay: "1h" }), num.with(2)).enqueue()).id;
});
afterAll(async () => {
  await t.close();
});

async function jobCount(): Promise<number> {
  const backend = await t.spool.backend();
  const queues = await backend.queueList();
  return queues.reduce((n, q) => n + Object.values(q.counts).reduce((a, b) => a + b, 0), 0);
}

describe("HTTP fuzzing", () => {
  it(`answers ${CASES} malformed requests (seed ${SEED}) with 4xx JSON errors and writes nothing`, async () => {
    // A few real jobs, so that "unchanged" is not trivially zero.
    for (let i = 0; i < 3; i++)
      await t.api("/api/jobs", { body: { task: "echo", input: i, options: { delay: "1h" } } });
    const before = await jobCount();
    const scheduleBefore = await t.api(`/api/schedules/${SCHEDULE}`);
    const r = rng(SEED);
    const byKind = new Map<string, Map<number, number>>();
    const failures: string[] = [];
    let prevKind = "";
    let lastKind = "";
    let cutOff = 0;
    for (let i = 0; i < CASES; i++) {
      const c = makeCase(r, i);
      if (i > 0) prevKind = lastKind;
      lastKind = c.kind;
      let status = 0;
      let code = "";
      try {
        const res = await fetch(t.url + c.path, {
          method: c.method,
          headers: c.headers,
          body: c.body as RequestInit["body"],
        });
        status = res.status;
        const text = await res.text();
        try {
          code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? "";
        } catch {
          code = "";
        }
      } catch (err) {
        // An oversized upload may be cut off by the server after it answered 413.
        if (c.kind === "huge-body") {
          cutOff++;
          status = 413;
          code = "REQUEST_TOO_LARGE";
        } else
          failures.push(
            `#${i} ${c.kind} ${c.method} ${c.path}: network error ${(err as Error).message} ${String((err as { cause?: unknown }).cause)} prev=${prevKind}`,
          );
      }
      const perKind = byKind.get(c.kind) ?? new Map<number, number>();
      perKind.set(status, (perKind.get(status) ?? 0) + 1);
      byKind.set(c.kind, perKind);
      if (status < 400 || status >= 500 || !code)
        failures.push(
          `#${i} ${c.kind} ${c.method} ${c.path.slice(0, 120)} → ${status} ${code || "(no error code)"} body=${String(
            typeof c.body === "string" ? c.body.slice(0, 120) : c.body ? `<${c.body.length} bytes>` : "",
          )}`,
        );
    }
    const summary = Object.fromEntries([...byKind].map(([k, v]) => [k, Object.fromEntries(v)]));
    expect(failures.slice(0, 20), `seed ${SEED}; statuses ${JSON.stringify(summary)}`).toEqual([]);
    expect(byKind.size).toBe(10);
    const health = await t.api("/api/health", { token: null });
    expect(health.status).toBe(200);
    expect(await jobCount()).toBe(before);
    // The schedule was neither run, paused nor resumed; the workflow was not cancelled.
    expect((await t.api(`/api/schedules/${SCHEDULE}`)).body).toEqual(scheduleBefore.body);
    expect(await t.spool.workflow(workflowId).get()).toMatchObject({
      state: "running",
      counts: { cancelled: 0, scheduled: 1, waiting: 1 },
    });
    // Still fully working afterwards.
    const ok = await t.api("/api/jobs", { body: { task: "add", input: { a: 1, b: 2 } } });
    expect(ok.status).toBe(201);
    console.log(
      `fuzz seed ${SEED}: ${CASES} cases (${cutOff} uploads cut off after 413), statuses by kind ${JSON.stringify(summary)}`,
    );
    // A heavy property test: 2,400 real requests take ~20 s alone and several times that on a
    // loaded machine, so it gets its own budget instead of the suite's 60 s.
  }, 300_000);
});
