/**
 * Job actions on Redis (see ../job-actions.ts): one Lua script per call (scripts/job-update.lua,
 * scripts/job-promote.lua), each job's state checked inside the script.
 */
import type { TransitionResult } from "../backend.js";
import {
  checkJobUpdate,
  type JobPromoteParams,
  type JobUpdateParams,
  noTransition,
  updateEventData,
} from "../job-actions.js";
import type { ScriptName } from "./scripts.js";

/** Ids per script call: bounds how long one call holds Redis. */
export const ACTION_CHUNK = 1_000;

export interface RedisJobActionsHost {
  now(): number;
  run(name: ScriptName, args: (string | number)[], writes?: boolean): Promise<unknown[]>;
}

export class RedisJobActions {
  constructor(private readonly host: RedisJobActionsHost) {}

  async update(params: JobUpdateParams): Promise<TransitionResult> {
    checkJobUpdate(params);
    const head = [
      params.priority === undefined ? "" : String(params.priority),
      params.input === undefined ? "-" : `=${params.input}`,
      JSON.stringify(updateEventData(params)),
    ];
    return this.chunked(params.ids, (ids) => this.host.run("job-update", [this.host.now(), ...head, ...ids]));
  }

  async promote({ ids }: JobPromoteParams): Promise<TransitionResult> {
    return this.chunked(ids, (chunk) => this.host.run("job-promote", [this.host.now(), ...chunk]));
  }

  private async chunked(
    ids: readonly string[],
    call: (ids: string[]) => Promise<unknown[]>,
  ): Promise<TransitionResult> {
    const out = noTransition();
    for (let i = 0; i < ids.length; i += ACTION_CHUNK) {
      const reply = await call(ids.slice(i, i + ACTION_CHUNK));
      const n = Number(reply[1]);
      out.ok.push(...(reply.slice(2, 2 + n) as string[]));
      out.refused.push(...(reply.slice(2 + n) as string[]));
    }
    return out;
  }
}
