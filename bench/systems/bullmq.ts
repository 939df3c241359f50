/** BullMQ: removeOnComplete, addBulk chunks of 1000, 1 worker process × concurrency 50 (anchors.md config). */
import { Queue, Worker } from "bullmq";
import { probeRedis, redisConnection, redisFacts } from "./redis-util.js";
import type { BenchContext, BenchSystem, Payload, Producer, WorkerSide } from "./types.js";
import { pkgVersion } from "./versions.js";

const queueName = (ctx: BenchContext) => `bench-bullmq-${ctx.runId}`;
const JOB_OPTS = { removeOnComplete: true, removeOnFail: true };

export const bullmqSystem: BenchSystem = {
  async info(ctx) {
    return {
      id: "bullmq",
      label: "bullmq",
      version: pkgVersion("bullmq"),
      config: "1 worker proc × concurrency 50; removeOnComplete; addBulk chunks of 1000",
      retention: "removeOnComplete: true (completed jobs deleted at once)",
      inProcess: false,
      notes: [await redisFacts(ctx.redisUrl).catch((e: Error) => `Redis facts unavailable: ${e.message}`)],
    };
  },
  probe: (ctx) => probeRedis(ctx.redisUrl),
  async wipe(ctx) {
    const q = new Queue(queueName(ctx), { connection: redisConnection(ctx.redisUrl) });
    await q.obliterate({ force: true });
    await q.close();
  },
  async producer(ctx): Promise<Producer> {
    const q = new Queue<Payload>(queueName(ctx), {
      connection: redisConnection(ctx.redisUrl),
      defaultJobOptions: JOB_OPTS,
    });
    await q.waitUntilReady();
    return {
      async enqueueBulk(payloads) {
        await q.addBulk(payloads.map((data) => ({ name: "noop", data })));
      },
      async enqueueOne(payload) {
        await q.add("noop", payload);
      },
      close: () => q.close(),
    };
  },
  async worker(ctx, onJob): Promise<WorkerSide> {
    const connection = redisConnection(ctx.redisUrl);
    const counts = new Queue(queueName(ctx), { connection });
    const worker = new Worker<Payload>(
      queueName(ctx),
      async (job) => {
        onJob(job.data);
      },
      { connection, concurrency: ctx.concurrency, autorun: false },
    );
    worker.on("error", () => {});
    let running: Promise<void> | null = null;
    return {
      async start() {
        running = worker.run();
        running.catch(() => {});
        await worker.waitUntilReady();
      },
      async unfinished() {
        const c = await counts.getJobCounts("wait", "active", "delayed", "prioritized", "waiting-children");
        return Object.values(c).reduce((a, b) => a + b, 0);
      },
      async stop() {
        await worker.close();
        await counts.close();
      },
    };
  },
};
