/**
 * Jobs: enqueue (single and bulk), read, list, logs, and the long-poll result.
 * Actions (cancel, retry, delete) are in `job-actions.ts`.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { JobListParams } from "../../backend/backend.js";
import { toMs } from "../../core/duration.js";
import { JobFailedError, NotFoundError, TimeoutError } from "../../core/errors/index.js";
import type { EnqueueOptions } from "../../core/task.js";
import { FINAL_STATES, JOB_STATES, type JobRecord, type JobState } from "../../core/types.js";
import { type RouteDeps, router } from "../deps.js";
import { RESULT_WAIT_DEFAULT } from "../options.js";
import {
  EnqueueBodySchema,
  EnqueuedSchema,
  type EnqueueOptionsSchema,
  errorResponses,
  IdParamSchema,
  integerQuery,
  JobSchema,
  JobStateSchema,
  json,
  jsonBody,
} from "../schemas.js";

const tags = ["jobs"];

/** Stored JSON as JSON: plain values read back as themselves, spool tags stay visible. */
function parseStored(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function toApiJob(r: JobRecord) {
  return { ...r, input: parseStored(r.input), result: parseStored(r.result) };
}

function toEnqueueOptions(o: z.infer<typeof EnqueueOptionsSchema> | undefined): EnqueueOptions | undefined {
  if (!o) return undefined;
  const { runAt, ...rest } = o;
  const out: EnqueueOptions = { ...rest };
  if (runAt !== undefined) out.runAt = typeof runAt === "number" ? runAt : Date.parse(runAt);
  return out;
}

const instantQuery = z
  .union([
    z
      .string()
      .regex(/^\d{1,16}$/)
      .transform(Number),
    z.iso.datetime({ offset: true }).transform(Date.parse),
  ])
  .optional();

const ListQuerySchema = z
  .object({
    queue: z.string().min(1).max(200).optional(),
    state: z
      .union([z.string().max(200), z.array(z.string().max(200)).max(JOB_STATES.length)])
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return undefined;
        const states = (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(",")).filter(Boolean);
        if (states.length === 0) {
          ctx.addIssue({ code: "custom", message: "state is empty" });
          return z.NEVER;
        }
        for (const s of states) {
          if (!(JOB_STATES as readonly string[]).includes(s)) {
            ctx.addIssue({ code: "custom", message: `unknown state "${s}" (use ${JOB_STATES.join(", ")})` });
            return z.NEVER;
          }
        }
        return states as JobState[];
      })
      .openapi({
        description: "One or more states: repeat the parameter or separate with commas",
        example: "queued,running",
      }),
    task: z.string().min(1).max(200).optional(),
    key: z.string().min(1).max(512).optional(),
    createdAfter: instantQuery.openapi({ description: "Epoch ms or ISO date-time" }),
    createdBefore: instantQuery.openapi({ description: "Epoch ms or ISO date-time" }),
    search: z.string().min(1).max(200).optional().openapi({
      description:
        "Text in the id, key, input, result or an error message (case-insensitive substring). A page may be short, even empty, with a `nextCursor`: continue from it",
    }),
    q: z.string().min(1).max(200).optional().openapi({ description: "Same as `search`" }),
    cursor: z.string().min(1).max(512).optional(),
    limit: integerQuery(1, 1000, "Page size, default 50"),
    order: z.enum(["asc", "desc"]).optional(),
  })
  .strict();

const WaitQuerySchema = z
  .object({
    wait: z
      .string()
      .min(1)
      .max(32)
      .optional()
      .openapi({
        description: `Longest wait, e.g. "30s" (default ${RESULT_WAIT_DEFAULT}); "0" answers at once`,
      }),
  })
  .strict();

const ResultSchema = z
  .object({
    id: z.string(),
    state: JobStateSchema,
    done: z.boolean(),
    result: z.unknown().optional(),
    error: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi("JobResult");

export function jobRoutes(deps: RouteDeps) {
  const app = router();
  const { spool } = deps;
  const backend = () => spool.backend();

  app.openapi(
    createRoute({
      method: "post",
      path: "/jobs",
      operationId: "enqueueJob",
      tags,
      summary: "Enqueue a job",
      description:
        "Idempotent with `options.key`: a second call returns the existing job with `created: false` (200). A `dependsOn` id naming no job answers 404 and writes nothing.",
      request: jsonBody(EnqueueBodySchema),
      responses: {
        201: json(EnqueuedSchema, "Created"),
        200: json(
          EnqueuedSchema,
          'An idempotency key or dedupe window matched an existing job, or the "drop-newest" strategy dropped the job (`dropped: true`)',
        ),
        ...errorResponses(400, 403, 404, 413, 415, 422),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const job = await spool.enqueue(body.task, body.input, toEnqueueOptions(body.options));
      deps.metrics?.rememberTask(job.id, body.task);
      if (job.dropped) return c.json({ id: job.id, created: false, dropped: true as const }, 200);
      c.header("Location", `/api/jobs/${job.id}`);
      return c.json({ id: job.id, created: job.created }, job.created ? 201 : 200);
    },
  );

  const BulkBodySchema = z
    .object({ jobs: z.array(EnqueueBodySchema).min(1).max(deps.options.bulkLimit) })
    .strict()
    .openapi("BulkEnqueueRequest");

  app.openapi(
    createRoute({
      method: "post",
      path: "/jobs/bulk",
      operationId: "enqueueJobs",
      tags,
      summary: "Enqueue many jobs, all or nothing",
      description: `Up to ${deps.options.bulkLimit} jobs in one backend transaction; any invalid job fails the whole call and nothing is written.`,
      request: jsonBody(BulkBodySchema),
      responses: {
        201: json(z.object({ jobs: z.array(EnqueuedSchema) }), "Enqueued, in request order"),
        ...errorResponses(400, 403, 404, 413, 415, 422),
      },
    }),
    async (c) => {
      // A bad job fails the call with its position in `details.index` (from the facade).
      const { jobs } = c.req.valid("json");
      const handles = await spool.enqueueMany(
        jobs.map((j) => ({ task: j.task, input: j.input, options: toEnqueueOptions(j.options) ?? {} })),
      );
      for (const [i, h] of handles.entries()) deps.metrics?.rememberTask(h.id, jobs[i]!.task);
      return c.json(
        {
          jobs: handles.map((h) =>
            h.dropped
              ? { id: h.id, created: false, dropped: true as const }
              : { id: h.id, created: h.created },
          ),
        },
        201,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/jobs",
      operationId: "listJobs",
      tags,
      summary: "List and search jobs",
      description: "Newest first by default. Pass `nextCursor` back as `cursor` for the next page.",
      request: { query: ListQuerySchema },
      responses: {
        200: json(
          z.object({ jobs: z.array(JobSchema), nextCursor: z.string().nullable() }).openapi("JobPage"),
          "A page of jobs",
        ),
        ...errorResponses(400),
      },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const params: JobListParams = {};
      const { q: text, ...filters } = q;
      for (const [k, v] of Object.entries(filters))
        if (v !== undefined) (params as Record<string, unknown>)[k] = v;
      if (text !== undefined && params.search === undefined) params.search = text;
      const page = await (await backend()).jobList(params);
      return c.json({ jobs: page.jobs.map(toApiJob), nextCursor: page.nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/jobs/{id}",
      operationId: "getJob",
      tags,
      summary: "Read a job",
      request: { params: IdParamSchema },
      responses: { 200: json(JobSchema, "The job"), ...errorResponses(404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const record = await (await backend()).jobGet({ id });
      if (!record) throw new NotFoundError("job", id);
      return c.json(toApiJob(record) as z.infer<typeof JobSchema>, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/jobs/{id}/logs",
      operationId: "getJobLogs",
      tags,
      summary: "Log lines a job's handler wrote (ctx.log)",
      request: {
        params: IdParamSchema,
        query: z
          .object({
            limit: integerQuery(1, 10_000, "Most lines, oldest first"),
          })
          .strict(),
      },
      responses: {
        200: json(
          z.object({
            logs: z.array(
              z.object({
                at: z.number(),
                level: z.enum(["debug", "info", "warn", "error"]),
                message: z.string(),
                attempt: z.number(),
              }),
            ),
          }),
          "Log lines, oldest first",
        ),
        ...errorResponses(400, 404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { limit } = c.req.valid("query");
      const b = await backend();
      if (!(await b.jobGet({ id }))) throw new NotFoundError("job", id);
      const logs = await b.jobLogs(limit === undefined ? { id } : { id, limit });
      return c.json({ logs }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/jobs/{id}/result",
      operationId: "waitForJobResult",
      tags,
      summary: "Wait for a job's result (long-poll)",
      description:
        "Answers as soon as the job is final (200, `done: true`, with `result` or `error`), or after `wait` " +
        "with 202 and `done: false`: call again. Waiting costs no store polling (the change feed wakes it).",
      request: { params: IdParamSchema, query: WaitQuerySchema },
      responses: {
        200: json(ResultSchema, "The job is final"),
        202: json(ResultSchema, "Still running after `wait`; call again"),
        ...errorResponses(400, 404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { wait } = c.req.valid("query");
      const waitMs = Math.min(toMs(wait ?? RESULT_WAIT_DEFAULT, "wait"), deps.options.resultWaitMaxMs);
      const b = await backend();
      let record = await b.jobGet({ id });
      if (!record) throw new NotFoundError("job", id);
      if (!FINAL_STATES.has(record.state) && waitMs > 0) {
        try {
          await spool.job(id).result({ timeout: waitMs, signal: c.req.raw.signal });
        } catch (err) {
          if (!(err instanceof TimeoutError || err instanceof JobFailedError)) throw err;
        }
        record = await b.jobGet({ id });
        if (!record) throw new NotFoundError("job", id);
      }
      const done = FINAL_STATES.has(record.state);
      const out: z.infer<typeof ResultSchema> = { id, state: record.state, done };
      if (record.state === "completed") out.result = parseStored(record.result);
      else if (done) {
        const last = record.errors.at(-1);
        if (last) out.error = { ...last };
      }
      return c.json(out, done ? 200 : 202);
    },
  );

  return app;
}
