/**
 * The one table that turns the numeric codes Lua scripts return into spool errors. Every
 * script replies `{ code, … }`; 0 is success, negative codes are refusals of the whole call.
 * (Per-job refusals such as a stale lease are results, not errors: see each script's header.)
 */
import { InvalidArgumentError, NotFoundError, type SpoolError } from "../../core/errors/index.js";

export const SCRIPT_OK = 0;

const CODES: Record<number, (detail: string) => SpoolError> = {
  [-1]: (id) => new InvalidArgumentError(`job id ${id} already exists`, "id"),
  [-2]: (id) => new NotFoundError("job", id),
};

/** Throws the spool error for a negative script code; returns the reply otherwise. */
export function checkReply(script: string, reply: unknown): unknown[] {
  if (!Array.isArray(reply)) throw new Error(`script ${script} returned a non-array reply`);
  const code = Number(reply[0]);
  if (code === SCRIPT_OK) return reply;
  const make = CODES[code];
  if (!make) throw new Error(`script ${script} returned unknown code ${code}`);
  throw make(String(reply[1]));
}
