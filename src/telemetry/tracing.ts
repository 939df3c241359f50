/**
 * OpenTelemetry spans for enqueue (producer) and execution (consumer), on
 * `@opentelemetry/api` alone: without an SDK registered every call here is a no-op costing a
 * few object allocations, and spool never depends on an SDK.
 *
 * The producer's W3C trace context rides inside the job's `meta` (`meta.traceparent`, and
 * `meta.tracestate` when set), so a job's run joins its producer's trace in whichever
 * process or machine runs it. The `traceparent` text is written and read here
 * (https://www.w3.org/TR/trace-context/) rather than through the global propagator,
 * because the API's default propagator is a no-op until an SDK installs one and the
 * contract promises the field. A `traceparent` the caller already put in `meta` wins.
 *
 * Attributes follow the OpenTelemetry messaging conventions (`messaging.system = "spool"`).
 *
 * The API itself is loaded only once something registered with it: until an SDK (or anything
 * else) installs a global, every API call is a no-op, so spool skips them without loading the
 * package (about 1-7 MiB of a worker's resident memory, and a span object per job). The API
 * keeps its registrations on `globalThis[Symbol.for("opentelemetry.js.api.1")]`, the same key
 * for every copy of API 1.x; it is checked at every call, so an SDK started after spool is
 * still picked up.
 */
import { createRequire } from "node:module";
import type * as OtelApi from "@opentelemetry/api";
import type { Context, Span } from "@opentelemetry/api";
import type { NewJob } from "../backend/backend.js";
import type { JobErrorRecord, LeasedJob } from "../core/types.js";

export const TRACER_NAME = "spool";
export const TRACEPARENT_META = "traceparent";
export const TRACESTATE_META = "tracestate";

/** Where API 1.x keeps its registered providers (see @opentelemetry/api internal/global-utils). */
const API_GLOBAL = Symbol.for("opentelemetry.js.api.1");

let loaded: { api: typeof OtelApi; tracer: OtelApi.Tracer } | null = null;

/** The API and spool's tracer once anything registered with the API, else null (all calls are no-ops). */
function otel(): { api: typeof OtelApi; tracer: OtelApi.Tracer } | null {
  if (loaded) return loaded;
  if ((globalThis as Record<symbol, unknown>)[API_GLOBAL] == null) return null;
  // Synchronous (the API ships CommonJS too): this runs on the enqueue and execution paths.
  const api = createRequire(import.meta.url)("@opentelemetry/api") as typeof OtelApi;
  loaded = { api, tracer: api.trace.getTracer(TRACER_NAME) };
  return loaded;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The `traceparent` header value of a span, or null when it is not sampled-or-valid. */
export function formatTraceparent(span: Span): string | null {
  const o = otel();
  const sc = span.spanContext();
  if (!o?.api.isSpanContextValid(sc)) return null;
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, "0")}`;
}

/** A remote parent context from `meta.traceparent`, or null if absent or malformed. */
export function parentFromMeta(meta: Readonly<Record<string, unknown>>): Context | null {
  const o = otel();
  const text = meta[TRACEPARENT_META];
  if (!o || typeof text !== "string") return null;
  const m = TRACEPARENT.exec(text.trim().toLowerCase());
  if (!m || m[1] === "ff") return null;
  const spanContext = {
    traceId: m[2]!,
    spanId: m[3]!,
    traceFlags: Number.parseInt(m[4]!, 16),
    isRemote: true,
  };
  if (!o.api.isSpanContextValid(spanContext)) return null;
  return o.api.trace.setSpanContext(o.api.ROOT_CONTEXT, spanContext);
}

export interface EnqueueTrace {
  /** Adds the trace context to a job's meta (unless it has its own). */
  stamp(job: NewJob): NewJob;
  end(result: { ids: string[] } | { error: unknown }): void;
}

/** Shared by every enqueue when nothing registered with the API: no span, nothing stamped. */
const UNTRACED_ENQUEUE: EnqueueTrace = { stamp: (job) => job, end: () => {} };

/** One producer span per enqueue call (a bulk call is one span for the batch). */
export function startEnqueueSpan(calls: ReadonlyArray<{ task: string }>): EnqueueTrace {
  const o = otel();
  if (!o) return UNTRACED_ENQUEUE;
  const first = calls[0]?.task ?? "";
  const span = o.tracer.startSpan(`send ${calls.length === 1 ? first : "batch"}`, {
    kind: o.api.SpanKind.PRODUCER,
    attributes: {
      "messaging.system": "spool",
      "messaging.operation.type": "send",
      "messaging.operation.name": "enqueue",
      "messaging.batch.message_count": calls.length,
      "spool.task": first,
    },
  });
  const traceparent = formatTraceparent(span);
  const tracestate = span.spanContext().traceState?.serialize();
  return {
    stamp(job) {
      if (traceparent && !(TRACEPARENT_META in job.meta)) {
        job.meta = tracestate
          ? { ...job.meta, [TRACEPARENT_META]: traceparent, [TRACESTATE_META]: tracestate }
          : { ...job.meta, [TRACEPARENT_META]: traceparent };
      }
      if (calls.length === 1) span.setAttribute("messaging.destination.name", job.queue);
      return job;
    },
    end(result) {
      if ("error" in result) recordError(o.api, span, result.error);
      else if (result.ids.length === 1) span.setAttribute("messaging.message.id", result.ids[0]!);
      span.end();
    },
  };
}

export interface ExecutionTrace {
  /** Runs the handler with the consumer span active (for libraries that read the active context). */
  run<T>(fn: () => T): T;
  end(
    outcome:
      | { kind: "completed" }
      | { kind: "failed"; error: JobErrorRecord }
      | { kind: "dropped" }
      | { kind: "backoff" }
      | { kind: "spawn" },
  ): void;
}

/** Shared by every attempt when no tracer records: no span, no context switch, no allocation. */
const UNTRACED: ExecutionTrace = { run: (fn) => fn(), end: () => {} };

/** True for the shared no-op trace: the executor then calls the handler directly, without a closure. */
export function isUntraced(trace: ExecutionTrace): boolean {
  return trace === UNTRACED;
}

/** One consumer span per attempt, child of the producer span carried in `meta`. */
export function startExecutionSpan(job: LeasedJob): ExecutionTrace {
  const o = otel();
  if (!o) return UNTRACED;
  const { api, tracer } = o;
  const hasParent = typeof job.meta[TRACEPARENT_META] === "string";
  // Without an SDK the API hands out non-recording spans; when there is no remote parent to
  // carry on either, skip the work entirely (this runs once per job on the hot path).
  const parent = (hasParent ? parentFromMeta(job.meta) : null) ?? api.context.active();
  const span = tracer.startSpan(`process ${job.task}`, { kind: api.SpanKind.CONSUMER }, parent);
  if (!span.isRecording() && !hasParent) {
    span.end();
    return UNTRACED;
  }
  span.setAttributes({
    "messaging.system": "spool",
    "messaging.operation.type": "process",
    "messaging.destination.name": job.queue,
    "messaging.message.id": job.id,
    "spool.task": job.task,
    "spool.attempt": job.attempt,
    "spool.max_attempts": job.maxAttempts,
  });
  const active = api.trace.setSpan(parent, span);
  return {
    run: (fn) => api.context.with(active, fn),
    end(outcome) {
      if (outcome.kind === "failed") {
        span.setStatus({ code: api.SpanStatusCode.ERROR, message: outcome.error.message });
        span.addEvent("exception", {
          "exception.type": outcome.error.name,
          "exception.message": outcome.error.message,
          ...(outcome.error.stack ? { "exception.stacktrace": outcome.error.stack } : {}),
        });
        if (outcome.error.code) span.setAttribute("spool.error.code", outcome.error.code);
      } else if (outcome.kind === "dropped") {
        span.setAttribute("spool.dropped", true);
      }
      span.setAttribute("spool.outcome", outcome.kind);
      span.end();
    },
  };
}

function recordError(api: typeof OtelApi, span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  span.setStatus({
    code: api.SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}
