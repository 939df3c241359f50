/**
 * `redis://host:6379/0` (or `rediss://` for TLS) — spool on Redis: many processes on many
 * machines, pushed wake-ups, the same app code as on SQLite.
 *
 * URL options: `?prefix=name` (default `spool`: keys live under `{spool}:`), and
 * `?allowEviction=true` to skip the maxmemory-policy check (see Durability).
 *
 * Design
 * - Every state transition is ONE Lua script (`scripts/<name>.lua`, a KEYS/ARGV header on
 *   each; shared helpers in `scripts/includes/`, inlined by `--- @include "name"`, see
 *   scripts.ts). Scripts are atomic, so each transition checks its precondition (state and
 *   lease token) and writes every index in one step. They are registered with ioredis
 *   `defineCommand`: EVALSHA, falling back to EVAL (which re-loads) on NOSCRIPT, e.g. after
 *   a Redis restart. No script knows the prefix: KEYS[1] carries it. Scripts take `now` from
 *   the backend's clock (ARGV), never Redis `TIME`, so tests drive time with a fake clock.
 *   Refusals of a whole call come back as negative codes mapped to errors in codes.ts.
 * - Batches: enqueue writes a batch (up to 10,000 jobs) in one script; claim leases up to N
 *   jobs over several queues in one script; complete / fail / release / renew / cancel take
 *   many jobs per script. Inside a script, per-job work is kept to the job's own hash: index
 *   writes (ready set, running, done, id index) and counters are one command per batch, and
 *   the big replies (enqueue, claim) come back as one JSON string (one JSON.parse in Node
 *   rather than ioredis decoding ~25 RESP items per claimed job).
 *
 * Key layout (P = `{prefix}:`; every key shares the hash tag `{prefix}`)
 *
 * | key                       | type   | holds                                                  |
 * |---------------------------|--------|--------------------------------------------------------|
 * | P job:<id>                | hash   | the job (records.ts lists the fields)                   |
 * | P jobs                    | zset   | every job id, score 0: lexicographic = creation order  |
 * | P ready:<queue>:<prio>    | zset   | queued jobs of one priority, score runAt (ties: id)    |
 * | P prio:<queue>            | zset   | priorities that have a ready set                       |
 * | P scheduled:<queue>       | zset   | scheduled jobs by runAt (promoted by claim)            |
 * | P running                 | zset   | running jobs by leaseExpiresAt (rescue)                |
 * | P done:<state>            | zset   | completed / failed / cancelled by finishedAt (prune)   |
 * | P counts:<queue>          | hash   | state -> count (queueList without scans)               |
 * | P queues, P paused        | set    | queue names seen; paused queues                        |
 * | P limits:<queue>          | hash   | concurrency cap, rate limit, GCRA tat (flow.lua)       |
 * | P limited                 | set    | queues that have limits                                |
 * | P keys                    | hash   | task NUL key -> job id (idempotency keys)              |
 * | P children:<id>           | set    | jobs waiting on <id>                                   |
 * | P logs:<id>               | list   | log lines, capped at 1,000                             |
 * | P workers, P workers:exp  | hash, zset | worker info JSON; expiry by the backend's clock    |
 * | P park:<worker>           | hash   | a parked worker: free slots, lease token, queues (TTL) |
 * | P idle:<queue>            | zset   | parked worker ids by registration expiry               |
 * | P inbox:<worker>          | list   | jobs pushed to a parked worker, one JSON per push      |
 * | P version                 | string | layout version (migrate)                               |
 * | P events                  | channel| the change feed (PUBLISH), all but per-job start/finish |
 * | P events:flow             | channel| job:started / job:completed groups (see events.lua)    |
 *
 * Ready order: one zset per (queue, priority) keeps the order exact — priority DESC (the
 * `prio` zset, read from the top), runAt ASC (the score), id ASC (zset ties sort members
 * lexicographically, and UUIDv7 ids sort by creation). Packing priority and runAt into one
 * double score would leave ~11 bits for priority next to a 41-bit millisecond timestamp, so
 * arbitrary integer priorities would collide or lose precision; this layout has no such edge.
 *
 * Redis Cluster: the whole store is ONE hash tag, so every key maps to one slot, and every
 * script may touch any job (dependencies, idempotency keys and cascades cross queues). That
 * is cluster-compatible (the scripts declare KEYS[1] in that slot and only touch keys of the
 * same slot) but not sharded: one spool store lives on one shard. Use several prefixes to
 * spread independent apps. Sharding by queue (`{prefix:queue}` tags) is future work: it
 * needs cross-queue dependencies and idempotency keys to move out of the scripts
 * (e.g. two-phase release of dependents). PUBLISH works in a cluster (broadcast); SPUBLISH
 * would keep the feed on the shard.
 *
 * Wake-ups and push delivery: every transition script PUBLISHes its events as a JSON array
 * (the hot events — enqueued, started, completed — travel as one compact group per batch,
 * expanded to BackendEvent objects by feed.ts, so a 1,000-job batch costs a few string joins
 * in Lua, not 1,000 JSON objects). The per-job started/completed groups go to
 * `P events:flow`, everything else to `P events`; a process subscribes to the flow channel only
 * when a listener wants those types (workers do not, or N workers would each receive every
 * other worker's per-job events). Each process holds ONE subscriber connection (opened by the
 * first `subscribe()`) for all queues and all listeners (workers,
 * job handles, SSE). A busy worker is nudged by those messages. An IDLE worker does better:
 * its claim *parks* it (`P park:<worker>`, `P idle:<queue>`), and any script that makes jobs
 * `queued` claims them for it on the spot and RPUSHes them to `P inbox:<worker>`, where the
 * worker waits in BLPOP on a connection of its own (scripts/includes/push.lua). Enqueue to
 * handler is then one hop (the enqueue script's reply and the BLPOP reply leave together)
 * instead of three (enqueue, feed message, claim). The ready zsets stay the one source of
 * truth: a push is an ordinary claim made by another script, the inbox only carries its
 * reply, and a worker that dies parked leaves leased jobs that lease expiry rescues.
 * Notifications and polls remain the fallback, so a lost message delays work, never loses it.
 *
 * Durability: what Redis persists. With `appendonly yes` and `appendfsync always` an
 * acknowledged enqueue survives a Redis crash or power loss; `everysec` (the common setting)
 * can lose the last second on power loss or a Redis crash, not on a client crash; without AOF
 * (RDB only or none) a restart loses everything since the last snapshot. The
 * maxmemory-policy must be `noeviction` (checked at connect; BackendError code
 * REDIS_EVICTION_POLICY otherwise): an evicting policy silently deletes jobs and leases.
 *
 * Resilience (connection.ts): commands never wait in an offline queue and are never re-sent
 * blindly; a dropped connection fails the calls in flight with BackendError (an enqueue says
 * it could not be confirmed) and reconnects with spool's backoff (50 ms → 2 s, forever); the
 * subscriber re-subscribes on reconnect; scripts re-load on NOSCRIPT.
 *
 * Limits
 * - One shard (see Redis Cluster). Everything is in memory: size Redis for the retained jobs
 *   (a no-op job is ~0.5 KB including indexes) and let retention prune.
 * - An enqueue batch is one script, so all of it or nothing, up to ENQUEUE_JOBS_MAX (10,000)
 *   jobs (larger batches are refused): Redis serves nothing else while a script runs.
 * - A claim promotes at most 1,000 due scheduled jobs per queue per call; more become
 *   claimable on the following calls.
 * - oldestQueuedAt is exact up to 100 queued jobs per (queue, priority); beyond, it is the
 *   oldest among the 100 nearest the head (a createdAt index would cost 2 writes per job).
 * - jobList filters other than id order scan the id index (in steps of 1,000 per script, about
 *   1 ms of Redis time each, so workers' scripts interleave),
 *   fine for dashboards, not for selective queries over millions of retained jobs.
 * - The change feed is fire-and-forget: events published while a subscriber is disconnected
 *   are not replayed.
 */
import { type Clock, systemClock } from "../../core/clock.js";
import { checkEvictionPolicy, commandOptions, connect, subscriberOptions } from "./connection.js";
import { RedisBackend } from "./redis-backend.js";
import { parseRedisUrl } from "./url.js";

export { parseRedisUrl, type RedisUrlOptions } from "./url.js";
export { RedisBackend };

export async function createRedisBackend(
  url: string,
  options: { clock?: Clock } = {},
): Promise<RedisBackend> {
  const opts = parseRedisUrl(url);
  const [main, feed] = await Promise.allSettled([
    connect(opts.connectUrl, commandOptions()),
    connect(opts.connectUrl, subscriberOptions()),
  ]);
  if (main.status === "rejected" || feed.status === "rejected") {
    if (main.status === "fulfilled") main.value.disconnect();
    if (feed.status === "fulfilled") feed.value.disconnect();
    throw main.status === "rejected" ? main.reason : (feed as PromiseRejectedResult).reason;
  }
  const redis = main.value;
  const sub = feed.value;
  try {
    if (!opts.allowEviction) await checkEvictionPolicy(redis);
  } catch (err) {
    redis.disconnect();
    sub.disconnect();
    throw err;
  }
  const backend = new RedisBackend(options.clock ?? systemClock, redis, sub, opts.prefix);
  try {
    await backend.startClock();
  } catch (err) {
    await backend.close();
    throw err;
  }
  return backend;
}
