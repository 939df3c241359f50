/**
 * Job actions and text search on PostgreSQL (see ../job-actions.ts and ../search.ts): one
 * statement per call, each job's state checked by the UPDATE's WHERE clause.
 */

import type { JobState } from "../../core/types.js";
import type { JobListParams, JobPage, TransitionResult } from "../backend.js";
import {
  checkJobUpdate,
  type JobPromoteParams,
  type JobUpdateParams,
  noTransition,
  updateEventData,
} from "../job-actions.js";
import { normalizeSearch } from "../search.js";
import { decodeCursor, encodeCursor, listLimit, listStates } from "../shared.js";
import { type JobRow, jobEvent, toRecord } from "./rows.js";
import type { PgStore } from "./store.js";

export class PgJobActions {
  constructor(private readonly store: PgStore) {}

  private get sql() {
    return this.store.sql;
  }

  async update(params: JobUpdateParams): Promise<TransitionResult> {
    checkJobUpdate(params);
    const { ids } = params;
    if (ids.length === 0) return noTransition();
    const data = updateEventData(params);
    return this.store.write("job update", async (tx) => {
      const rows = await tx.q<{ id: string; queue: string; state: JobState }>(this.sql.JOB_UPDATE, {
        ids,
        priority: params.priority ?? null,
        input: params.input ?? null,
        now: tx.now,
      });
      const byId = new Map(rows.map((r) => [r.id, r]));
      const out = noTransition();
      for (const id of ids) {
        const row = byId.get(id);
        if (!row) {
          out.refused.push(id);
          continue;
        }
        byId.delete(id);
        out.ok.push(id);
        tx.events.push(jobEvent("job:updated", id, row.queue, tx.now, row.state, data));
      }
      return out;
    });
  }

  async promote({ ids }: JobPromoteParams): Promise<TransitionResult> {
    if (ids.length === 0) return noTransition();
    return this.store.write("job promote", async (tx) => {
      const rows = await tx.q<{ id: string; queue: string }>(this.sql.JOB_PROMOTE, { ids, now: tx.now });
      const byId = new Map(rows.map((r) => [r.id, r]));
      const out = noTransition();
      for (const id of ids) {
        const row = byId.get(id);
        if (!row) {
          out.refused.push(id);
          continue;
        }
        byId.delete(id);
        out.ok.push(id);
        tx.events.push(jobEvent("job:enqueued", id, row.queue, tx.now, "queued", { promoted: true }));
      }
      return out;
    });
  }

  async search(params: JobListParams & { search: string }): Promise<JobPage> {
    const limit = listLimit(params);
    const stmt = (params.order ?? "desc") === "desc" ? this.sql.JOB_SEARCH_DESC : this.sql.JOB_SEARCH_ASC;
    const rows = await this.store.read((q) =>
      q<JobRow>(stmt, {
        queue: params.queue ?? null,
        states: listStates(params),
        task: params.task ?? null,
        key: params.key ?? null,
        created_after: params.createdAfter ?? null,
        created_before: params.createdBefore ?? null,
        after: decodeCursor(params.cursor),
        search: normalizeSearch(params.search),
        limit: limit + 1,
      }),
    );
    const page = rows.slice(0, limit).map(toRecord);
    return { jobs: page, nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.id) : null };
  }
}
