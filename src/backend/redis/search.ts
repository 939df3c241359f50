/**
 * Text search on Redis (see ../search.ts): scripts/job-search.lua examines at most
 * `SEARCH_SCAN_MAX` jobs per call, and one `jobList` makes calls for at most
 * `SEARCH_TIME_BUDGET_MS` before it answers with what it found and a cursor to continue
 * from. Redis is free between calls, so a search over millions of jobs slows only itself.
 */
import type { JobRecord } from "../../core/types.js";
import type { JobListParams, JobPage } from "../backend.js";
import { normalizeSearch } from "../search.js";
import { decodeCursor, encodeCursor, listLimit, listStates } from "../shared.js";
import { decodeFlat } from "./records.js";
import type { ScriptName } from "./scripts.js";

/** Jobs one job-search script call examines (a few ms of Redis time). */
export const SEARCH_SCAN_MAX = 500;
/** How long one jobList keeps calling before it returns a short page with a cursor. */
export const SEARCH_TIME_BUDGET_MS = 250;

export interface RedisSearchHost {
  run(name: ScriptName, args: (string | number)[], writes?: boolean): Promise<unknown[]>;
}

export async function redisSearch(
  host: RedisSearchHost,
  params: JobListParams & { search: string },
): Promise<JobPage> {
  const limit = listLimit(params);
  const states = listStates(params);
  const desc = (params.order ?? "desc") === "desc";
  const search = normalizeSearch(params.search);
  let from = decodeCursor(params.cursor) ?? "";
  const found: JobRecord[] = [];
  const deadline = Date.now() + SEARCH_TIME_BUDGET_MS;
  let exhausted = false;
  for (;;) {
    const reply = await host.run(
      "job-search",
      [
        desc ? "desc" : "asc",
        from,
        limit - found.length,
        SEARCH_SCAN_MAX,
        params.queue ?? "",
        states ? states.join(",") : "",
        params.task ?? "",
        params.key === undefined ? "" : `=${params.key}`,
        params.createdAfter ?? "",
        params.createdBefore ?? "",
        search,
      ],
      false,
    );
    for (let i = 3; i < reply.length; i += 2)
      found.push(decodeFlat(reply[i] as string, reply[i + 1] as string[]).record);
    exhausted = Number(reply[1]) === 1;
    from = reply[2] as string;
    if (found.length > limit || exhausted || Date.now() >= deadline) break;
  }
  if (found.length > limit) {
    const page = found.slice(0, limit);
    return { jobs: page, nextCursor: encodeCursor(page[page.length - 1]!.id) };
  }
  // Out of time before the index was walked: a short page, continued from the last id examined.
  return { jobs: found, nextCursor: exhausted || from === "" ? null : encodeCursor(from) };
}
