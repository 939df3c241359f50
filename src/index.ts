/**
 * spool — background jobs for TypeScript: task queue, scheduler and workflow engine.
 *
 * The root entry stays small: backends for Redis and PostgreSQL load on demand by URL,
 * test helpers live in `spool/testing`.
 */
export type {
  Backend,
  BackendEvent,
  BackendEventType,
  FollowUpRef,
  JobListParams,
  LimitReason,
  LimitWait,
  QueueInfo,
  QueueLimits,
  StateCounts,
  StoredRateLimit,
  WorkerInfo,
} from "./backend/backend.js";
export { BACKEND_URL_DEFAULT, createBackend } from "./backend/create-backend.js";
export type {
  BulkCancelOptions,
  BulkCancelResult,
  BulkFilterOptions,
  BulkFilterResult,
  JobFilter,
} from "./client/bulk-filter.js";
export type { JobActionsApi } from "./client/job-actions.js";
export type { JobChildren } from "./client/job-children.js";
export type { JobFollowUp } from "./client/job-follow-ups.js";
export { createSpool, type Spool, type SpoolOptions } from "./client/spool.js";
export { type Clock, FakeClock, systemClock } from "./core/clock.js";
export { type Duration, formatMs, toMs } from "./core/duration.js";
export * from "./core/errors/index.js";
export type { QueueLimitOptions, RateLimit } from "./core/flow.js";
export type { BackoffPolicy, RetryPolicy } from "./core/retry.js";
export { deserialize, serialize } from "./core/serializer.js";
export type { ChildOutcome, SpawnedChildren, SpawnOptions } from "./core/spawn.js";
export type {
  AppTransaction,
  BatchContext,
  BatchOptions,
  BatchTaskConfig,
  EnqueueManyOptions,
  EnqueueOptions,
  InputOf,
  JobEvent,
  JobEventType,
  JobHandle,
  JobInfo,
  NamedFollowUpCall,
  OutputOf,
  PipedCall,
  ResultOptions,
  SchemaTaskConfig,
  Task,
  TaskCall,
  TaskConfig,
  TaskContext,
  TaskDefaults,
  TaskLogger,
} from "./core/task.js";
export {
  JOB_STATES,
  type JobErrorRecord,
  type JobProgress,
  type JobRecord,
  type JobState,
} from "./core/types.js";
export {
  type FireEvent,
  type MisfirePolicy,
  type OverlapPolicy,
  RunDroppedError,
  type ScheduleApi,
  type ScheduleCall,
  type ScheduleHandle,
  type ScheduleInfo,
  type ScheduleOptions,
  type ScheduleRunInfo,
  Scheduler,
  type SchedulerEvents,
  type SchedulerOptions,
  type StoredTrigger,
  type Trigger,
} from "./scheduler/index.js";
export { ERROR_MESSAGE_MAX, ERROR_STACK_MAX } from "./worker/error-record.js";
export { type FaultKind, installFaultHandlers } from "./worker/fault-scope.js";
export { type RetentionOptions, Worker, type WorkerEvents, type WorkerOptions } from "./worker/worker.js";
export {
  Flow,
  type FlowSpec,
  type Free,
  Workflow,
  type WorkflowEvent,
  type WorkflowEventType,
  type WorkflowHandle,
  type WorkflowInfo,
  type WorkflowNodeInfo,
  type WorkflowOptions,
  type WorkflowPolicy,
  type WorkflowProgress,
  type WorkflowState,
} from "./workflow/index.js";
