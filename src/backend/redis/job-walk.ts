/**
 * The caller's side of scripts/includes/job-walk.lua, shared by `jobList` (job-list.lua) and
 * text search (job-search.lua): call the script slice after slice, each from where the last
 * stopped, until a page and one more job are found, the index is walked, or the deadline
 * passes.
 */
import type { JobRecord } from "../../core/types.js";
import type { JobListParams } from "../backend.js";
import { decodeCursor, encodeCursor, listLimit, listStates } from "../shared.js";
import { decodeFlat } from "./records.js";
import type { ScriptName } from "./scripts.js";

export interface JobWalkHost {
  run(name: ScriptName, args: (string | number)[], writes?: boolean): Promise<unknown[]>;
}

export interface JobWalk {
  /** Up to `limit + 1` jobs, in walk order. */
  found: JobRecord[];
  /** The whole index (after the cursor) was walked. */
  exhausted: boolean;
  /** The last index member examined ("" when none was): a cursor's text (see cursorAfter). */
  from: string;
}

/**
 * The cursor after `job`: its member of the list indexes (includes/list-index.lua listMember,
 * createdAt as 13 digits then the id), which the walk uses as an exclusive bound.
 */
export function cursorAfter(job: Pick<JobRecord, "id" | "createdAt">): string {
  return encodeCursor(`${String(Math.trunc(job.createdAt)).padStart(13, "0")}${job.id}`);
}

export async function walkJobs(
  host: JobWalkHost,
  script: "job-list" | "job-search",
  params: JobListParams,
  options: { scanMax: number; extra?: (string | number)[]; deadline?: number },
): Promise<JobWalk> {
  const limit = listLimit(params);
  const states = listStates(params);
  const desc = (params.order ?? "desc") === "desc";
  let from = decodeCursor(params.cursor) ?? "";
  const found: JobRecord[] = [];
  let exhausted = false;
  for (;;) {
    const reply = await host.run(
      script,
      [
        desc ? "desc" : "asc",
        from,
        limit - found.length,
        options.scanMax,
        params.queue ?? "",
        states ? states.join(",") : "",
        params.task ?? "",
        params.key === undefined ? "" : `=${params.key}`,
        params.createdAfter ?? "",
        params.createdBefore ?? "",
        ...(options.extra ?? []),
      ],
      false,
    );
    for (let i = 3; i < reply.length; i += 2)
      found.push(decodeFlat(reply[i] as string, reply[i + 1] as string[]).record);
    exhausted = Number(reply[1]) === 1;
    from = reply[2] as string;
    if (found.length > limit || exhausted) break;
    if (options.deadline !== undefined && Date.now() >= options.deadline) break;
  }
  return { found, exhausted, from };
}
