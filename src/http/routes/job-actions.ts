/**
 * Job actions: cancel, retry, delete, promote, change priority, replace input. Each answers 404
 * for a missing job and 409 when its state forbids the action.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Backend } from "../../backend/backend.js";
import { InvalidStateError, NotFoundError } from "../../core/errors/index.js";
import { type RouteDeps, router } from "../deps.js";
import { errorResponses, IdParamSchema, JobStateSchema, json, jsonBody } from "../schemas.js";

const tags = ["jobs"];

const ActionResultSchema = z
  .object({
    id: z.string(),
    // A union, not `.nullable()`: zod-openapi renders a nullable reference as
    // allOf [JobState, …], which forbids the null it means to allow.
    state: z
      .union([JobStateSchema, z.null()])
      .openapi({ description: "State after the action (null if the job was deleted meanwhile)" }),
    /** For cancel: dependents cancelled in cascade (and the job itself). */
    cancelled: z.array(z.string()).optional(),
  })
  .openapi("JobActionResult");

const DeletedSchema = z
  .object({
    id: z.string(),
    state: z.null().openapi({ description: "Always null: the job no longer exists" }),
  })
  .openapi("JobDeleted");

/** Why an action was refused: the job is gone (404) or in the wrong state (409). */
async function refusal(backend: Backend, id: string, action: string): Promise<Error> {
  const record = await backend.jobGet({ id });
  return record ? new InvalidStateError(id, record.state, action) : new NotFoundError("job", id);
}

async function stateOf(backend: Backend, id: string) {
  return (await backend.jobGet({ id }))?.state ?? null;
}

export function jobActionRoutes(deps: RouteDeps) {
  const app = router();
  const backend = () => deps.spool.backend();

  app.openapi(
    createRoute({
      method: "post",
      path: "/jobs/{id}/cancel",
      operationId: "cancelJob",
      tags,
      summary: "Cancel a job (a running handler's signal aborts)",
      request: {
        params: IdParamSchema,
        body: {
          required: false,
          content: {
            "application/json": { schema: z.object({ reason: z.string().max(1000).optional() }).strict() },
          },
        },
      },
      responses: { 200: json(ActionResultSchema, "Cancelled"), ...errorResponses(400, 403, 404, 409, 415) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { reason } = c.req.valid("json");
      const b = await backend();
      const out = await b.jobCancel(reason === undefined ? { ids: [id] } : { ids: [id], reason });
      if (!out.cancelled.includes(id)) throw await refusal(b, id, "cancel");
      return c.json({ id, state: await stateOf(b, id), cancelled: out.cancelled }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/jobs/{id}/retry",
      operationId: "retryJob",
      tags,
      summary: "Run a failed or cancelled job again (attempts start over)",
      request: { params: IdParamSchema },
      responses: { 200: json(ActionResultSchema, "Queued again"), ...errorResponses(403, 404, 409) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const out = await deps.spool.jobs.retry([id]);
      const b = await backend();
      if (!out.ok.includes(id)) throw await refusal(b, id, "retry");
      return c.json({ id, state: await stateOf(b, id) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/jobs/{id}",
      operationId: "deleteJob",
      tags,
      summary: "Delete a job (not while running: cancel it first)",
      request: { params: IdParamSchema },
      responses: { 200: json(DeletedSchema, "Deleted"), ...errorResponses(403, 404, 409) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const b = await backend();
      const out = await b.jobRemove({ ids: [id] });
      if (!out.removed.includes(id)) throw await refusal(b, id, "delete");
      return c.json({ id, state: null }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/jobs/{id}/promote",
      operationId: "promoteJob",
      tags,
      summary: "Run a scheduled (delayed) job now",
      request: { params: IdParamSchema },
      responses: { 200: json(ActionResultSchema, "Queued now"), ...errorResponses(404, 409) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const out = await deps.spool.jobs.promote([id]);
      const b = await backend();
      if (!out.ok.includes(id)) throw await refusal(b, id, "promote");
      return c.json({ id, state: await stateOf(b, id) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/jobs/{id}/priority",
      operationId: "setJobPriority",
      tags,
      summary: "Change the priority of a job that has not started (waiting, scheduled, queued)",
      request: {
        params: IdParamSchema,
        ...jsonBody(z.object({ priority: z.number().int().min(-1_000_000).max(1_000_000) }).strict()),
      },
      responses: { 200: json(ActionResultSchema, "Priority changed"), ...errorResponses(404, 409) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { priority } = c.req.valid("json");
      c.set("auditDetails", { priority });
      const out = await deps.spool.jobs.setPriority([id], priority);
      const b = await backend();
      if (!out.ok.includes(id)) throw await refusal(b, id, "change the priority of");
      return c.json({ id, state: await stateOf(b, id) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/jobs/{id}/input",
      operationId: "setJobInput",
      tags,
      summary: "Replace the input of a job that has not started",
      description:
        "Validated by the task's schema when the server defines the task (`--app`); held to the payload limit.",
      request: {
        params: IdParamSchema,
        ...jsonBody(z.object({ input: z.unknown().openapi({ example: { templateId: "t2" } }) }).strict()),
      },
      responses: { 200: json(ActionResultSchema, "Input replaced"), ...errorResponses(404, 409, 422) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { input } = c.req.valid("json");
      const out = await deps.spool.jobs.updateInput(id, input);
      const b = await backend();
      if (!out.ok.includes(id)) throw await refusal(b, id, "change the input of");
      return c.json({ id, state: await stateOf(b, id) }, 200);
    },
  );

  return app;
}
