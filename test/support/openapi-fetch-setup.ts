/**
 * Every HTTP test checks what it sees against the OpenAPI document (vitest setup file).
 *
 * `fetch` is wrapped: each answer from a spool server under `/api/` is checked against the
 * document that same server serves at `/api/openapi.json` (fetched once per server), by
 * `OpenApiChecker`: documented status, declared content type, body valid against its schema.
 * A test that saw an answer the document does not allow fails in `afterEach`, naming it. So
 * the document cannot drift from the server: any answer a test provokes is covered.
 * Server-Sent Event streams are checked by status and content type only (never read here).
 */
import { afterEach } from "vitest";
import { OpenApiChecker } from "./openapi-check.js";

const COUNTER = Symbol.for("spool.test.openapiChecked");
type Counted = typeof globalThis & { [COUNTER]?: number };

/** How many answers were checked so far in this test file (test/http/openapi.test.ts reads it). */
export function answersChecked(): number {
  return (globalThis as Counted)[COUNTER] ?? 0;
}

const original = globalThis.fetch;
const checkers = new Map<string, Promise<OpenApiChecker | null>>();
const problems: string[] = [];

function checkerFor(origin: string): Promise<OpenApiChecker | null> {
  let checker = checkers.get(origin);
  if (!checker) {
    checker = original(`${origin}/api/openapi.json`)
      .then(async (res) => {
        if (res.status !== 200) return null;
        const doc = (await res.json()) as { openapi?: unknown };
        return typeof doc.openapi === "string" ? new OpenApiChecker(doc as Record<string, unknown>) : null;
      })
      .catch(() => null);
    checkers.set(origin, checker);
  }
  return checker;
}

function describe(input: Parameters<typeof fetch>[0], init: Parameters<typeof fetch>[1]) {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  const method = init?.method ?? (input instanceof Request ? input.method : "GET");
  return { url, method };
}

globalThis.fetch = async (input, init) => {
  const res = await original(input, init);
  const { url, method } = describe(input, init);
  const where = new URL(url);
  if (!where.pathname.startsWith("/api/") || where.pathname === "/api/openapi.json") return res;
  const checker = await checkerFor(where.origin);
  if (!checker) return res;
  const contentType = res.headers.get("content-type");
  let body: string | undefined;
  if (!contentType?.startsWith("text/event-stream")) {
    try {
      body = await res.clone().text();
    } catch {
      return res; // the test aborted the request: nothing to check
    }
  }
  problems.push(...checker.check({ method, url, status: res.status, contentType, body }));
  (globalThis as Counted)[COUNTER] = answersChecked() + 1;
  return res;
};

afterEach(() => {
  const seen = problems.splice(0);
  if (seen.length)
    throw new Error(`answers the served OpenAPI document does not allow:\n${seen.slice(0, 20).join("\n")}`);
});
