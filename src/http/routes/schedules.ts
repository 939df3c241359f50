/**
 * Schedules: list and read (with the next N fire times, computed, and on the list the last runs),
 * pause, resume, and run now.
 * Everything goes through the `spool.schedules` facade, so the HTTP API applies exactly the
 * rules of the library and the CLI (a resume skips the time spent paused, a run now leaves the
 * fire times alone and becomes the schedule's last job). Schedules are defined in code
 * (`spool.schedule(...)`) or with `spool schedules add`; the API does not create them.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { NotFoundError } from "../../core/errors/index.js";
import type { ScheduleInfo } from "../../scheduler/client.js";
import { type RouteDeps, router } from "../deps.js";
import { errorResponses, integerQuery, json } from "../schemas.js";
import { lastRunsQuery, ScheduleRunSchema } from "./schedule-runs.js";

const tags = ["schedules"];

/** Default and largest `next` (upcoming fire times per schedule). */
export const NEXT_DEFAULT = 5;
export const NEXT_MAX = 100;

const NameParamSchema = z.object({
  name: z
    .string()
    .min(1)
    .max(200)
    .openapi({
      param: { name: "name", in: "path" },
      description: "The schedule's name (percent-encode characters such as `/` or spaces)",
      example: "nightly-backup",
    }),
});

const NextQuerySchema = z
  .object({
    next: integerQuery(
      0,
      NEXT_MAX,
      `How many upcoming fire times to compute per schedule (0..${NEXT_MAX}, default ${NEXT_DEFAULT})`,
    ),
  })
  .strict();

const ListQuerySchema = z
  .object({
    next: NextQuerySchema.shape.next,
    lastRuns: lastRunsQuery(
      "Also each schedule's last N runs with their outcomes, newest first (0..20, default 0; GET /api/schedules/{name}/runs reads one schedule's)",
    ),
  })
  .strict();

const TriggerSchema = z
  .union([
    z.object({ cron: z.string(), tz: z.string() }),
    z.object({ every: z.number().openapi({ description: "Interval in milliseconds" }) }),
    z.object({ at: z.number().openapi({ description: "The one fire time, epoch ms" }) }),
  ])
  .openapi("ScheduleTrigger");

export const ScheduleSchema = z
  .object({
    name: z.string(),
    trigger: TriggerSchema,
    description: z.string().openapi({ example: "cron 0 3 * * * (Europe/Berlin)" }),
    tz: z
      .string()
      .nullable()
      .openapi({ description: "IANA time zone of a cron trigger (null for every / at)" }),
    task: z.string(),
    queue: z.string(),
    paused: z.boolean(),
    nextFireAt: z
      .number()
      .nullable()
      .openapi({ description: "Stored next fire time; null when the schedule is done" }),
    lastFireAt: z.number().nullable().openapi({ description: "Last fire that enqueued a job (not run now)" }),
    lastJobId: z.string().nullable().openapi({ description: "Job of the last fire or run now" }),
    runs: z.number().openapi({ description: "Jobs fired by the trigger (run now excluded)" }),
    next: z.array(z.number()).openapi({
      description:
        "The next fire times (epoch ms), computed; for a paused schedule, from now (resuming skips the paused time)",
    }),
    misfire: z.enum(["skip", "once", "all"]),
    misfireGraceMs: z.number(),
    overlap: z.enum(["allow", "skip", "queue"]),
    jitterMs: z.number(),
    startAt: z.number().nullable(),
    endAt: z.number().nullable(),
    limit: z.number().nullable(),
    anchorAt: z.number(),
    createdAt: z.number(),
    updatedAt: z.number(),
    lastRuns: z
      .array(ScheduleRunSchema)
      .optional()
      .openapi({ description: "With `?lastRuns=N` on the list: the last runs, newest first" }),
  })
  .openapi("Schedule");

export type ApiSchedule = z.infer<typeof ScheduleSchema>;

export function toApiSchedule(s: ScheduleInfo, next: number): ApiSchedule {
  return {
    name: s.name,
    trigger: s.trigger,
    description: s.description,
    tz: "cron" in s.trigger ? s.trigger.tz : null,
    task: s.task,
    queue: s.queue,
    paused: s.paused,
    nextFireAt: s.nextFireAt,
    lastFireAt: s.lastFireAt,
    lastJobId: s.lastJobId,
    runs: s.runs,
    next: next > 0 ? s.nextFireTimes(next) : [],
    misfire: s.misfire,
    misfireGraceMs: s.misfireGraceMs,
    overlap: s.overlap,
    jitterMs: s.jitterMs,
    startAt: s.startAt,
    endAt: s.endAt,
    limit: s.limit,
    anchorAt: s.anchorAt,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

export function scheduleRoutes(deps: RouteDeps) {
  const app = router();
  const { schedules } = deps.spool;

  const read = async (name: string, next = NEXT_DEFAULT): Promise<ApiSchedule> => {
    const info = await schedules.get(name);
    if (!info) throw new NotFoundError("schedule", name);
    return toApiSchedule(info, next);
  };

  app.openapi(
    createRoute({
      method: "get",
      path: "/schedules",
      operationId: "listSchedules",
      tags,
      summary: "Schedules with their trigger, state and upcoming fire times",
      request: { query: ListQuerySchema },
      responses: {
        200: json(z.object({ schedules: z.array(ScheduleSchema) }), "Every schedule, by name"),
        ...errorResponses(400),
      },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const next = query.next ?? NEXT_DEFAULT;
      const list = await schedules.list();
      list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const out = list.map((s) => toApiSchedule(s, next));
      const lastRuns = query.lastRuns ?? 0;
      if (lastRuns > 0)
        await Promise.all(
          out.map(async (s) => {
            s.lastRuns = await schedules.runs(s.name, { limit: lastRuns });
          }),
        );
      return c.json({ schedules: out }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/schedules/{name}",
      operationId: "getSchedule",
      tags,
      summary: "Read a schedule",
      request: { params: NameParamSchema, query: NextQuerySchema },
      responses: { 200: json(ScheduleSchema, "The schedule"), ...errorResponses(400, 404) },
    }),
    async (c) => {
      const { name } = c.req.valid("param");
      return c.json(await read(name, c.req.valid("query").next), 200);
    },
  );

  for (const action of ["pause", "resume"] as const) {
    app.openapi(
      createRoute({
        method: "post",
        path: `/schedules/{name}/${action}`,
        operationId: `${action}Schedule`,
        tags,
        summary:
          action === "pause"
            ? "Pause a schedule (no fire until resumed; run now still works)"
            : "Resume a schedule (from the next fire time after now: nothing missed is caught up)",
        request: { params: NameParamSchema },
        responses: {
          200: json(ScheduleSchema, action === "pause" ? "Paused" : "Resumed"),
          ...errorResponses(403, 404),
        },
      }),
      async (c) => {
        const { name } = c.req.valid("param");
        await schedules[action](name);
        return c.json(await read(name), 200);
      },
    );
  }

  app.openapi(
    createRoute({
      method: "post",
      path: "/schedules/{name}/run",
      operationId: "runSchedule",
      tags,
      summary: "Run now: enqueue the schedule's job at once",
      description:
        "Works while paused. Fire times, `lastFireAt` and `runs` stay as they are; the job has " +
        "`meta.manual: true` and becomes the schedule's last job for the overlap policy.",
      request: { params: NameParamSchema },
      responses: {
        201: json(
          z.object({ name: z.string(), jobId: z.string() }).openapi("ScheduleRun"),
          "Enqueued (Location: the job)",
        ),
        ...errorResponses(403, 404),
      },
    }),
    async (c) => {
      const { name } = c.req.valid("param");
      const jobId = await schedules.run(name);
      c.header("Location", `/api/jobs/${jobId}`);
      return c.json({ name, jobId }, 201);
    },
  );

  return app;
}
