/**
 * The jobs list: filters (state, task, queue, time range, search, order) kept in the URL, cursor
 * pagination, live updates.
 *
 * Live, without jumping: rows on screen change state in place as events arrive (the row is
 * marked, never moved or removed), and new jobs are counted in a banner ("3 new jobs: show")
 * instead of being pushed in above the row under the cursor. A page is re-read only when asked.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { api, query } from "../api";
import { BulkByFilter, type BulkFilter } from "../components/bulk-filter";
import { PickAll, PickBox, SelectionBar, useCanPick, usePicks } from "../components/bulk-selection";
import { Copy, Empty, ErrorNote, Loading, Pager, PageTitle, StateBadge, Time } from "../components/common";
import { FILTER_KEYS, FilterBar, type Filters } from "../components/job-filters";
import { shortId } from "../format";
import { useLiveEvents } from "../live";
import { href, navigate, seg, useRoute } from "../router";
import type { Job, JobPage } from "../types";

const PAGE_SIZE = 50;
const RANGES: Record<string, number> = {
  "15m": 15 * 60_000,
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
};

function filtersOf(params: URLSearchParams): Filters {
  const out: Filters = {};
  for (const k of FILTER_KEYS) {
    const v = params.get(k);
    if (v) out[k] = v;
  }
  return out;
}

/** The filters as the API takes them (times resolved to epoch ms now). */
function filterOf(f: Filters): BulkFilter {
  const range = f.range ? RANGES[f.range] : undefined;
  const createdAfter = range ? Date.now() - range : f.from ? Date.parse(f.from) : undefined;
  const createdBefore = f.to ? Date.parse(f.to) : undefined;
  const out: BulkFilter = {};
  if (f.state) out.state = f.state.split(",");
  if (f.task) out.task = f.task;
  if (f.queue) out.queue = f.queue;
  if (f.search) out.search = f.search;
  if (createdAfter !== undefined && !Number.isNaN(createdAfter)) out.createdAfter = createdAfter;
  if (createdBefore !== undefined && !Number.isNaN(createdBefore)) out.createdBefore = createdBefore;
  return out;
}

function listQuery(f: Filters, cursor: string | undefined): string {
  const { state, ...rest } = filterOf(f);
  return query({ ...rest, state: state?.join(","), order: f.order, limit: PAGE_SIZE, cursor });
}

/**
 * One page; a search that comes back empty but not finished (Redis answers each request after a
 * bounded scan) is continued from its cursor, for up to 10 s, so rare words are found without
 * clicking through empty pages.
 */
async function searchPage(f: Filters, cursor: string | undefined, live: () => boolean): Promise<JobPage> {
  const until = Date.now() + 10_000;
  let page = await api<JobPage>(`jobs${listQuery(f, cursor)}`);
  while (f.search && page.jobs.length === 0 && page.nextCursor && Date.now() < until && live())
    page = await api<JobPage>(`jobs${listQuery(f, page.nextCursor)}`);
  return page;
}

export function Jobs() {
  const route = useRoute();
  const filters = filtersOf(route.query);
  const cursor = route.query.get("cursor") ?? undefined;
  const key = JSON.stringify([filters, cursor]);
  const [page, setPage] = useState<JobPage | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [fresh, setFresh] = useState(0);
  const [changed, setChanged] = useState<Set<string>>(new Set());
  const [selected, setSelected] = useState(0);
  const [history, setHistory] = useState<string[]>([]);
  const [reloads, setReloads] = useState(0);
  const reload = () => setReloads((n) => n + 1);
  const tableRef = useRef<HTMLTableElement>(null);
  const canPick = useCanPick();
  const picks = usePicks(key);

  useEffect(() => {
    let live = true;
    setPage(null);
    setFresh(0);
    setChanged(new Set());
    setSelected(0);
    searchPage(filters, cursor, () => live).then(
      (p) => {
        if (!live) return;
        setPage(p);
        setError(null);
      },
      (err: Error) => {
        if (live) setError(err);
      },
    );
    return () => {
      live = false;
    };
  }, [key, reloads]);

  useLiveEvents((e) => {
    if (!e.type.startsWith("job:") || !page) return;
    const row = page.jobs.find((j) => j.id === e.jobId);
    if (row) {
      if (e.type === "job:removed") return;
      if (e.state && e.state !== row.state) {
        setPage({
          ...page,
          jobs: page.jobs.map((j) =>
            j.id === e.jobId
              ? {
                  ...j,
                  state: e.state!,
                  attempt: typeof e.data?.attempt === "number" ? e.data.attempt : j.attempt,
                }
              : j,
          ),
        });
        setChanged((s) => new Set(s).add(e.jobId));
      }
    } else if (e.type === "job:enqueued" && !cursor && e.data?.released !== true) {
      if (filters.queue && filters.queue !== e.queue) return;
      if (filters.state && e.state && !filters.state.split(",").includes(e.state)) return;
      setFresh((n) => n + 1);
    }
  });

  const set = (patch: Filters) => {
    const next: Record<string, string | undefined> = { ...filters, ...patch };
    setHistory([]);
    navigate("/jobs", next);
  };
  const go = (next: string | undefined, back = false) => {
    setHistory((h) => (back ? h.slice(0, -1) : [...h, cursor ?? ""]));
    navigate("/jobs", { ...filters, cursor: next });
  };

  const jobs = page?.jobs ?? [];
  return (
    <>
      <PageTitle title="Jobs">
        <button type="button" onClick={reload} title="Re-read this page">
          Refresh
        </button>
      </PageTitle>
      <FilterBar filters={filters} onChange={set} />
      <BulkByFilter filter={filterOf(filters)} onDone={reload} />
      {canPick && (
        <SelectionBar jobs={page?.jobs ?? []} picked={picks.picked} clear={picks.clear} onDone={reload} />
      )}
      <ErrorNote error={error} />
      {fresh > 0 && (
        <button type="button" class="banner" onClick={reload}>
          {fresh} new {fresh === 1 ? "job" : "jobs"}: show
        </button>
      )}
      {!page ? (
        <Loading what="jobs" />
      ) : jobs.length === 0 ? (
        <Empty>
          {page.nextCursor
            ? "No matches on this page yet: the search goes on with Next."
            : "No jobs match these filters."}
        </Empty>
      ) : (
        <div class="table-wrap">
          <table class="list jobs" ref={tableRef} aria-label="Jobs">
            <thead>
              <tr>
                {canPick && (
                  <th class="pick">
                    <PickAll jobs={jobs} picked={picks.picked} setAll={picks.setAll} />
                  </th>
                )}
                <th>Id</th>
                <th>Task</th>
                <th class="wide-only">Queue</th>
                <th>State</th>
                <th class="num">Attempt</th>
                <th>Created</th>
                <th class="wide-only">Last error</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((j: Job, i) => (
                <tr
                  key={j.id}
                  data-job={j.id}
                  class={`${i === selected ? "selected" : ""} ${changed.has(j.id) ? "changed" : ""} ${picks.picked.has(j.id) ? "picked" : ""}`}
                  onClick={(e) => {
                    if (!(e.target as HTMLElement).closest("td.pick")) navigate(`/jobs/${seg(j.id)}`);
                  }}
                >
                  {canPick && (
                    // The label fills the cell: a bigger target than the box (the row ignores it).
                    <td class="pick">
                      <PickBox job={j} picked={picks.picked.has(j.id)} toggle={picks.toggle} />
                    </td>
                  )}
                  <td class="mono">
                    <a href={href(`/jobs/${seg(j.id)}`)} onClick={(e) => e.stopPropagation()} title={j.id}>
                      {shortId(j.id)}
                    </a>{" "}
                    <Copy text={j.id} label="copy" />
                  </td>
                  <td>{j.task}</td>
                  <td class="wide-only">{j.queue}</td>
                  <td>
                    <StateBadge state={j.state} />
                  </td>
                  <td class="num">
                    {j.attempt}/{j.maxAttempts}
                  </td>
                  <td>
                    <Time at={j.createdAt} compact />
                  </td>
                  <td class="wide-only error-cell">{j.errors.at(-1)?.message ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        onBack={history.length ? () => go(history.at(-1) || undefined, true) : null}
        onNext={page?.nextCursor ? () => go(page.nextCursor!) : null}
      />
      <ListKeys
        count={jobs.length}
        selected={selected}
        setSelected={setSelected}
        open={(i) => navigate(`/jobs/${seg(jobs[i]!.id)}`)}
        {...(canPick
          ? {
              pick: (i: number) => picks.toggle(jobs[i]!.id),
              // Always offered (clearing nothing is harmless): a key right after x must not miss it.
              unpickAll: picks.clear,
            }
          : {})}
      />
    </>
  );
}

/**
 * j/k (or arrows) move through the rows, Enter opens one, x picks it for a bulk action and
 * Escape drops the picks: the list works without a mouse.
 *
 * The listener is added once and reads the latest props through a ref. Re-adding it on every
 * render is not enough: effects run only after the next paint, so a key typed before that (a
 * quick `j x`, or keys on a busy machine) would act on the old cursor row. A move also updates
 * the ref at once, so the next key in the same moment already sees the new row.
 */
export function ListKeys(props: {
  count: number;
  selected: number;
  setSelected: (i: number) => void;
  open: (i: number) => void;
  pick?: (i: number) => void;
  unpickAll?: (() => void) | undefined;
}) {
  const latest = useRef(props);
  latest.current = props;
  useEffect(() => {
    const move = (to: number) => {
      latest.current = { ...latest.current, selected: to };
      latest.current.setSelected(to);
    };
    const on = (e: KeyboardEvent) => {
      const { count, selected, open, pick, unpickAll } = latest.current;
      const target = e.target as HTMLElement;
      // Escape also works from a row's checkbox (where a mouse pick leaves the focus).
      const typing = target.closest("input:not([type=checkbox]), select, textarea, dialog");
      if (e.key === "Escape" && unpickAll && !typing) {
        unpickAll();
        return;
      }
      if (target.closest("input, select, textarea, dialog") || e.metaKey || e.ctrlKey || e.altKey) return;
      if (count === 0) return;
      if (e.key === "x" && pick && !target.closest("a, button")) pick(selected);
      else if (e.key === "j" || e.key === "ArrowDown") move(Math.min(count - 1, selected + 1));
      else if (e.key === "k" || e.key === "ArrowUp") move(Math.max(0, selected - 1));
      else if (e.key === "Enter" && !target.closest("a, button")) open(selected);
      else return;
      e.preventDefault();
      document.querySelector("tr.selected")?.scrollIntoView({ block: "nearest" });
    };
    addEventListener("keydown", on);
    return () => removeEventListener("keydown", on);
  }, []);
  return null;
}
