/** The jobs list's filter bar: state, queue, task, text search, time range, order (kept in the URL). */
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { useLiveQuery } from "../live";
import { navigate } from "../router";
import { JOB_STATES, type Queue } from "../types";

export const FILTER_KEYS = ["state", "task", "queue", "search", "range", "from", "to", "order"] as const;
export type Filters = Partial<Record<(typeof FILTER_KEYS)[number], string>>;

export function FilterBar({ filters, onChange }: { filters: Filters; onChange: (f: Filters) => void }) {
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
