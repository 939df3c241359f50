/**
 * The served OpenAPI document: a valid OpenAPI 3.1 document, with an operationId on every
 * operation, `servers`, integer query parameters, and every status the middleware can give.
 * The check that every answer the HTTP tests see fits it lives in the setup file
 * (test/support/openapi-fetch-setup.ts); here we prove that check is on and catches drift.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenApiChecker } from "../support/openapi-check.js";
import { answersChecked } from "../support/openapi-fetch-setup.js";
import { startTestServer, type TestServer } from "./helpers.js";

// biome-ignore lint/suspicious/noExplicitAny: the document is inspected as plain JSON
type Json = any;

let t: TestServer;
let doc: Json;
beforeAll(async () => {
  t = await startTestServer();
  doc = (await t.api("/api/openapi.json", { token: null })).body;
});
afterAll(async () => {
  await t.close();
});

function operations(): { method: string; path: string; op: Json }[] {
  return Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Json>).map(([method, op]) => ({ method, path, op })),
  );
}

describe("the served OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe("3.1.0");
  });

  it("names every operation (unique operationIds) and the server it came from", () => {
    const ids = operations().map(({ op }) => op.operationId);
    expect(ids.every((id) => typeof id === "string" && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(["enqueueJob", "cancelJob", "deleteJob", "listJobs"]));
    expect(doc.servers).toEqual([{ url: t.url, description: expect.any(String) }]);
  });

  it("types limit and next as integers", () => {
    const param = (path: string, name: string) =>
      doc.paths[path].get.parameters.find((p: Json) => p.name === name).schema;
    expect(param("/api/jobs", "limit")).toMatchObject({ type: "integer", minimum: 1, maximum: 1000 });
    expect(param("/api/workflows", "limit")).toMatchObject({ type: "integer", minimum: 1, maximum: 1000 });
    expect(param("/api/jobs/{id}/logs", "limit")).toMatchObject({ type: "integer" });
    expect(param("/api/schedules", "next")).toMatchObject({ type: "integer", minimum: 0, maximum: 100 });
  });

  it("documents 400, 413, 415, 500 and 503 everywhere, 401 and 429 unless public, 403 and the CSRF header on mutating calls", () => {
    for (const { method, path, op } of operations()) {
      const statuses = Object.keys(op.responses);
      expect(statuses, `${method} ${path}`).toEqual(
        expect.arrayContaining(["400", "413", "415", "500", "503"]),
      );
      const isPublic = Array.isArray(op.security) && op.security.length === 0;
      if (!isPublic) expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(["401", "429"]));
      if ((method === "post" || method === "delete") && !isPublic) {
        expect(statuses, `${method} ${path}`).toContain("403");
        const header = (op.parameters ?? [])
          .map((p: Json) => (p.$ref ? doc.components.parameters[p.$ref.split("/").pop()] : p))
          .find((p: Json) => p.in === "header" && p.name === "X-Spool-Request");
        expect(header, `${method} ${path}`).toBeDefined();
      }
    }
  });
});

describe("the response check", () => {
  it("is on: the answers of this file's requests were checked", async () => {
    const before = answersChecked();
    await t.api("/api/jobs");
    await t.api("/api/jobs/nope", { method: "DELETE" });
    expect(answersChecked()).toBe(before + 2);
  });

  it("catches an undocumented status, a body outside its schema and an undeclared content type", () => {
    const checker = new OpenApiChecker(doc);
    const url = `${t.url}/api/jobs/0190f1e2-7c3a-7cc2-8d1e-3b5a9b1c2d3e`;
    const json = "application/json";
    expect(
      checker.check({
        method: "DELETE",
        url,
        status: 200,
        contentType: json,
        body: '{"id":"x","state":null}',
      }),
    ).toEqual([]);
    expect(checker.check({ method: "DELETE", url, status: 418, contentType: json, body: "{}" })[0]).toMatch(
      /status not documented/,
    );
    expect(
      checker.check({
        method: "DELETE",
        url,
        status: 200,
        contentType: json,
        body: '{"id":"x","state":"completed"}',
      })[0],
    ).toMatch(/body\/state/);
    expect(
      checker.check({ method: "GET", url, status: 200, contentType: "text/html", body: "<p>" })[0],
    ).toMatch(/content type "text\/html" not declared/);
    expect(
      checker.check({
        method: "GET",
        url: `${t.url}/api/jobs?limit=5`,
        status: 200,
        contentType: json,
        body: '{"jobs":[{}],"nextCursor":null}',
      })[0],
    ).toMatch(/must have required property/);
    // Not described at all: the server's ROUTE_NOT_FOUND, nothing to check.
    expect(checker.check({ method: "PUT", url, status: 404, contentType: json, body: "{}" })).toEqual([]);
  });
});
