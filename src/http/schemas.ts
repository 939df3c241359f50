/**
 * The zod schemas shared by the routes. They validate requests *and* generate the OpenAPI
 * document (`/api/openapi.json`), so the document cannot drift from what the server accepts.
 *
 * Times in responses are epoch milliseconds (as in the library and the SSE feed). Inputs and
 * results are the stored JSON: plain JSON reads back as itself; values JSON cannot carry
 * (Date, BigInt, Map …, sent by TypeScript producers) appear in their tagged form
 * `{"$spool": kind, "v": …}` rather than being lossily converted.
 */
import { z } from "@hono/zod-openapi";
import { DEDUPE_MODES } from "../core/dedupe.js";
import { JOB_STATES } from "../core/types.js";

const duration = z
  .union([z.number().min(0).max(1e13), z.string().min(1).max(64)])
  .openapi({ description: 'Milliseconds, or a duration string such as "500ms", "10s", "5m", "1h30m"' });

const instant = z
  .union([z.number().int().min(0).max(8.64e15), z.iso.datetime({ offset: true })])
  .openapi({ description: "Epoch milliseconds or an ISO 8601 date-time" });

const name = z.string().min(1).max(200);

/** Options a follow-up may carry (the library's FOLLOW_UP_OPTION_KEYS): the rest has no meaning at an outcome. */
const FollowUpOptionsSchema = z
  .object({
    queue: name.optional(),
    priority: z.number().int().min(-1_000_000).max(1_000_000).optional(),
    attempts: z.number().int().min(1).max(1000).optional(),
    timeout: duration.optional(),
    lease: duration.optional(),
    meta: z.record(z.string(), z.unknown()).optional(),
    limitKey: z.string().min(1).max(512).optional().openapi({
      description: "The follow-up's flow-control key (its task's per-key concurrency / rateLimit)",
    }),
  })
  .strict()
  .openapi("FollowUpOptions");

const FollowUpSchema = z
  .object({
    task: name.openapi({ example: "report.notify" }),
    input: z.unknown().optional().openapi({
      description:
        "The follow-up's input. Omitted: the parent's outcome (its result for `then`, its last error record for `catch`)",
    }),
    options: FollowUpOptionsSchema.optional(),
  })
  .strict()
  .openapi("FollowUp", {
    description:
      "A job written in the same atomic write as the parent's outcome, exactly once (docs/flow-control.md, Durable follow-ups)",
  });

/** `options.dedupe` (docs/flow-control.md, "Dedupe windows"): a literal key; wins over the task's. */
const DedupeSchema = z
  .object({
    key: z.string().min(1).max(512),
    window: duration.optional().openapi({ description: "Required for throttle and debounce" }),
    mode: z.enum(DEDUPE_MODES).optional().openapi({ description: 'Default "throttle"' }),
    maxWait: duration
      .optional()
      .openapi({ description: "Debounce only: the longest the run time is pushed back" }),
  })
  .strict()
  .openapi("Dedupe");

export const EnqueueOptionsSchema = z
  .object({
    delay: duration.optional(),
    runAt: instant.optional().openapi({ description: "Run no earlier than this (wins over delay)" }),
    priority: z.number().int().min(-1_000_000).max(1_000_000).optional(),
    key: z.string().min(1).max(512).optional().openapi({ description: "Idempotency key, unique per task" }),
    queue: name.optional(),
    attempts: z.number().int().min(1).max(1000).optional(),
    timeout: duration.optional(),
    lease: duration
      .optional()
      .openapi({ description: "How long a claim holds the job before it may be rescued" }),
    meta: z.record(z.string(), z.unknown()).optional(),
    limitKey: z.string().min(1).max(512).optional().openapi({
      description:
        "The job's flow-control key (its task's per-key concurrency / rateLimit); wins over the task's key function",
    }),
    dedupe: DedupeSchema.optional(),
    dependsOn: z
      .array(z.string().min(1).max(200))
      .max(1000)
      .optional()
      .openapi({ description: "Ids of jobs that must complete before this one runs" }),
    // biome-ignore lint/suspicious/noThenProperty: the follow-up option the library names `then` (a plain object, never a function)
    then: FollowUpSchema.optional().openapi({ description: "Enqueued when this job completes" }),
    catch: FollowUpSchema.optional().openapi({
      description:
        "Enqueued when this job fails for good (no attempt left, or its lease expired on the last one)",
    }),
  })
  .strict()
  .openapi("EnqueueOptions");

export const EnqueueBodySchema = z
  .object({
    task: name.openapi({ example: "pdf.render" }),
    input: z
      .unknown()
      .optional()
      .openapi({ example: { templateId: "t1" } }),
    options: EnqueueOptionsSchema.optional(),
  })
  .strict()
  .openapi("EnqueueRequest");

export const EnqueuedSchema = z
  .object({
    id: z.string(),
    /** False when an idempotency key matched an existing job. */
    created: z.boolean(),
    dropped: z.literal(true).optional().openapi({
      description:
        'Present (true) when the task\'s concurrency.strategy is "drop-newest" and its group was full: nothing was written and `id` names no job.',
    }),
  })
  .openapi("Enqueued");

export const JobStateSchema = z.enum(JOB_STATES).openapi("JobState");

const JobErrorSchema = z
  .object({
    attempt: z.number(),
    name: z.string(),
    message: z.string(),
    code: z.string().optional(),
    stack: z.string().optional(),
    at: z.number(),
  })
  .openapi("JobError");

export const JobSchema = z
  .object({
    id: z.string(),
    task: z.string(),
    queue: z.string(),
    state: JobStateSchema,
    priority: z.number(),
    runAt: z.number(),
    attempt: z.number(),
    maxAttempts: z.number(),
    input: z.unknown(),
    result: z.unknown(),
    errors: z.array(JobErrorSchema),
    progress: z.object({ percent: z.number(), message: z.string().optional() }).nullable(),
    key: z.string().nullable(),
    meta: z.record(z.string(), z.unknown()),
    dependsOn: z.array(z.string()),
    pendingDependencies: z.number(),
    leaseMs: z.number().nullable(),
    timeoutMs: z.number().nullable(),
    workerId: z.string().nullable(),
    leaseExpiresAt: z.number().nullable(),
    createdAt: z.number(),
    startedAt: z.number().nullable(),
    finishedAt: z.number().nullable(),
    updatedAt: z.number(),
    limitKey: z.string().optional().openapi({
      description:
        'The flow-control key: present when the task has a concurrency or rateLimit ("" when unkeyed)',
    }),
  })
  .openapi("Job");

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "UNKNOWN_TASK" }),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi("Error");

/**
 * An integer query parameter in `min..max`. Query strings are text, so it is parsed here
 * (digits only: no "1e3", no blanks), and documented as what it means: an integer.
 */
export function integerQuery(min: number, max: number, description?: string) {
  return z
    .string()
    .regex(/^\d{1,16}$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .openapi({ type: "integer", minimum: min, maximum: max, ...(description ? { description } : {}) });
}

export const IdParamSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: "id", in: "path" }, example: "0190f1e2-7c3a-7cc2-8d1e-3b5a9b1c2d3e" }),
});

export const QueueParamSchema = z.object({
  name: name.openapi({ param: { name: "name", in: "path" }, example: "pdf" }),
});

/** What each error status means, for the OpenAPI document. */
export const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: "Malformed request: invalid JSON (MALFORMED_JSON) or a path, query or body outside its schema (INVALID_ARGUMENT)",
  401: "Missing or invalid bearer token (UNAUTHORIZED)",
  403: "Read-only caller on a mutating call (FORBIDDEN), or a cookie-session / no-auth call without its X-Spool-Request header or from another origin (CSRF_HEADER_REQUIRED, CSRF_ORIGIN_REFUSED)",
  404: "Not found (NOT_FOUND)",
  409: "The job's or workflow's state does not allow this (INVALID_STATE)",
  413: "Body or payload too large (REQUEST_TOO_LARGE, PAYLOAD_TOO_LARGE)",
  415: "Body is not JSON (UNSUPPORTED_MEDIA_TYPE)",
  422: "Unknown task or input rejected by the task's schema (UNKNOWN_TASK, VALIDATION_FAILED, UNSERIALIZABLE)",
  429: "Too many failed authentications from this address (RATE_LIMITED; see Retry-After)",
  500: "Unexpected server error (INTERNAL)",
  503: "Backend unavailable (BACKEND_ERROR)",
};

/**
 * The error answers particular to a route (404, 409, 422 …), and 401. Those every route
 * shares (400, 401 unless public, 403 on mutating calls, 413, 415, 429, 500, 503) are added to
 * the whole document by `openapi.ts`.
 */
export function errorResponses(...statuses: number[]) {
  const out: Record<
    number,
    { description: string; content: { "application/json": { schema: typeof ErrorSchema } } }
  > = {};
  for (const s of [401, ...statuses]) {
    out[s] = {
      description: ERROR_DESCRIPTIONS[s] ?? "Error",
      content: { "application/json": { schema: ErrorSchema } },
    };
  }
  return out;
}

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { body: { required: true, content: { "application/json": { schema } } } };
}
