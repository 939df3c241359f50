/**
 * The default logger (`createSpool({ logger: { level } })` or none): pino writing JSON lines to
 * stderr, as before, but pino is loaded at the first line actually written rather than when
 * spool is imported. Loading pino makes a process about 1.4 MiB bigger (bench/rss-idle.ts); a
 * worker logging at "warn" or above writes nothing while all is well, so it never pays that.
 * At the default "info" the worker's start line loads it.
 *
 * The object is a pino `Logger` in every respect: until pino is loaded, a level method below
 * the threshold is a no-op, `level` is the level asked for and `flush` has nothing to flush;
 * any other property loads pino and is read from the real logger (functions bound to it).
 */
import { createRequire } from "node:module";
import type { Logger } from "pino";

// Not named `require`: bundlers rewrite calls to that name.
const loadCjs = createRequire(import.meta.url);

/** pino's default levels (pino.levels.values). */
const LEVEL_VALUES: Readonly<Record<string, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
};

const noop = (): void => {};

export function defaultLogger(options?: { level?: string }): Logger {
  const level = options?.level ?? process.env.SPOOL_LOG_LEVEL ?? "info";
  let real: Logger | undefined;
  const load = (): Logger => {
    if (!real) {
      const { pino } = loadCjs("pino") as typeof import("pino");
      real = pino({ level, base: { pid: process.pid } }, pino.destination(2));
    }
    return real;
  };
  const threshold = level === "silent" ? Number.POSITIVE_INFINITY : LEVEL_VALUES[level];
  // A level pino does not know: pino's own error, at once, as before.
  if (threshold === undefined) return load();

  /** Bound methods of the real logger, reused while the property holds the same function. */
  const bound = new Map<PropertyKey, { fn: unknown; boundFn: unknown }>();
  return new Proxy({} as Logger, {
    get(_target, prop) {
      if (!real) {
        const value = typeof prop === "string" ? LEVEL_VALUES[prop] : undefined;
        if (value !== undefined && value < threshold) return noop;
        if (prop === "level") return level;
        if (prop === "flush") return (cb?: (err?: Error) => void) => cb?.();
      }
      const logger = load();
      const v: unknown = Reflect.get(logger, prop, logger);
      if (typeof v !== "function") return v;
      const hit = bound.get(prop);
      if (hit?.fn === v) return hit.boundFn;
      const boundFn = (v as (...args: unknown[]) => unknown).bind(logger);
      bound.set(prop, { fn: v, boundFn });
      return boundFn;
    },
    set(_target, prop, value) {
      return Reflect.set(load(), prop, value);
    },
    has(_target, prop) {
      return Reflect.has(load(), prop);
    },
  });
}
