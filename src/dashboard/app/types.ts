/**
 * The API's shapes, as the dashboard reads them (see /api/openapi.json). What the server's own
 * modules already define (job states, audit entries) is imported from them, type-only or as
 * plain constants, so the two cannot drift.
 */
import type { JobState } from "../../core/types";

export type { AuditEntry } from "../../backend/backend";
export { JOB_STATES, type JobState } from "../../core/types";
export type Counts = Record<JobState, number>;

export interface Me {
  actor: string;
  role: "read" | "admin";
  via: "bearer" | "session" | "insecure";
  expiresAt: number | null;
  csrfToken: string | null;
}

export interface JobError {
  attempt: number;
  name: string;
  message: string;
  code?: string;
  stack?: string;
  at: number;
}

export interface Job {
  id: string;
  task: string;
  queue: string;
  state: JobState;
  priority: number;
  runAt: number;
  attempt: number;
  maxAttempts: number;
  input: unknown;
  result: unknown;
  errors: JobError[];
  progress: { percent: number; message?: string } | null;
  key: string | null;
  meta: Record<string, unknown>;
  dependsOn: string[];
  pendingDependencies: number;
  workerId: string | null;
  leaseExpiresAt: number | null;
  timeoutMs: number | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  updatedAt: number;
}

export interface JobPage {
  jobs: Job[];
  nextCursor: string | null;
}

/** `GET /api/jobs/{id}/children`: what a job spawned (`ctx.spawn`), every round. */
export interface JobChildren {
  round: number;
  total: number;
  counts: Partial<Record<JobState, number>>;
  children: {
    id: string;
    task: string;
    state: JobState;
    attempt: number;
    maxAttempts: number;
    finishedAt: number | null;
    error: string | null;
  }[];
}

/** `GET /api/jobs/{id}/follow-ups`: a job's then / catch follow-ups, pending or made. */
export interface JobFollowUp {
  outcome: "completed" | "failed";
  id: string;
  task: string;
  queue: string;
  /** False: waits for the job's outcome; true: the outcome made it. */
  made: boolean;
  /** The made job's state; null while pending or once it was removed. */
  state: JobState | null;
  attempt: number | null;
  maxAttempts: number | null;
  finishedAt: number | null;
  error: string | null;
}

export interface LogLine {
  at: number;
  level: "debug" | "info" | "warn" | "error";
  message: string;
  attempt: number;
}

/** A limit holding queued jobs back now (`limitWaits` of `GET /api/queues`; docs/flow-control.md). */
export interface LimitWait {
  scope: "queue" | "task" | "key";
  task: string | null;
  key: string | null;
  reason: "concurrency" | "rate" | "hold";
  waiting: number;
}

export interface Queue {
  name: string;
  paused: boolean;
  counts: Counts;
  oldestQueuedAt: number | null;
  oldestQueuedAgeMs: number | null;
  throughput: { windowMinutes: number; completedPerMinute: number[]; failedPerMinute: number[] };
  /** Flow-control limits (docs/flow-control.md); null: none. */
  limits: {
    concurrency: number | null;
    rateLimit: { limit: number; perMs: number; burst: number } | null;
  };
  /** Queued jobs the next claims could not start now because a limit holds them. */
  waitingOnLimit: number;
  /** Which limits hold them, largest first (at most 20). */
  limitWaits: LimitWait[];
}

export interface Worker {
  id: string;
  host: string;
  pid: number;
  queues: string[];
  concurrency: number;
  running: string[];
  startedAt: number;
  lastSeenAt: number;
}

export interface Schedule {
  name: string;
  description: string;
  tz: string | null;
  task: string;
  queue: string;
  paused: boolean;
  nextFireAt: number | null;
  lastFireAt: number | null;
  lastJobId: string | null;
  runs: number;
  next: number[];
  misfire: string;
  overlap: string;
  /** With `?lastRuns=N`: the recent fires, newest first. */
  lastRuns?: ScheduleRun[];
}

export interface ScheduleRun {
  at: number;
  /** Null for a run now. */
  fireAt: number | null;
  /** Null for a skipped fire. */
  jobId: string | null;
  skipped: string | null;
  /** The job's state now; null when skipped or gone. */
  state: JobState | null;
  startedAt: number | null;
  finishedAt: number | null;
  error: string | null;
}

export type WorkflowState = "running" | "completed" | "failed" | "cancelled";

export interface Workflow {
  id: string;
  name: string;
  policy: string;
  state: WorkflowState;
  total: number;
  counts: Counts;
  progress: { completed: number; total: number; percent: number };
  createdAt: number;
  finishedAt: number | null;
}

export interface GraphNode {
  node: string;
  jobId: string;
  task: string | null;
  state: JobState | null;
  attempt: number;
  progress: { percent: number; message?: string } | null;
  error: string | null;
}

export interface Graph {
  id: string;
  kind: string;
  state: WorkflowState;
  nodes: GraphNode[];
  edges: { from: string; to: string }[];
}

/** One change-feed event (SSE `data:`). */
export interface FeedEvent {
  type: string;
  jobId: string;
  queue: string;
  at: number;
  state?: JobState;
  data?: Record<string, unknown>;
}
