/**
 * Picks a backend from a URL. Heavy drivers load on demand, so an app on SQLite never
 * loads ioredis or pg.
 *
 * - `memory://` — in-process, for tests
 * - `sqlite://path/to/file.db` (default `sqlite://.spool/spool.db`), `sqlite::memory:` is refused:
 *   a private in-memory database cannot be shared by a worker process; use `memory://`.
 * - `redis://host:6379/0`, `postgres://user:pass@host:5432/db` — see their folders.
 */
import type { Clock } from "../core/clock.js";
import { InvalidArgumentError } from "../core/errors/index.js";
import type { Backend } from "./backend.js";
import { redact } from "./redact.js";

export { redact };

export const BACKEND_URL_DEFAULT = "sqlite://.spool/spool.db";

export interface CreateBackendOptions {
  clock?: Clock;
}

export async function createBackend(
  url: string = BACKEND_URL_DEFAULT,
  options: CreateBackendOptions = {},
): Promise<Backend> {
  const scheme = url.slice(0, url.indexOf(":") === -1 ? url.length : url.indexOf(":")).toLowerCase();
  switch (scheme) {
    case "memory": {
      const { createMemoryBackend } = await import("./memory/index.js");
      return createMemoryBackend(options);
    }
    case "sqlite": {
      const { createSqliteBackend } = await import("./sqlite/index.js");
      return createSqliteBackend(url, options);
    }
    case "redis":
    case "rediss": {
      const { createRedisBackend } = await import("./redis/index.js");
      return createRedisBackend(url, options);
    }
    case "postgres":
    case "postgresql": {
      const { createPostgresBackend } = await import("./postgres/index.js");
      return createPostgresBackend(url, options);
    }
    default:
      throw new InvalidArgumentError(
        `unsupported backend URL "${redact(url)}": use memory://, sqlite://path/to/file.db, redis://host:port/db or postgres://…`,
        "backend",
      );
  }
}
