/** bee-queue: removeOnSuccess, pub/sub events off, saveAll chunks of 1000, process(50) (anchors.md config). */
import BeeQueue from "bee-queue";
import { probeRedis, redisConnection, redisFacts } from "./redis-util.js";
import type { BenchContext, BenchSystem, Payload, Producer, WorkerSide } from "./types.js";
import { pkgVersion } from "./versions.js";

const queueName = (ctx: BenchContext) => `bench-bee-${ctx.runId}`;

function open(ctx: BenchContext, isWorker: boolean): BeeQueue<Payload> {
  return new BeeQueue<Payload>(queueName(ctx), {
    redis: redisConnection(ctx.redisUrl),
    isWorker,
    getEvents: false,
    sendEvents: false,
    storeJobs: false,
    removeOnSuccess: true,
    removeOnFailure: true,
    activateDelayedJobs: false,
  });
}

export const beeQueueSystem: BenchSystem = {
  async info(ctx) {
    return {
      id: "bee-queue",
      label: "bee-queue",
      version: pkgVersion("bee-queue"),
      config: "1 worker proc × process(50); removeOnSuccess, events off; saveAll chunks of 1000",
      retention: "removeOnSuccess: true (completed jobs deleted at once)",
      inProcess: false,
      notes: [await redisFacts(ctx.redisUrl).catch((e: Error) => `Redis facts unavailable: ${e.message}`)],
    };
  },
  probe: (ctx) => probeRedis(ctx.redisUrl),
  async wipe(ctx) {
    const q = open(ctx, false);
    await q.ready();
    await q.destroy();
    await q.close();
  },
  async producer(ctx): Promise<Producer> {
    const q = open(ctx, false);
    await q.ready();
    return {
      async enqueueBulk(payloads) {
        const errors = await q.saveAll(payloads.map((p) => q.createJob(p)));
        if (errors.size > 0) throw new Error(`bee-queue saveAll: ${errors.size} jobs failed`);
      },
      async enqueueOne(payload) {
        await q.createJob(payload).save();
      },
      close: () => q.close(),
    };
  },
  async worker(ctx, onJob): Promise<WorkerSide> {
    const q = open(ctx, true);
    q.on("error", () => {});
    return {
      async start() {
        q.process(ctx.concurrency, async (job) => {
          onJob(job.data);
        });
        await q.ready();
      },
      async unfinished() {
        const h = await q.checkHealth();
        return h.waiting + h.active + h.delayed;
      },
      async stop() {
        await q.close(5000);
      },
    };
  },
};
