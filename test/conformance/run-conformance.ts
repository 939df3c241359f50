/**
 * The one backend conformance suite. Every backend (memory, SQLite, Redis, PostgreSQL)
 * calls `runConformance` once from a tiny test file and must pass every test unchanged;
 * a backend that cannot do something lists the test in `skip` with a reason, and a skip
 * that names no existing test fails the suite, so skip lists cannot rot.
 *
 * Each test gets a fresh backend built on its own `FakeClock` (leases, delays and
 * retention move by `clock.advance`, never by sleeping), migrated before and closed after.
 * Tests inside a topic run concurrently: they share nothing but the process. The "shared"
 * topic opens a second handle on the same store (`createPeer`), as a second process would;
 * single-process backends (memory) leave `createPeer` out and those tests are skipped.
 */
import { describe, test } from "vitest";
import type { Backend } from "../../src/backend/backend.js";
import { FakeClock } from "../../src/core/clock.js";
import { auditTopic } from "./suite/audit.js";
import { batchTopic } from "./suite/batch.js";
import { cancelTopic } from "./suite/cancel.js";
import { claimTopic } from "./suite/claim.js";
import { completeTopic } from "./suite/complete.js";
import { dedupeTopic } from "./suite/dedupe.js";
import type { ConformanceTopic } from "./suite/define.js";
import { dependenciesTopic } from "./suite/dependencies.js";
import { enqueueTopic } from "./suite/enqueue.js";
import { failTopic } from "./suite/fail.js";
import { flowTopic } from "./suite/flow.js";
import { flowKeysTopic } from "./suite/flow-keys.js";
import { flowStrategyTopic } from "./suite/flow-strategy.js";
import { flowStrategyPathsTopic } from "./suite/flow-strategy-paths.js";
import { flowWaitingTopic } from "./suite/flow-waiting.js";
import { followUpLinksTopic } from "./suite/follow-up-links.js";
import { followUpsTopic } from "./suite/follow-ups.js";
import { jobActionsTopic } from "./suite/job-actions.js";
import { leaseTopic } from "./suite/lease.js";
import { lifecycleTopic } from "./suite/lifecycle.js";
import { listTopic } from "./suite/list.js";
import { moveTopic } from "./suite/move.js";
import { moveCarriedTopic } from "./suite/move-carried.js";
import { notifyTopic } from "./suite/notify.js";
import { progressTopic } from "./suite/progress.js";
import { pushTopic } from "./suite/push.js";
import { queueTopic } from "./suite/queue.js";
import { releaseTopic } from "./suite/release.js";
import { removeTopic } from "./suite/remove.js";
import { retentionTopic } from "./suite/retention.js";
import { retryTopic } from "./suite/retry.js";
import { scheduleRunsTopic } from "./suite/schedule-runs.js";
import { schedulesTopic } from "./suite/schedules.js";
import { searchTopic } from "./suite/search.js";
import { sharedTopic } from "./suite/shared.js";
import { spawnTopic } from "./suite/spawn.js";
import { transitionsTopic } from "./suite/transitions.js";
import { workersTopic } from "./suite/workers.js";
import { workflowTopic } from "./suite/workflow.js";

export const TOPICS: readonly ConformanceTopic[] = [
  enqueueTopic,
  batchTopic,
  claimTopic,
  completeTopic,
  failTopic,
  leaseTopic,
  releaseTopic,
  cancelTopic,
  retryTopic,
  removeTopic,
  jobActionsTopic,
  dependenciesTopic,
  queueTopic,
  listTopic,
  searchTopic,
  retentionTopic,
  progressTopic,
  workersTopic,
  notifyTopic,
  pushTopic,
  transitionsTopic,
  lifecycleTopic,
  sharedTopic,
  schedulesTopic,
  scheduleRunsTopic,
  workflowTopic,
  auditTopic,
  flowTopic,
  flowKeysTopic,
  flowStrategyTopic,
  flowStrategyPathsTopic,
  flowWaitingTopic,
  dedupeTopic,
  spawnTopic,
  moveTopic,
  moveCarriedTopic,
  followUpsTopic,
  followUpLinksTopic,
];

export interface ConformanceSkip {
  reason: string;
  /** Full names: "topic > test name". */
  tests: string[];
}

export interface ConformanceOptions {
  /** Shown in the describe block: "memory", "sqlite" … */
  name: string;
  /** A fresh, isolated backend on this clock. The suite migrates it first and closes it after. */
  create: (ctx: { clock: FakeClock }) => Promise<Backend>;
  /**
   * Opens a second handle on the store behind `backend` (another connection, as another
   * process would). Without it, the "shared" tests are skipped: the backend is single-process.
   */
  createPeer?: (backend: Backend, ctx: { clock: FakeClock }) => Promise<Backend>;
  /**
   * The backend offers push delivery (`capabilities.push`): the push tests run, and check
   * the capability themselves. Without it they are skipped and only the test that `park` is
   * ignored runs.
   */
  push?: boolean;
  skip?: ConformanceSkip[];
}

/** Maps each skipped full test name to its reason; throws when a skip names no existing test. */
export function resolveSkips(
  topics: readonly ConformanceTopic[],
  skips: readonly ConformanceSkip[],
): Map<string, string> {
  const known = new Set(topics.flatMap((topic) => topic.tests.map((t) => `${topic.name} > ${t.name}`)));
  const out = new Map<string, string>();
  const unknown: string[] = [];
  for (const skip of skips) {
    for (const name of skip.tests) {
      if (known.has(name)) out.set(name, skip.reason);
      else unknown.push(name);
    }
  }
  if (unknown.length > 0) {
    throw new Error(
      `conformance skip list names tests that do not exist: ${unknown.map((n) => `"${n}"`).join(", ")}`,
    );
  }
  return out;
}

export function runConformance(options: ConformanceOptions): void {
  // Thrown at collection, so a stale skip fails the run however tests are filtered.
  const skipped = resolveSkips(TOPICS, options.skip ?? []);
  describe(`backend conformance: ${options.name}`, () => {
    for (const topic of TOPICS) {
      describe.concurrent(topic.name, () => {
        for (const t of topic.tests) {
          const reason =
            skipped.get(`${topic.name} > ${t.name}`) ??
            (t.peer && !options.createPeer ? "single-process backend (no createPeer)" : undefined) ??
            (t.push && !options.push ? "no push delivery (capabilities.push is false)" : undefined);
          if (reason !== undefined) {
            test.skip(`${t.name} (skipped: ${reason})`, () => {});
            continue;
          }
          test(
            t.name,
            async () => {
              const clock = new FakeClock();
              const backend = await options.create({ clock });
              const peers: Backend[] = [];
              const peer = async () => {
                if (!options.createPeer) throw new Error("this backend has no createPeer");
                const handle = await options.createPeer(backend, { clock });
                peers.push(handle);
                await handle.migrate();
                return handle;
              };
              try {
                await backend.migrate();
                await t.run({ backend, clock, peer });
              } finally {
                for (const handle of peers) await handle.close();
                await backend.close();
              }
            },
            t.timeoutMs,
          );
        }
      });
    }
  });
}
