/**
 * The error record stored with a failed attempt: readable whatever a handler threw, and
 * bounded. A handler may throw anything (a string, `undefined`, a cyclic object, an Error
 * with a 50 MB message); the record keeps the class name, at most `ERROR_MESSAGE_MAX`
 * characters of message and `ERROR_STACK_MAX` of stack, each cut with a note saying how much
 * was dropped, so one bad error cannot bloat the store or the worker's memory.
 */
import { inspect } from "node:util";
import { SpoolError } from "../core/errors/index.js";
import type { JobErrorRecord } from "../core/types.js";
import { IsolatedError } from "./isolation/remote-error.js";

/** Characters of an error's message kept in its record. */
export const ERROR_MESSAGE_MAX = 8 * 1024;
/** Characters of an error's stack kept in its record. */
export const ERROR_STACK_MAX = 16 * 1024;
const NAME_MAX = 200;

/** Cuts `text` to `max` characters, saying how many were dropped. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… [${text.length - max} more characters truncated]`;
}

function text(value: unknown, max: number): string {
  if (typeof value === "string") return truncate(value, max);
  try {
    // inspect handles cycles, getters that throw, and bounds long strings and arrays.
    return truncate(
      inspect(value, {
        depth: 3,
        maxArrayLength: 20,
        maxStringLength: max,
        breakLength: Number.POSITIVE_INFINITY,
      }),
      max,
    );
  } catch {
    return "[value that cannot be displayed]";
  }
}

/** Reads a property without letting a throwing getter or a Proxy escape. */
function read(obj: object, key: string): unknown {
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function isErrorLike(err: unknown): err is object {
  if (err instanceof Error) return true;
  // Errors from another realm (vm, a worker thread's structured clone) fail instanceof.
  return typeof err === "object" && err !== null && typeof read(err, "message") === "string";
}

export function errorRecord(err: unknown, attempt: number, at: number): JobErrorRecord {
  if (isErrorLike(err)) {
    const name = read(err, "name");
    const record: JobErrorRecord = {
      attempt,
      name: typeof name === "string" && name ? truncate(name, NAME_MAX) : "Error",
      message: text(read(err, "message"), ERROR_MESSAGE_MAX),
      at,
    };
    const stack = read(err, "stack");
    if (typeof stack === "string" && stack) record.stack = truncate(stack, ERROR_STACK_MAX);
    if (err instanceof SpoolError) record.code = err.code;
    else if (err instanceof IsolatedError && err.code) record.code = err.code;
    return record;
  }
  // A thrown string, number, undefined or plain (maybe cyclic) object is still recorded readably.
  return { attempt, name: "NonErrorThrown", message: text(err, ERROR_MESSAGE_MAX), at };
}
