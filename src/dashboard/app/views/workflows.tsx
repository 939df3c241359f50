/** Workflows: the list (state, progress, counts) and, for one workflow, its live graph. */
import { useState } from "preact/hooks";
import { api, query } from "../api";
import {
  Copy,
  Empty,
  ErrorNote,
  Loading,
  Pager,
  PageTitle,
  Progress,
  StateBadge,
  Time,
} from "../components/common";
import { shortId } from "../format";
import { useLiveQuery } from "../live";
import { href, navigate, seg } from "../router";
import type { Workflow } from "../types";
import { ListKeys } from "./jobs";

export function Workflows() {
  const [cursors, setCursors] = useState<string[]>([]);
  const [selected, setSelected] = useState(0);
  const cursor = cursors.at(-1);
  const q = useLiveQuery(
    () =>
      api<{ workflows: Workflow[]; nextCursor: string | null }>(`workflows${query({ limit: 50, cursor })}`),
    (e) => e.type === "job:completed" || e.type === "job:failed" || e.type === "job:cancelled",
    [cursor],
    2000,
  );
  const list = q.data?.workflows ?? [];
  return (
    <>
      <PageTitle title="Workflows" />
      <ErrorNote error={q.error} />
      {!q.data ? (
        <Loading what="workflows" />
      ) : list.length === 0 ? (
        <Empty>No workflows yet: chain, group, chord or flow jobs show here.</Empty>
      ) : (
        <div class="table-wrap">
          <table class="list" aria-label="Workflows">
            <thead>
              <tr>
                <th>Id</th>
                <th>Name</th>
                <th>State</th>
                <th>Progress</th>
                <th class="wide-only">Policy</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {list.map((w, i) => (
                <tr
                  key={w.id}
                  data-workflow={w.id}
                  class={i === selected ? "selected" : ""}
                  onClick={() => navigate(`/workflows/${seg(w.id)}`)}
                >
                  <td class="mono">
                    <a href={href(`/workflows/${seg(w.id)}`)} onClick={(e) => e.stopPropagation()}>
                      {shortId(w.id)}
                    </a>{" "}
                    <Copy text={w.id} label="copy" />
                  </td>
                  <td>{w.name}</td>
                  <td>
                    <StateBadge state={w.state} />
                  </td>
                  <td class="progress-cell">
                    <Progress
                      percent={w.progress.percent}
                      message={`${w.progress.completed}/${w.progress.total}`}
                    />
                  </td>
                  <td class="wide-only">{w.policy}</td>
                  <td>
                    <Time at={w.createdAt} compact />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        onBack={cursors.length ? () => setCursors((c) => c.slice(0, -1)) : null}
        onNext={q.data?.nextCursor ? () => setCursors((c) => [...c, q.data!.nextCursor!]) : null}
      />
      <ListKeys
        count={list.length}
        selected={selected}
        setSelected={setSelected}
        open={(i) => navigate(`/workflows/${seg(list[i]!.id)}`)}
      />
    </>
  );
}
