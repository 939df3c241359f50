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
import { Copy, Empty, ErrorNote, Loading, Pager, PageTitle, StateBadge, Time } from "../components/common";
import { shortId } from "../format";
import { useLiveEvents, useLiveQuery } from "../live";
import { href, navigate, seg, useRoute } from "../router";
import { JOB_STATES, type Job, type JobPage, type Queue } from "../types";

const PAGE_SIZE = 50;
const RANGES: Record<string, number> = {
  "15m": 15 * 60_000,
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
};
const FILTER_KEYS = ["state", "task", "queue", "search", "range", "from", "to", "order"] as const;
type Filters = Partial<Record<(typeof FILTER_KEYS)[number], string>>;

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
                  class={`${i === selected ? "selected" : ""} ${changed.has(j.id) ? "changed" : ""}`}
                  onClick={() => navigate(`/jobs/${seg(j.id)}`)}
                >
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
      />
    </>
  );
}

/** j/k (or arrows) move through the rows, Enter opens one: the list works without a mouse. */
export function ListKeys({
  count,
  selected,
  setSelected,
  open,
}: {
  count: number;
  selected: number;
  setSelected: (i: number) => void;
  open: (i: number) => void;
}) {
  useEffect(() => {
    const on = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (target.closest("input, select, textarea, dialog") || e.metaKey || e.ctrlKey || e.altKey) return;
      if (count === 0) return;
      if (e.key === "j" || e.key === "ArrowDown") setSelected(Math.min(count - 1, selected + 1));
      else if (e.key === "k" || e.key === "ArrowUp") setSelected(Math.max(0, selected - 1));
      else if (e.key === "Enter" && !target.closest("a, button")) open(selected);
      else return;
      e.preventDefault();
      document.querySelector("tr.selected")?.scrollIntoView({ block: "nearest" });
    };
    addEventListener("keydown", on);
    return () => removeEventListener("keydown", on);
  });
  return null;
}

function FilterBar({ filters, onChange }: { filters: Filters; onChange: (f: Filters) => void }) {
  const queues = useLiveQuery(
    () => api<{ queues: Queue[] }>("queues").then((r) => r.queues.map((q) => q.name)),
    () => false,
    [],
  );
  const [task, setTask] = useState(filters.task ?? "");
  const [search, setSearch] = useState(filters.search ?? "");
  useEffect(() => {
    setTask(filters.task ?? "");
    setSearch(filters.search ?? "");
  }, [filters.task, filters.search]);
  return (
    <form
      class="filters"
      aria-label="Filters"
      onSubmit={(e) => {
        e.preventDefault();
        onChange({ task: task || undefined, search: search || undefined });
      }}
    >
      <label>
        State
        <select
          name="state"
          value={filters.state ?? ""}
          onChange={(e) => onChange({ state: (e.target as HTMLSelectElement).value || undefined })}
        >
          <option value="">any</option>
          {JOB_STATES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        Queue
        <select
          name="queue"
          value={filters.queue ?? ""}
          onChange={(e) => onChange({ queue: (e.target as HTMLSelectElement).value || undefined })}
        >
          <option value="">any</option>
          {(queues.data ?? (filters.queue ? [filters.queue] : [])).map((q) => (
            <option key={q} value={q}>
              {q}
            </option>
          ))}
        </select>
      </label>
      <label>
        Task
        <input
          name="task"
          value={task}
          placeholder="exact name"
          onInput={(e) => setTask((e.target as HTMLInputElement).value)}
        />
      </label>
      <label>
        Search
        <input
          name="search"
          type="search"
          value={search}
          placeholder="text in input, result, error, id, key (/)"
          onInput={(e) => setSearch((e.target as HTMLInputElement).value)}
        />
      </label>
      <label>
        Created
        <select
          name="range"
          value={filters.range ?? ""}
          onChange={(e) =>
            onChange({
              range: (e.target as HTMLSelectElement).value || undefined,
              from: undefined,
              to: undefined,
            })
          }
        >
          <option value="">any time</option>
          <option value="15m">last 15 min</option>
          <option value="1h">last hour</option>
          <option value="24h">last 24 h</option>
          <option value="7d">last 7 days</option>
        </select>
      </label>
      {!filters.range && (
        <>
          <label class="wide-only">
            From
            <input
              type="datetime-local"
              name="from"
              value={filters.from ?? ""}
              onChange={(e) => onChange({ from: (e.target as HTMLInputElement).value || undefined })}
            />
          </label>
          <label class="wide-only">
            To
            <input
              type="datetime-local"
              name="to"
              value={filters.to ?? ""}
              onChange={(e) => onChange({ to: (e.target as HTMLInputElement).value || undefined })}
            />
          </label>
        </>
      )}
      <label>
        Order
        <select
          name="order"
          value={filters.order ?? "desc"}
          onChange={(e) =>
            onChange({ order: (e.target as HTMLSelectElement).value === "asc" ? "asc" : undefined })
          }
        >
          <option value="desc">newest first</option>
          <option value="asc">oldest first</option>
        </select>
      </label>
      <button type="submit">Filter</button>
      {Object.keys(filters).length > 0 && (
        <button type="button" onClick={() => navigate("/jobs")}>
          Clear
        </button>
      )}
    </form>
  );
}
