/** `GET /api/audit`: the audit log of admin actions, newest first (admin role only). */
import { createRoute, z } from "@hono/zod-openapi";
import { type RouteDeps, router } from "../deps.js";
import { HttpError } from "../errors.js";
import { errorResponses, json } from "../schemas.js";

const EntrySchema = z
  .object({
    id: z.string(),
    at: z.number(),
    actor: z
      .string()
      .openapi({ description: 'The token\'s name (or "token:<fingerprint>"), "anonymous" without auth' }),
    role: z.string().openapi({ description: '"admin", "read", or "none" (a failed login)' }),
    via: z.string().openapi({ description: '"bearer", "session" or "insecure"' }),
    action: z.string().openapi({ example: "job.retry" }),
    target: z.string().nullable(),
    outcome: z.string().openapi({ description: '"ok", or the error code the action was refused with' }),
    address: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .openapi("AuditEntry");

const QuerySchema = z
  .object({
    cursor: z
      .string()
      .min(1)
      .max(512)
      .optional()
      .openapi({ description: "`nextCursor` of the previous page" }),
    limit: z
      .string()
      .regex(/^\d{1,4}$/)
      .transform(Number)
      .pipe(z.number().int().min(1).max(1000))
      .optional()
      .openapi({ description: "1..1000, default 50" }),
  })
  .strict();

export function auditRoutes(deps: RouteDeps) {
  const app = router();
  app.openapi(
    createRoute({
      method: "get",
      path: "/audit",
      operationId: "listAuditEntries",
      tags: ["audit"],
      summary: "The audit log: who did what, when, with what outcome (admin only)",
      request: { query: QuerySchema },
      responses: {
        200: json(
          z.object({ entries: z.array(EntrySchema), nextCursor: z.string().nullable() }).openapi("AuditPage"),
          "A page of entries, newest first",
        ),
        ...errorResponses(400, 403),
      },
    }),
    async (c) => {
      if (c.get("caller").role !== "admin")
        throw new HttpError("FORBIDDEN", "the audit log needs an admin token", {
          required: "admin",
          role: c.get("caller").role,
        });
      const q = c.req.valid("query");
      const page = await (await deps.spool.backend()).auditList({
        ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
        ...(q.limit === undefined ? {} : { limit: q.limit }),
      });
      return c.json(page, 200);
    },
  );
  return app;
}
