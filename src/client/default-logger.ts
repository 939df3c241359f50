/**
 * The default logger (`createSpool({ logger: { level } })` or none): pino writing JSON lines to
 * stderr, as before, but pino is loaded at the first line actually written rather than when
 * spool is imported. Loading pino makes a process about 1.4 MiB bigger (bench/rss-idle.ts); a
 * worker logging at "warn" or above writes nothing while all is well, so it never pays that.
 * At the default "info" the worker's start line loads it.
 *
 * The logger is an object whose prototype, once pino is loaded, is the real pino logger: the
 * same shape as a pino child (pino's `child()` is `Object.create(parent)`), so every pino
 * method and property works on it and a call costs what it costs on pino itself. Until then, a
 * level method below the threshold is an own no-op, `level` answers the level asked for, `flush`
 * has nothing to flush, and anything else (a line at or above the level, `child`, setting the
 * level...) loads pino first through a proxy that sits in the prototype only until then.
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

function createPino(level: string): Logger {
  const { pino } = loadCjs("pino") as typeof import("pino");
  return pino({ level, base: { pid: process.pid } }, pino.destination(2));
}

export function defaultLogger(options?: { level?: string }): Logger {
  const level = options?.level ?? process.env.SPOOL_LOG_LEVEL ?? "info";
  const threshold = level === "silent" ? Number.POSITIVE_INFINITY : LEVEL_VALUES[level];
  // A level pino does not know: pino's own error, at once, as before.
  if (threshold === undefined) return createPino(level);

  let loaded = false;
  const placeholders = [...Object.keys(LEVEL_VALUES), "level", "flush"];
  const load = (): Logger => {
    const real = createPino(level);
    loaded = true;
    for (const name of placeholders) delete logger[name];
    Object.setPrototypeOf(logger, real);
    return real;
  };
  const loader = new Proxy(
    {},
    {
      get: (_t, prop, receiver) =>
        Reflect.get(loaded ? Object.getPrototypeOf(logger) : load(), prop, receiver),
      set: (_t, prop, value, receiver) =>
        Reflect.set(loaded ? Object.getPrototypeOf(logger) : load(), prop, value, receiver),
      has: (_t, prop) => Reflect.has(loaded ? Object.getPrototypeOf(logger) : load(), prop),
    },
  );
  // Own properties first, the loader as prototype last: an assignment through a prototype that
  // is a proxy would go to its `set` trap, i.e. load pino.
  const logger: Record<PropertyKey, unknown> = {};
  for (const [name, value] of Object.entries(LEVEL_VALUES)) {
    logger[name] =
      value < threshold
        ? noop
        : (...args: unknown[]) => {
            if (!loaded) load();
            return (logger[name] as (...a: unknown[]) => unknown).apply(logger, args);
          };
  }
  Object.defineProperty(logger, "level", {
    configurable: true,
    enumerable: true,
    get: () => level,
    set: (value: string) => {
      if (!loaded) load();
      logger.level = value;
    },
  });
  logger.flush = (cb?: (err?: Error) => void) => cb?.();
  Object.setPrototypeOf(logger, loader);
  return logger as unknown as Logger;
}
