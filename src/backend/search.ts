/**
 * Text search over jobs (`JobListParams.search`), one definition for every backend: a job
 * matches when one of its fields contains the search, case-insensitively: its id, key,
 * serialized input, serialized result, or one of its error messages (stacks are left out:
 * every job's stack names the same files). A search never spans two fields.
 *
 * How each backend finds matches at scale: SQLite keeps a trigram FTS5 index in step by
 * triggers (migration 0005) and checks each hit against the row; Redis walks the id index in
 * bounded script calls (scripts/job-search.lua), so a search never holds Redis for more than a
 * few milliseconds per call, and a page may come back short (even empty) with a `nextCursor`
 * to continue from; memory checks every job.
 */
import type { JobRecord } from "../core/types.js";

type Searchable = Pick<JobRecord, "id" | "key" | "input" | "result" | "errors">;

/** The search as matched: lower-case (String.toLowerCase; Redis folds ASCII letters only). */
export function normalizeSearch(search: string): string {
  return String(search).toLowerCase();
}

/** True when `job` matches the normalized (lower-case) search. */
export function jobMatchesSearch(job: Searchable, normalized: string): boolean {
  const has = (text: string | null) => text?.toLowerCase().includes(normalized) === true;
  return (
    has(job.id) ||
    has(job.key) ||
    has(job.input) ||
    has(job.result) ||
    job.errors.some((e) => typeof e.message === "string" && has(e.message))
  );
}
