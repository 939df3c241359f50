/**
 * `ctx.log`: lines go to the job's stored log (batched: one `jobLog` call per job per tick)
 * and to the process logger at debug level, so they are quiet unless asked for.
 */
import type { Logger } from "pino";
import type { Backend } from "../backend/backend.js";
import type { Clock } from "../core/clock.js";
import type { TaskLogger } from "../core/task.js";
import type { JobLogLine, LeasedJob } from "../core/types.js";

const MESSAGE_LENGTH_MAX = 4000;

export function createTaskLogger(job: LeasedJob, backend: Backend, clock: Clock, logger: Logger): TaskLogger {
  let buffer: Omit<JobLogLine, "attempt">[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const lines = buffer;
    buffer = [];
    backend
      .jobLog({ id: job.id, token: job.leaseToken, lines })
      .catch((err) => logger.warn({ err, jobId: job.id }, "could not store job log lines"));
  };
  const write = (level: JobLogLine["level"]) => (message: string, fields?: Record<string, unknown>) => {
    let text = String(message);
    if (fields && Object.keys(fields).length > 0) {
      try {
        text += ` ${JSON.stringify(fields)}`;
      } catch {
        text += " [unserializable fields]";
      }
    }
    if (text.length > MESSAGE_LENGTH_MAX) text = `${text.slice(0, MESSAGE_LENGTH_MAX)}…`;
    buffer.push({ at: clock.now(), level, message: text });
    logger[level === "error" ? "error" : level === "warn" ? "warn" : "debug"](
      { jobId: job.id, task: job.task, ...fields },
      String(message),
    );
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}
