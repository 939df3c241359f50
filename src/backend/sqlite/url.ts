/**
 * `sqlite://` URLs → options.
 *
 * - `sqlite://relative/path.db` — relative to the working directory
 * - `sqlite:///abs/path.db` — absolute
 * - `sqlite://` — the default file, `.spool/spool.db`
 * - query: `synchronous=normal|full` (default normal), `busy_timeout=ms` (default 5000),
 *   `poll=ms` (change-feed fallback poll, default 200)
 *
 * `sqlite::memory:` is refused: a private in-memory database cannot be shared with a worker
 * process, which is the point of this backend; `memory://` is the in-process store.
 */
import { resolve } from "node:path";
import { InvalidArgumentError } from "../../core/errors/index.js";

export const SQLITE_FILE_DEFAULT = ".spool/spool.db";
export const BUSY_TIMEOUT_DEFAULT = 5000;
export const POLL_INTERVAL_DEFAULT = 200;

export type SynchronousMode = "normal" | "full";

export interface SqliteOptions {
  /** Absolute path of the database file. */
  file: string;
  synchronous: SynchronousMode;
  busyTimeoutMs: number;
  pollMs: number;
}

const KNOWN_PARAMS = ["synchronous", "busy_timeout", "poll"];

export function parseSqliteUrl(url: string, cwd: string = process.cwd()): SqliteOptions {
  const match = /^sqlite:(.*)$/is.exec(url);
  if (!match) throw new InvalidArgumentError(`not a sqlite URL: "${url}"`, "backend");
  const rest = match[1]!;
  if (rest.startsWith(":memory:") || /^\/\/:memory:/.test(rest) || /[?&]mode=memory\b/.test(rest)) {
    throw new InvalidArgumentError(
      "sqlite::memory: is not supported: a private in-memory database cannot be shared with worker processes; " +
        "use memory:// for an in-process store, or sqlite://path/to/file.db",
      "backend",
    );
  }
  if (!rest.startsWith("//")) {
    throw new InvalidArgumentError(
      `malformed sqlite URL "${url}": use sqlite://relative/path.db or sqlite:///absolute/path.db`,
      "backend",
    );
  }
  const q = rest.indexOf("?");
  const rawPath = q === -1 ? rest.slice(2) : rest.slice(2, q);
  const query = new URLSearchParams(q === -1 ? "" : rest.slice(q + 1));
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch (cause) {
    throw new InvalidArgumentError(
      `malformed sqlite URL "${url}": bad percent-encoding in the path`,
      "backend",
      cause,
    );
  }
  if (path.endsWith("/"))
    throw new InvalidArgumentError(`sqlite URL "${url}" names a directory, not a file`, "backend");
  for (const key of query.keys()) {
    if (!KNOWN_PARAMS.includes(key)) {
      throw new InvalidArgumentError(
        `unknown sqlite URL option "${key}" (known: ${KNOWN_PARAMS.join(", ")})`,
        "backend",
      );
    }
  }
  const sync = (query.get("synchronous") ?? "normal").toLowerCase();
  if (sync !== "normal" && sync !== "full") {
    throw new InvalidArgumentError(`synchronous must be "normal" or "full", got "${sync}"`, "backend");
  }
  return {
    file: resolve(cwd, path === "" ? SQLITE_FILE_DEFAULT : path),
    synchronous: sync,
    busyTimeoutMs: intParam(query, "busy_timeout", BUSY_TIMEOUT_DEFAULT, 0),
    pollMs: intParam(query, "poll", POLL_INTERVAL_DEFAULT, 1),
  };
}

function intParam(query: URLSearchParams, name: string, fallback: number, min: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(
      `${name} must be an integer >= ${min} (milliseconds), got "${raw}"`,
      "backend",
    );
  }
  return value;
}
