/**
 * Text search on Redis (see ../search.ts): scripts/job-search.lua examines at most
 * `SEARCH_SCAN_MAX` jobs per call, and one `jobList` makes calls for at most
 * `SEARCH_TIME_BUDGET_MS` before it answers with what it found and a cursor to continue
 * from. Redis is free between calls, so a search over millions of jobs slows only itself.
 */
import type { JobListParams, JobPage } from "../backend.js";
import { normalizeSearch } from "../search.js";
import { encodeCursor, listLimit } from "../shared.js";
import { cursorAfter, type JobWalkHost, walkJobs } from "./job-walk.js";

/** Jobs one job-search script call examines (a few ms of Redis time). */
export const SEARCH_SCAN_MAX = 500;
/** How long one jobList keeps calling before it returns a short page with a cursor. */
export const SEARCH_TIME_BUDGET_MS = 250;

export async function redisSearch(
  host: JobWalkHost,
  params: JobListParams & { search: string },
): Promise<JobPage> {
  const limit = listLimit(params);
  const { found, exhausted, from } = await walkJobs(host, "job-search", params, {
    scanMax: SEARCH_SCAN_MAX,
    extra: [normalizeSearch(params.search)],
    deadline: Date.now() + SEARCH_TIME_BUDGET_MS,
  });
  if (found.length > limit) {
    const page = found.slice(0, limit);
    return { jobs: page, nextCursor: cursorAfter(page[page.length - 1]!) };
  }
  // Out of time before the index was walked: a short page, continued from the last id examined.
  return { jobs: found, nextCursor: exhausted || from === "" ? null : encodeCursor(from) };
}
