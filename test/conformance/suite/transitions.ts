/**
 * Drives a fresh job in each state through every operation the Backend offers and checks
 * that the state changes it can observe are exactly the edges of `TRANSITIONS`: none outside
 * the table, and every edge of the table reachable.
 */
import { expect } from "vitest";
import type { Backend } from "../../../src/backend/backend.js";
import type { FakeClock } from "../../../src/core/clock.js";
import { newLeaseToken } from "../../../src/core/ids.js";
import { canTransition, TRANSITIONS } from "../../../src/core/transitions.js";
import { JOB_STATES, type JobState } from "../../../src/core/types.js";
import { defineTopic } from "./define.js";
import { claimOne, enqueueOne, errorRecord, LEASE_MS, stateOf } from "./helpers.js";

const AHEAD_MS = 60_000;

interface Subject {
  id: string;
  queue: string;
  token: string;
  parent: string | null;
}

interface Scenario {
  op: string;
  maxAttempts?: number;
  /** For waiting jobs: the child's runAt lies ahead, so its release lands in `scheduled`. */
  runAtAhead?: boolean;
  apply: (backend: Backend, job: Subject, clock: FakeClock) => Promise<unknown>;
}

async function finishParent(backend: Backend, job: Subject, how: "complete" | "fail"): Promise<void> {
  if (job.parent === null) return;
  const leased = await claimOne(backend, `${job.queue}-parent`);
  if (how === "complete")
    await backend.jobComplete({ jobs: [{ id: leased.id, token: leased.leaseToken, result: "1" }] });
  else
    await backend.jobFail({
      jobs: [
        {
          id: leased.id,
          token: leased.leaseToken,
          error: errorRecord(1, backend.clock.now()),
          retryAt: null,
        },
      ],
    });
}

const fail = (backend: Backend, job: Subject, retryAt: number | null) =>
  backend.jobFail({
    jobs: [{ id: job.id, token: job.token, error: errorRecord(1, backend.clock.now()), retryAt }],
  });

const claimIn = (backend: Backend, job: Subject) =>
  backend.jobClaim({ queues: [job.queue], limit: 10, workerId: "w", leaseMs: LEASE_MS });

const SCENARIOS: Scenario[] = [
  { op: "claim", apply: claimIn },
  {
    op: "claim after runAt",
    apply: (backend, job, clock) => {
      clock.advance(AHEAD_MS + 1);
      return claimIn(backend, job);
    },
  },
  {
    op: "complete",
    apply: (b, job) => b.jobComplete({ jobs: [{ id: job.id, token: job.token, result: "1" }] }),
  },
  { op: "fail with a later retry", apply: (b, job) => fail(b, job, b.clock.now() + 10_000) },
  { op: "fail with an immediate retry", apply: (b, job) => fail(b, job, b.clock.now()) },
  { op: "fail without retry", apply: (b, job) => fail(b, job, null) },
  { op: "fail on the last attempt", maxAttempts: 1, apply: (b, job) => fail(b, job, b.clock.now()) },
  { op: "release", apply: (b, job) => b.jobRelease({ leases: [{ id: job.id, token: job.token }] }) },
  { op: "cancel", apply: (b, job) => b.jobCancel({ ids: [job.id] }) },
  { op: "retry", apply: (b, job) => b.jobRetry({ ids: [job.id] }) },
  {
    op: "rescue an expired lease",
    apply: (b, _job, clock) => {
      clock.advance(LEASE_MS + 1);
      return b.leaseRescue({ limit: 1_000 });
    },
  },
  {
    op: "rescue an expired lease on the last attempt",
    maxAttempts: 1,
    apply: (b, _job, clock) => {
      clock.advance(LEASE_MS + 1);
      return b.leaseRescue({ limit: 1_000 });
    },
  },
  { op: "parent completes", apply: (b, job) => finishParent(b, job, "complete") },
  {
    op: "parent completes before the job's runAt",
    runAtAhead: true,
    apply: (b, job) => finishParent(b, job, "complete"),
  },
  { op: "parent fails", apply: (b, job) => finishParent(b, job, "fail") },
];

/** Puts a new job into `state` in its own queue, so no scenario disturbs another. */
async function make(backend: Backend, state: JobState, queue: string, scenario: Scenario): Promise<Subject> {
  const maxAttempts = scenario.maxAttempts ?? 3;
  const now = backend.clock.now();
  const subject: Subject = { id: "", queue, token: newLeaseToken(), parent: null };
  if (state === "waiting") {
    subject.parent = await enqueueOne(backend, { queue: `${queue}-parent` });
    const runAt = scenario.runAtAhead ? now + AHEAD_MS : now;
    subject.id = await enqueueOne(backend, { queue, maxAttempts, dependsOn: [subject.parent], runAt });
    return subject;
  }
  subject.id = await enqueueOne(backend, {
    queue,
    maxAttempts,
    runAt: state === "scheduled" ? now + AHEAD_MS : now,
  });
  if (state === "cancelled") await backend.jobCancel({ ids: [subject.id] });
  if (state === "running" || state === "completed" || state === "failed") {
    subject.token = (await claimOne(backend, queue)).leaseToken;
    if (state === "completed")
      await backend.jobComplete({ jobs: [{ id: subject.id, token: subject.token, result: "1" }] });
    if (state === "failed") await fail(backend, subject, null);
  }
  expect(await stateOf(backend, subject.id)).toBe(state);
  return subject;
}

export const transitionsTopic = defineTopic("transitions", (test) => {
  for (const from of JOB_STATES) {
    const targets = TRANSITIONS[from];
    const name = targets.length === 0 ? "no other state" : targets.join(", ");
    test(`a ${from} job moves only to ${name}, and to each of them`, async ({ backend, clock }) => {
      const illegal: string[] = [];
      const reached = new Set<JobState>();
      for (const [index, scenario] of SCENARIOS.entries()) {
        const job = await make(backend, from, `q${index}`, scenario);
        await scenario.apply(backend, job, clock);
        const to = await stateOf(backend, job.id);
        if (to === null) {
          illegal.push(`${scenario.op}: the job disappeared`);
          continue;
        }
        if (to === from) continue;
        // A claim promotes a due scheduled job and leases it in one call: scheduled → queued → running.
        const edges: [JobState, JobState][] =
          from === "scheduled" && to === "running" && scenario.op === "claim after runAt"
            ? [
                ["scheduled", "queued"],
                ["queued", "running"],
              ]
            : [[from, to]];
        for (const [a, b] of edges) {
          if (!canTransition(a, b)) illegal.push(`${scenario.op}: ${a} → ${b}`);
        }
        reached.add(edges[0]![1]);
      }
      expect(illegal).toEqual([]);
      expect([...reached].sort()).toEqual([...targets].sort());
    });
  }
});
