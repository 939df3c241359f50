/**
 * The audit log of admin actions: who (the token's name, via bearer, session or no-auth), what
 * (`job.retry`, `queue.pause` …, and its target), when, from where, and how it ended ("ok" or
 * the refusal's error code). Stored in the backend (`auditAppend`), so every replica writes to
 * and reads from one log (`GET /api/audit`, the dashboard's Audit view).
 *
 * Which calls are audited: every state-changing call except enqueues (`POST /api/jobs`,
 * `/api/jobs/bulk`), which are the application's data flow rather than an operator's action
 * and are recorded as jobs anyway; plus logins (including failed ones) and logouts. A call
 * refused before anyone was identified (401) is not audited: it has no "who", and failed
 * credentials are rate-limited instead. A call no rule below names is still audited, as
 * `api.call` with its method and path, so a new route cannot slip past the log.
 *
 * The entry is written after the action, and awaited, so an answer the caller received is
 * already in the log. If the write fails the action stands (it happened) and the failure is
 * logged as an error.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import type { AuditEntry, Backend } from "../backend/backend.js";
import { uuidv7 } from "../core/ids.js";
import { type Caller, isMutating } from "./auth.js";
import { hasBody } from "./guards.js";

interface Rule {
  method: string;
  pattern: RegExp;
  action: string;
}

/** Audited actions by API path (relative to the mount point). The first group is the target. */
const RULES: readonly Rule[] = [
  { method: "POST", pattern: /^\/api\/jobs\/([^/]+)\/cancel$/, action: "job.cancel" },
  { method: "POST", pattern: /^\/api\/jobs\/([^/]+)\/retry$/, action: "job.retry" },
  { method: "POST", pattern: /^\/api\/jobs\/([^/]+)\/promote$/, action: "job.promote" },
  { method: "POST", pattern: /^\/api\/jobs\/([^/]+)\/priority$/, action: "job.priority" },
  { method: "POST", pattern: /^\/api\/jobs\/([^/]+)\/input$/, action: "job.input" },
  { method: "POST", pattern: /^\/api\/jobs\/retry-matching$/, action: "job.retry-matching" },
  { method: "POST", pattern: /^\/api\/jobs\/cancel-matching$/, action: "job.cancel-matching" },
  { method: "POST", pattern: /^\/api\/jobs\/delete-matching$/, action: "job.delete-matching" },
  { method: "POST", pattern: /^\/api\/jobs\/retry-selected$/, action: "job.retry-selected" },
  { method: "POST", pattern: /^\/api\/jobs\/cancel-selected$/, action: "job.cancel-selected" },
  { method: "POST", pattern: /^\/api\/jobs\/delete-selected$/, action: "job.delete-selected" },
  { method: "DELETE", pattern: /^\/api\/jobs\/([^/]+)$/, action: "job.delete" },
  { method: "POST", pattern: /^\/api\/queues\/([^/]+)\/pause$/, action: "queue.pause" },
  { method: "POST", pattern: /^\/api\/queues\/([^/]+)\/resume$/, action: "queue.resume" },
  { method: "POST", pattern: /^\/api\/queues\/([^/]+)\/limits$/, action: "queue.limit" },
  { method: "POST", pattern: /^\/api\/schedules\/([^/]+)\/pause$/, action: "schedule.pause" },
  { method: "POST", pattern: /^\/api\/schedules\/([^/]+)\/resume$/, action: "schedule.resume" },
  { method: "POST", pattern: /^\/api\/schedules\/([^/]+)\/run$/, action: "schedule.run" },
  { method: "POST", pattern: /^\/api\/workflows\/([^/]+)\/cancel$/, action: "workflow.cancel" },
  { method: "POST", pattern: /^\/api\/session$/, action: "session.login" },
  { method: "DELETE", pattern: /^\/api\/session$/, action: "session.logout" },
];

/** Enqueues: data flow, not operator actions (see the module comment). */
const NOT_AUDITED: readonly Rule[] = [
  { method: "POST", pattern: /^\/api\/jobs$/, action: "" },
  { method: "POST", pattern: /^\/api\/jobs\/bulk$/, action: "" },
];

export function auditedAction(
  method: string,
  path: string,
): { action: string; target: string | null } | null {
  if (!isMutating(method)) return null;
  if (NOT_AUDITED.some((r) => r.method === method && r.pattern.test(path))) return null;
  for (const rule of RULES) {
    if (rule.method !== method) continue;
    const m = rule.pattern.exec(path);
    if (m) return { action: rule.action, target: m[1] === undefined ? null : safeDecode(m[1]) };
  }
  return { action: "api.call", target: null };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export interface AuditConfig {
  backend: () => Promise<Backend>;
  now(): number;
  logger: Logger;
  /** The request's path relative to the mount point. */
  localPath(c: Context): string;
  address(c: Context): string;
}

/** Variables routes may set to enrich or replace their entry (the login route names who tried). */
export type AuditVariables = {
  auditActor?: { actor: string; role: string; via: Caller["via"] };
  /** Facts the route adds to its entry (a bulk action's filter and counts, a new priority …). */
  auditDetails?: Record<string, unknown>;
};

export function auditLog(config: AuditConfig): MiddlewareHandler {
  return async (c, next) => {
    const what = auditedAction(c.req.method, config.localPath(c));
    if (!what) return next();
    await next();
    const caller = c.get("caller") as Caller | undefined;
    const who = caller ?? (c.get("auditActor") as AuditVariables["auditActor"]);
    if (!who) return;
    const error = (c.error as { code?: unknown } | undefined)?.code;
    const status = c.res.status;
    const details: Record<string, unknown> = { method: c.req.method, path: config.localPath(c), status };
    const reason = await bodyField(c, "reason");
    if (reason !== undefined) details.reason = reason;
    const extra = c.get("auditDetails") as AuditVariables["auditDetails"];
    if (extra) Object.assign(details, extra);
    const at = config.now();
    const entry: AuditEntry = {
      id: uuidv7(at),
      at,
      actor: who.actor,
      role: "role" in who ? who.role : "none",
      via: who.via,
      action: what.action,
      target: what.target,
      outcome: status < 400 ? "ok" : typeof error === "string" ? error : `HTTP_${status}`,
      address: config.address(c),
      details,
    };
    try {
      await (await config.backend()).auditAppend({ entries: [entry] });
    } catch (err) {
      config.logger.error({ err, entry }, "could not write the audit entry of an admin action");
    }
  };
}

/** A string field of the JSON body, which `parseJson` already read (and Hono cached) if there was one. */
async function bodyField(c: Context, field: string): Promise<string | undefined> {
  if (!hasBody(c.req.raw.headers) || c.req.bodyCache.text === undefined) return undefined;
  try {
    const body = (await c.req.json()) as Record<string, unknown> | null;
    const value = body && typeof body === "object" ? body[field] : undefined;
    return typeof value === "string" ? value.slice(0, 1000) : undefined;
  } catch {
    return undefined;
  }
}
