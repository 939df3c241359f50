/**
 * OpenTelemetry spans, checked with a tiny in-memory TracerProvider written against
 * `@opentelemetry/api` alone (no SDK dependency).
 */
import { randomBytes } from "node:crypto";
import {
  type Attributes,
  type Context,
  context,
  isSpanContextValid,
  type Span,
  type SpanContext,
  SpanKind,
  type SpanOptions,
  type SpanStatus,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from "@opentelemetry/api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { waitFor } from "../support/wait-for.js";
import { startTestServer, type TestServer } from "./helpers.js";

class TestSpan implements Span {
  attributes: Attributes;
  events: { name: string; attributes?: Attributes }[] = [];
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  ended = false;
  constructor(
    public name: string,
    readonly kind: SpanKind,
    private readonly ctx: SpanContext,
    readonly parentSpanId: string | undefined,
    attributes: Attributes | undefined,
    private readonly sink: TestSpan[],
  ) {
    this.attributes = { ...attributes };
  }
  spanContext() {
    return this.ctx;
  }
  setAttribute(key: string, value: Attributes[string]) {
    this.attributes[key] = value;
    return this;
  }
  setAttributes(attributes: Attributes) {
    Object.assign(this.attributes, attributes);
    return this;
  }
  addEvent(name: string, attributes?: Attributes) {
    this.events.push(attributes === undefined ? { name } : { name, attributes });
    return this;
  }
  addLink() {
    return this;
  }
  addLinks() {
    return this;
  }
  setStatus(status: SpanStatus) {
    this.status = status;
    return this;
  }
  updateName(name: string) {
    this.name = name;
    return this;
  }
  end() {
    this.ended = true;
    this.sink.push(this);
  }
  isRecording() {
    return !this.ended;
  }
  recordException(exception: unknown) {
    this.addEvent("exception", { "exception.message": String((exception as Error).message ?? exception) });
  }
}

class TestTracer implements Tracer {
  readonly finished: TestSpan[] = [];
  startSpan(name: string, options: SpanOptions = {}, ctx: Context = context.active()): Span {
    const parent = trace.getSpanContext(ctx);
    const valid = parent !== undefined && isSpanContextValid(parent);
    const spanContext: SpanContext = {
      traceId: valid ? parent.traceId : randomBytes(16).toString("hex"),
      spanId: randomBytes(8).toString("hex"),
      traceFlags: 1,
    };
    return new TestSpan(
      name,
      options.kind ?? SpanKind.INTERNAL,
      spanContext,
      valid ? parent.spanId : undefined,
      options.attributes,
      this.finished,
    );
  }
  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...args: unknown[]): ReturnType<F> {
    const fn = args.at(-1) as F;
    const options = (typeof args[0] === "object" ? args[0] : {}) as SpanOptions;
    const span = this.startSpan(name, options);
    return context.with(trace.setSpan(context.active(), span), () => fn(span)) as ReturnType<F>;
  }
}

const tracer = new TestTracer();
const provider: TracerProvider = { getTracer: () => tracer };

let t: TestServer;
beforeAll(async () => {
  expect(trace.setGlobalTracerProvider(provider)).toBe(true);
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
  trace.disable();
});
beforeEach(() => {
  tracer.finished.length = 0;
});

const byName = (name: string) => tracer.finished.filter((s) => s.name === name);
const runOf = (jobId: string) =>
  tracer.finished.find((s) => s.kind === SpanKind.CONSUMER && s.attributes["messaging.message.id"] === jobId);

describe("OpenTelemetry tracing", () => {
  it("an enqueue makes a producer span whose context rides in meta.traceparent", async () => {
    const { body } = await t.api("/api/jobs", { body: { task: "add", input: { a: 1, b: 2 } } });
    const [send] = byName("send add");
    expect(send).toBeDefined();
    expect(send!.kind).toBe(SpanKind.PRODUCER);
    expect(send!.attributes).toMatchObject({
      "messaging.system": "spool",
      "messaging.operation.type": "send",
      "messaging.destination.name": "default",
      "messaging.message.id": body.id,
      "spool.task": "add",
    });
    const job = await t.api(`/api/jobs/${body.id}`);
    const sc = send!.spanContext();
    expect(job.body.meta.traceparent).toBe(`00-${sc.traceId}-${sc.spanId}-01`);
  });

  it("each execution is a consumer span in the producer's trace", async () => {
    const worker = t.spool.worker({ queues: ["default"] });
    await worker.start();
    let ok = "";
    let bad = "";
    try {
      ok = (await t.api("/api/jobs", { body: { task: "add", input: { a: 1, b: 2 } } })).body.id;
      bad = (await t.api("/api/jobs", { body: { task: "boom", input: null } })).body.id;
      await t.api(`/api/jobs/${ok}/result?wait=10s`);
      await t.api(`/api/jobs/${bad}/result?wait=10s`);
      await waitFor(() => runOf(ok) && runOf(bad));
    } finally {
      await worker.stop();
    }
    const [sendAdd] = byName("send add").filter((s) => s.attributes["messaging.message.id"] === ok);
    const processAdd = runOf(ok);
    expect(processAdd!.kind).toBe(SpanKind.CONSUMER);
    expect(processAdd!.spanContext().traceId).toBe(sendAdd!.spanContext().traceId);
    expect(processAdd!.parentSpanId).toBe(sendAdd!.spanContext().spanId);
    expect(processAdd!.attributes).toMatchObject({
      "messaging.operation.type": "process",
      "messaging.destination.name": "default",
      "spool.task": "add",
      "spool.attempt": 1,
      "spool.outcome": "completed",
    });
    expect(processAdd!.status.code).toBe(SpanStatusCode.UNSET);

    const processBoom = runOf(bad);
    expect(processBoom!.parentSpanId).toBe(byName("send boom")[0]!.spanContext().spanId);
    expect(processBoom!.status).toEqual({ code: SpanStatusCode.ERROR, message: "boom!" });
    expect(processBoom!.events[0]).toMatchObject({
      name: "exception",
      attributes: { "exception.type": "Error", "exception.message": "boom!" },
    });
  });

  it("a caller's own meta.traceparent wins and becomes the parent of the run", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const spanId = "00f067aa0ba902b7";
    let id = "";
    const worker = t.spool.worker({ queues: ["echo"] });
    await worker.start();
    try {
      const { body } = await t.api("/api/jobs", {
        body: { task: "echo", input: 1, options: { meta: { traceparent: `00-${traceId}-${spanId}-01` } } },
      });
      await t.api(`/api/jobs/${body.id}/result?wait=10s`);
      id = body.id;
      await waitFor(() => runOf(body.id));
    } finally {
      await worker.stop();
    }
    const run = runOf(id);
    expect(run!.spanContext().traceId).toBe(traceId);
    expect(run!.parentSpanId).toBe(spanId);
  });

  it("a bulk enqueue is one producer span; a refused enqueue records the error", async () => {
    await t.api("/api/jobs/bulk", {
      body: {
        jobs: [
          { task: "echo", input: 1 },
          { task: "add", input: { a: 1, b: 1 } },
        ],
      },
    });
    const [batch] = byName("send batch");
    expect(batch!.attributes["messaging.batch.message_count"]).toBe(2);
    await expect(t.spool.enqueue("missing-task", {})).rejects.toThrow(/unknown task/);
    const [failed] = byName("send missing-task");
    expect(failed!.status.code).toBe(SpanStatusCode.ERROR);
  });

  it("workflow jobs and schedule fires go through the same pipeline: each carries its producer span's context", async () => {
    const step = t.spool.task({ name: "traced.step", run: (n: number) => n + 1 });
    await t.spool.chain(step.with(1), step.with()).enqueue();
    const [batch] = byName("send batch");
    expect(batch!.attributes["messaging.batch.message_count"]).toBe(2);
    const sc = batch!.spanContext();
    const nodes = (await t.spool.jobs.list({ task: "traced.step" })).jobs;
    expect(nodes).toHaveLength(2);
    for (const job of nodes) expect(job.meta.traceparent).toBe(`00-${sc.traceId}-${sc.spanId}-01`);

    await t.spool.schedule("traced-hourly", { every: "1h" }, step.with(5)).ready;
    const id = await t.spool.schedules.run("traced-hourly");
    const fire = byName("send traced.step").find((s) => s.attributes["messaging.message.id"] === id);
    expect(fire).toBeDefined();
    const fc = fire!.spanContext();
    expect((await t.spool.job(id).get()).meta.traceparent).toBe(`00-${fc.traceId}-${fc.spanId}-01`);
  });

  it("a malformed traceparent is ignored: the run starts its own trace", async () => {
    let id = "";
    const worker = t.spool.worker({ queues: ["echo"] });
    await worker.start();
    try {
      const { body } = await t.api("/api/jobs", {
        body: { task: "echo", input: 2, options: { meta: { traceparent: "00-zz-yy-01" } } },
      });
      await t.api(`/api/jobs/${body.id}/result?wait=10s`);
      id = body.id;
      await waitFor(() => runOf(body.id));
    } finally {
      await worker.stop();
    }
    expect(runOf(id)!.parentSpanId).toBeUndefined();
  });
});
