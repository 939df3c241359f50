/**
 * The conformance suite on Redis: one fresh key prefix per test (`spool-test-<uuid>`, so tests
 * run concurrently on one server without seeing each other), deleted when the test closes the
 * backend. Uses SPOOL_TEST_REDIS_URL (default redis://127.0.0.1:6379/0).
 *
 * No Redis reachable: the suite is skipped with a loud warning, except under CI=true, where a
 * missing Redis fails the run (CI must not pass by testing nothing).
 */
import { randomUUID } from "node:crypto";
import { createRedisBackend } from "../../src/backend/redis/index.js";
import { dropPrefix, redisReachable, requireRedis, REDIS_URL_BASE as URL_BASE } from "../support/redis.js";
import { runConformance } from "./run-conformance.js";

requireRedis("the Redis conformance suite");

/** Each test's prefix, so a peer handle can open the same store. */
const prefixes = new WeakMap<object, string>();

if (redisReachable) {
  runConformance({
    name: "redis",
    push: true,
    create: async ({ clock }) => {
      const prefix = `spool-test-${randomUUID()}`;
      const sep = URL_BASE.includes("?") ? "&" : "?";
      const backend = await createRedisBackend(`${URL_BASE}${sep}prefix=${prefix}`, { clock });
      prefixes.set(backend, prefix);
      const close = backend.close.bind(backend);
      let closed = false;
      backend.close = async () => {
        if (!closed) {
          closed = true;
          await dropPrefix(backend.client, prefix).catch(() => {});
        }
        await close();
      };
      return backend;
    },
    createPeer: (backend, { clock }) => {
      const sep = URL_BASE.includes("?") ? "&" : "?";
      return createRedisBackend(`${URL_BASE}${sep}prefix=${prefixes.get(backend)}`, { clock });
    },
  });
}
