/**
 * The systems the bench knows, loaded lazily: a worker process imports only its own system's
 * library, so its RSS is not inflated by the others.
 */
import type { BenchSystem } from "./types.js";

export const SYSTEM_IDS = [
  "spool-sqlite",
  "spool-memory",
  "spool-redis",
  "spool-postgres",
  "bullmq",
  "bullmq-postgres",
  "pg-boss",
  "bee-queue",
  "graphile-worker",
  "graphile-worker-default",
] as const;
export type SystemId = (typeof SYSTEM_IDS)[number];

export function isSystemId(s: string): s is SystemId {
  return (SYSTEM_IDS as readonly string[]).includes(s);
}

export async function loadSystem(id: SystemId): Promise<BenchSystem> {
  switch (id) {
    case "spool-sqlite":
    case "spool-memory":
    case "spool-redis":
    case "spool-postgres": {
      const { spoolSystem } = await import("./spool.js");
      return spoolSystem(id.slice("spool-".length) as "sqlite" | "memory" | "redis" | "postgres");
    }
    case "bullmq":
      return (await import("./bullmq.js")).bullmqSystem;
    case "bullmq-postgres":
      return (await import("./bullmq-postgres.js")).bullmqPostgresSystem;
    case "pg-boss":
      return (await import("./pg-boss.js")).pgBossSystem;
    case "bee-queue":
      return (await import("./bee-queue.js")).beeQueueSystem;
    case "graphile-worker":
    case "graphile-worker-default":
      return (await import("./graphile-worker.js")).graphileWorkerSystem(id === "graphile-worker");
  }
}
