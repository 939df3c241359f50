/**
 * Workflows on Redis: one Lua script per operation (scripts/workflow-*.lua; the failFast and
 * retention rules are in scripts/includes/workflow.lua, included by fail, rescue and
 * retention-prune). See scripts/includes/workflow.lua for the keys.
 */
import type {
  NewJob,
  StateCounts,
  WorkflowEnqueueParams,
  WorkflowEnqueueResult,
  WorkflowListParams,
  WorkflowPage,
  WorkflowPolicy,
  WorkflowRecord,
  WorkflowState,
} from "../backend.js";
import { emptyCounts } from "../backend.js";
import { decodeCursor, encodeCursor, listLimit } from "../shared.js";
import { checkWorkflowEnqueue, workflowStateOf } from "../workflow-shared.js";
import { pushJobArgs } from "./job-args.js";
import type { ScriptName } from "./scripts.js";

export interface RedisWorkflowHost {
  now(): number;
  run(name: ScriptName, args: (string | number)[], writes?: boolean): Promise<unknown[]>;
}

export class RedisWorkflows {
  constructor(private readonly host: RedisWorkflowHost) {}

  async enqueue(params: WorkflowEnqueueParams): Promise<WorkflowEnqueueResult> {
    checkWorkflowEnqueue(params);
    const { workflow, jobs } = params;
    const args: (string | number)[] = [
      this.host.now(),
      workflow.id,
      workflow.name,
      workflow.policy,
      workflow.spec,
      jobs.length,
    ];
    let prev: NewJob | null = null;
    for (const job of jobs) {
      pushJobArgs(args, job, prev);
      prev = job;
    }
    const reply = await this.host.run("workflow-enqueue", args);
    const out: WorkflowEnqueueResult["jobs"] = [];
    for (let i = 1; i < reply.length; i += 2)
      out.push({
        id: reply[i] as string,
        state: reply[i + 1] as WorkflowEnqueueResult["jobs"][number]["state"],
        created: true,
      });
    return { jobs: out };
  }

  async get(id: string): Promise<WorkflowRecord | null> {
    const r = await this.host.run("workflow-get", [id], false);
    if (r.length < 2) return null;
    const [, name, policy, stored, spec, total, createdAt, finishedAt, countsJson] = r as string[];
    const counts: StateCounts = { ...emptyCounts(), ...(JSON.parse(countsJson!) as Partial<StateCounts>) };
    const running = stored === "running";
    return {
      id,
      name: name!,
      policy: policy as WorkflowPolicy,
      state: running ? workflowStateOf(policy!, counts) : (stored as WorkflowState),
      spec: spec!,
      total: Number(total),
      counts,
      createdAt: Number(createdAt),
      finishedAt: running || finishedAt === "" ? null : Number(finishedAt),
    };
  }

  async list(params: WorkflowListParams): Promise<WorkflowPage> {
    const limit = listLimit(params);
    const after = decodeCursor(params.cursor) ?? "";
    const reply = await this.host.run("workflow-list", [params.order ?? "desc", after, limit + 1], false);
    const ids = reply.slice(1) as string[];
    const page = ids.slice(0, limit);
    const workflows: WorkflowRecord[] = [];
    for (const id of page) {
      const record = await this.get(id);
      if (record) workflows.push(record);
    }
    return { workflows, nextCursor: ids.length > limit ? encodeCursor(page[page.length - 1]!) : null };
  }
}
