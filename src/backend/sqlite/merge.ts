/**
 * Several states as one page: the per-state statements (job-list-state.sql,
 * job-search-scan-state.sql) each walk the (state, id) index for one state and stop after one
 * page; their pages, read in one snapshot, merge into the page of the union. The first `limit`
 * of the merge are the first `limit` of the union, as ids are unique.
 */
import type { JobRow } from "./rows.js";

/** SQLite's order for TEXT ids is UTF-8 byte order, which JS string `<` is not beyond the BMP. */
const byId = (a: JobRow, b: JobRow) => Buffer.compare(Buffer.from(a.id), Buffer.from(b.id));

/** One page per state (`pageOf`), merged by id in the page's direction, cut to `limit` rows. */
export function mergeStates(
  states: readonly string[],
  desc: boolean,
  limit: number,
  pageOf: (state: string) => JobRow[],
): JobRow[] {
  const all = states.flatMap(pageOf);
  if (states.length === 1) return all;
  all.sort(desc ? (a, b) => byId(b, a) : byId);
  return all.slice(0, limit);
}
