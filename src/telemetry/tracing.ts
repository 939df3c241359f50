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
 */
import {
  type Context,
  context,
  isSpanContextValid,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import type { NewJob } from "../backend/backend.js";
import type { JobErrorRecord, LeasedJob } from "../core/types.js";

export const TRACER_NAME = "spool";
export const TRACEPARENT_META = "traceparent";
export const TRACESTATE_META = "tracestate";

const tracer = trace.getTracer(TRACER_NAME);
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The `traceparent` header value of a span, or null when it is not sampled-or-valid. */
export function formatTraceparent(span: Span): string | null {
  const sc = span.spanContext();
  if (!isSpanContextValid(sc)) return null;
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, "0")}`;
}

/** A remote parent context from `meta.traceparent`, or null if absent or malformed. */
export function parentFromMeta(meta: Readonly<Record<string, unknown>>): Context | null {
  const text = meta[TRACEPARENT_META];
  if (typeof text !== "string") return null;
  const m = TRACEPARENT.exec(text.trim().toLowerCase());
  if (!m || m[1] === "ff") return null;
  const spanContext = {
    traceId: m[2]!,
    spanId: m[3]!,
    traceFlags: Number.parseInt(m[4]!, 16),
    isRemote: true,
  };
  if (!isSpanContextValid(spanContext)) return null;
  return trace.setSpanContext(ROOT_CONTEXT, spanContext);
}

export interface EnqueueTrace {
  /** Adds the trace context to a job's meta (unless it has its own). */
  stamp(job: NewJob): NewJob;
  end(result: { ids: string[] } | { error: unknown }): void;
}

/** One producer span per enqueue call (a bulk call is one span for the batch). */
export function startEnqueueSpan(calls: ReadonlyArray<{ task: string }>): EnqueueTrace {
  const first = calls[0]?.task ?? "";
  const span = tracer.startSpan(`send ${calls.length === 1 ? first : "batch"}`, {
    kind: SpanKind.PRODUCER,
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
      if ("error" in result) recordError(span, result.error);
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

/** One consumer span per attempt, child of the producer span carried in `meta`. */
export function startExecutionSpan(job: LeasedJob): ExecutionTrace {
  const hasParent = typeof job.meta[TRACEPARENT_META] === "string";
  // Without an SDK the API hands out non-recording spans; when there is no remote parent to
  // carry on either, skip the work entirely (this runs once per job on the hot path).
  const parent = (hasParent ? parentFromMeta(job.meta) : null) ?? context.active();
  const span = tracer.startSpan(`process ${job.task}`, { kind: SpanKind.CONSUMER }, parent);
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
  const active = trace.setSpan(parent, span);
  return {
    run: (fn) => context.with(active, fn),
    end(outcome) {
      if (outcome.kind === "failed") {
        span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error.message });
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

function recordError(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}
