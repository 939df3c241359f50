/**
 * A. `redis-benchmark -q -n N -P 1|16 -t set,lpush,rpop,zadd --csv` (50 clients by default),
 * as in anchors.md, against the bench's own database (--dbnum), which is flushed afterwards.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { flushRedisDb, redisConnection } from "../systems/redis-util.js";

const run = promisify(execFile);

export interface RedisBenchResult {
  test: string;
  pipeline: number;
  perS: number;
}

/** Null when redis-benchmark is on PATH, otherwise why not. */
export async function probeRedisBenchmark(): Promise<string | null> {
  try {
    await run("redis-benchmark", ["--version"], { timeout: 5000 });
    return null;
  } catch (err) {
    return `redis-benchmark not runnable: ${(err as Error).message.split("\n")[0]}`;
  }
}

export async function redisBenchmark(redisUrl: string, requests: number): Promise<RedisBenchResult[]> {
  const { host, port, db } = redisConnection(redisUrl);
  const out: RedisBenchResult[] = [];
  for (const pipeline of [1, 16]) {
    const { stdout } = await run(
      "redis-benchmark",
      [
        "-h",
        host,
        "-p",
        String(port),
        "--dbnum",
        String(db),
        "-q",
        "-n",
        String(requests),
        "-P",
        String(pipeline),
      ].concat(["-t", "set,lpush,rpop,zadd", "--csv"]),
      { timeout: 300_000 },
    );
    for (const line of stdout.split("\n")) {
      const cells = line.split(",").map((c) => c.replace(/^"|"$/g, ""));
      if (cells.length < 2 || cells[0] === "test") continue;
      const perS = Number(cells[1]);
      if (Number.isFinite(perS)) out.push({ test: cells[0]!, pipeline, perS });
    }
  }
  await flushRedisDb(redisUrl);
  return out;
}
