/**
 * One workflow as a graph: dagre lays the DAG out left to right (parents before children), SVG
 * draws it with each node coloured by its job's state. Live: job events of this workflow patch
 * a node's state at once and re-read the graph (throttled) for progress and errors.
 */
import dagre from "@dagrejs/dagre";
import { useEffect, useMemo, useState } from "preact/hooks";
import { api } from "../api";
import { ActionBar } from "../components/actions";
import { Copy, ErrorNote, Loading, PageTitle, Progress, StateBadge, Time } from "../components/common";
import { useLiveEvents, useLiveQuery } from "../live";
import { href, navigate, seg } from "../router";
import type { Graph, GraphNode, JobState, Workflow } from "../types";

const NODE_W = 168;
const NODE_H = 52;

interface Placed {
  node: GraphNode;
  x: number;
  y: number;
}

function layout(graph: Graph) {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 18, ranksep: 56, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(n.node, { width: NODE_W, height: NODE_H });
  for (const e of graph.edges) g.setEdge(e.from, e.to);
  dagre.layout(g);
  const placed: Placed[] = graph.nodes.map((node) => {
    const p = g.node(node.node);
    return { node, x: (p?.x ?? 0) - NODE_W / 2, y: (p?.y ?? 0) - NODE_H / 2 };
  });
  const edges = graph.edges.map((e) => ({ ...e, points: g.edge(e.from, e.to)?.points ?? [] }));
  const size = g.graph();
  return { placed, edges, width: size.width ?? 0, height: size.height ?? 0 };
}

export function WorkflowGraph({ id }: { id: string }) {
  const graph = useLiveQuery(
    () => api<Graph>(`workflows/${seg(id)}/graph`),
    () => false,
    [id],
  );
  const info = useLiveQuery(
    () => api<Workflow>(`workflows/${seg(id)}`),
    () => false,
    [id],
  );
  // Node states patched from events between two reads of the graph.
  const [patched, setPatched] = useState<Map<string, JobState>>(new Map());
  const jobIds = useMemo(() => new Set(graph.data?.nodes.map((n) => n.jobId)), [graph.data]);
  const shape = useMemo(
    () => (graph.data ? layout(graph.data) : null),
    [graph.data?.nodes.length, graph.data?.edges.length],
  );
  const [timer, setTimer] = useState<ReturnType<typeof setTimeout> | null>(null);
  // A fresh read of the graph supersedes the patches.
  useEffect(() => setPatched(new Map()), [graph.data]);

  useLiveEvents((e) => {
    if (!jobIds.has(e.jobId)) return;
    if (e.state) setPatched((m) => new Map(m).set(e.jobId, e.state!));
    if (!timer)
      setTimer(
        setTimeout(() => {
          setTimer(null);
          graph.reload();
          info.reload();
        }, 700),
      );
  });

  const g = graph.data;
  if (!g || !shape)
    return (
      <>
        <PageTitle title="Workflow" />
        <ErrorNote error={graph.error} />
        {!graph.error && <Loading what="the graph" />}
      </>
    );
  const stateOf = (n: GraphNode) => patched.get(n.jobId) ?? n.state;
  const fresh = g.nodes;
  return (
    <>
      <PageTitle title={`Workflow ${info.data?.name ?? ""}`}>
        {info.data?.state === "running" && (
          <ActionBar
            params={{ id }}
            onDone={() => info.reload()}
            actions={[
              {
                id: "cancel-workflow",
                label: "Cancel workflow",
                method: "POST",
                route: "/api/workflows/{id}/cancel",
                confirm: "Cancel every job of this workflow that has not finished?",
                danger: true,
              },
            ]}
          />
        )}
      </PageTitle>
      <dl class="facts">
        <dt>Id</dt>
        <dd class="mono">
          {id} <Copy text={id} />
        </dd>
        <dt>Kind</dt>
        <dd>{g.kind}</dd>
        <dt>State</dt>
        <dd>
          <StateBadge state={info.data?.state ?? g.state} />
        </dd>
        {info.data && (
          <>
            <dt>Created</dt>
            <dd>
              <Time at={info.data.createdAt} />
            </dd>
            <dt>Progress</dt>
            <dd class="progress-cell">
              <Progress
                percent={info.data.progress.percent}
                message={`${info.data.progress.completed}/${info.data.progress.total} nodes`}
              />
            </dd>
          </>
        )}
      </dl>
      <div class="graph-wrap">
        <svg
          class="graph"
          viewBox={`0 0 ${Math.max(shape.width, 1)} ${Math.max(shape.height, 1)}`}
          width={shape.width}
          height={shape.height}
          role="img"
          aria-label={`Workflow graph: ${fresh.length} nodes`}
        >
          <defs>
            <marker
              id="arrow"
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto"
            >
              <path d="M0,0 L10,5 L0,10 z" class="edge-head" />
            </marker>
          </defs>
          {shape.edges.map((e) => (
            <polyline
              key={`${e.from}->${e.to}`}
              class="edge"
              points={e.points.map((p: { x: number; y: number }) => `${p.x},${p.y}`).join(" ")}
              marker-end="url(#arrow)"
            />
          ))}
          {shape.placed.map(({ node, x, y }) => {
            const current = fresh.find((n) => n.node === node.node) ?? node;
            const state = stateOf(current);
            return (
              <a
                key={node.node}
                href={href(`/jobs/${seg(node.jobId)}`)}
                class={`node state-${state ?? "gone"}`}
                data-node={node.node}
                data-state={state ?? "gone"}
                onClick={(ev) => {
                  ev.preventDefault();
                  navigate(`/jobs/${seg(node.jobId)}`);
                }}
              >
                <title>{`${node.node}: ${current.task ?? "?"} (${state ?? "gone"})${current.error ? ` — ${current.error}` : ""}`}</title>
                <rect x={x} y={y} width={NODE_W} height={NODE_H} rx={8} />
                <text x={x + 10} y={y + 20} class="node-name">
                  {node.node.length > 20 ? `${node.node.slice(0, 19)}…` : node.node}
                </text>
                <text x={x + 10} y={y + 38} class="node-sub">
                  {(current.task ?? "?").slice(0, 16)} · {state ?? "gone"}
                  {current.progress && state === "running" ? ` ${Math.round(current.progress.percent)}%` : ""}
                </text>
              </a>
            );
          })}
        </svg>
      </div>
      <p class="legend">
        {(["waiting", "scheduled", "queued", "running", "completed", "failed", "cancelled"] as const).map(
          (s) => (
            <StateBadge key={s} state={s} />
          ),
        )}
      </p>
    </>
  );
}
