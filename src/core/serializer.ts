import { PayloadTooLargeError, SerializationError } from "./errors/index.js";

/**
 * Encodes job inputs and results as JSON text that reads back to an equal value.
 *
 * Plain JSON values pass through `JSON.stringify` untouched (the fast path: one walk to
 * check, then the native encoder). Values JSON would silently change are tagged as
 * `{"$spool": kind, "v": …}`: Date, BigInt, Map, Set, Uint8Array/Buffer, undefined,
 * NaN, ±Infinity and -0. Anything that cannot round-trip — functions, symbols, cycles,
 * class instances, Errors, WeakMaps, Promises — is refused with a `SerializationError`
 * naming the path, instead of being dropped the way `JSON.stringify` would.
 */

const TAG = "$spool";
const TAG_TEXT = `"${TAG}"`;

type Plan = "plain" | "tagged";

function fail(reason: string, path: string): never {
  throw new SerializationError(reason, path);
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Walks once: refuses what cannot round-trip and reports whether tags are needed. */
function inspect(value: unknown, path: string, seen: Set<object>): Plan {
  switch (typeof value) {
    case "string":
    case "boolean":
      return "plain";
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0) ? "plain" : "tagged";
    case "undefined":
    case "bigint":
      return "tagged";
    case "function":
      return fail("functions cannot be serialized", path);
    case "symbol":
      return fail("symbols cannot be serialized", path);
  }
  if (value === null) return "plain";
  const obj = value as object;
  if (seen.has(obj)) fail("circular reference", path);
  if (obj instanceof Date) {
    if (Number.isNaN(obj.getTime())) fail("invalid Date", path);
    return "tagged";
  }
  if (obj instanceof Uint8Array) return "tagged";
  seen.add(obj);
  let plan: Plan = "plain";
  if (Array.isArray(obj)) {
    for (let i = 0; i < obj.length; i++) {
      if (inspect(obj[i], `${path}[${i}]`, seen) === "tagged") plan = "tagged";
    }
  } else if (obj instanceof Map) {
    plan = "tagged";
    let i = 0;
    for (const [k, v] of obj) {
      inspect(k, `${path}<key ${i}>`, seen);
      inspect(v, `${path}<value ${i}>`, seen);
      i++;
    }
  } else if (obj instanceof Set) {
    plan = "tagged";
    let i = 0;
    for (const v of obj) inspect(v, `${path}<item ${i++}>`, seen);
  } else if (isPlainObject(obj)) {
    if (Object.getOwnPropertySymbols(obj).length > 0)
      fail("symbol-keyed properties cannot be serialized", path);
    for (const key of Object.keys(obj)) {
      if (key === TAG) plan = "tagged";
      if (inspect((obj as Record<string, unknown>)[key], path ? `${path}.${key}` : key, seen) === "tagged") {
        plan = "tagged";
      }
    }
  } else {
    const name = (obj as { constructor?: { name?: string } }).constructor?.name ?? "unknown";
    fail(
      `instances of ${name} cannot be serialized (pass plain objects, arrays, Date, Map, Set, BigInt, bytes)`,
      path,
    );
  }
  seen.delete(obj);
  return plan;
}

function tagged(kind: string, v: unknown): Record<string, unknown> {
  return { [TAG]: kind, v };
}

function encodeValue(value: unknown): unknown {
  switch (typeof value) {
    case "undefined":
      return tagged("undefined", 0);
    case "bigint":
      return tagged("bigint", value.toString());
    case "number":
      if (Number.isNaN(value)) return tagged("number", "NaN");
      if (value === Number.POSITIVE_INFINITY) return tagged("number", "Infinity");
      if (value === Number.NEGATIVE_INFINITY) return tagged("number", "-Infinity");
      if (Object.is(value, -0)) return tagged("number", "-0");
      return value;
    case "string":
    case "boolean":
      return value;
  }
  if (value === null) return null;
  if (value instanceof Date) return tagged("date", value.toISOString());
  if (value instanceof Uint8Array) return tagged("bytes", Buffer.from(value).toString("base64"));
  if (Array.isArray(value)) return value.map(encodeValue);
  if (value instanceof Map)
    return tagged(
      "map",
      [...value].map(([k, v]) => [encodeValue(k), encodeValue(v)]),
    );
  if (value instanceof Set) return tagged("set", [...value].map(encodeValue));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value as object))
    out[key] = encodeValue((value as Record<string, unknown>)[key]);
  // A user object that owns a "$spool" key is stored as entries so decode cannot mistake it for a tag.
  return TAG in out ? tagged("object", Object.entries(out)) : out;
}

const UNDEFINED_MARK = Symbol("undefined");

function decodeTag(obj: Record<string, unknown>): unknown {
  const v = obj.v;
  switch (obj[TAG]) {
    case "undefined":
      return UNDEFINED_MARK;
    case "bigint":
      return BigInt(v as string);
    case "number":
      return v === "-0" ? -0 : Number(v);
    case "date":
      return new Date(v as string);
    case "bytes":
      return new Uint8Array(Buffer.from(v as string, "base64"));
    case "map":
      return new Map((v as [unknown, unknown][]).map(([k, x]) => [restore(k), restore(x)]));
    case "set":
      return new Set((v as unknown[]).map(restore));
    case "object":
      return Object.fromEntries((v as [string, unknown][]).map(([k, x]) => [k, restore(x)]));
    default:
      return fail(`unknown tag ${JSON.stringify(obj[TAG])}`, "");
  }
}

function restore(value: unknown): unknown {
  return value === UNDEFINED_MARK ? undefined : value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === "object") {
    if (!Array.isArray(value) && TAG in value && "v" in value && Object.keys(value).length === 2) {
      return decodeTag(value as Record<string, unknown>);
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) if (value[i] === UNDEFINED_MARK) value[i] = undefined;
    } else {
      for (const k of Object.keys(value)) {
        if ((value as Record<string, unknown>)[k] === UNDEFINED_MARK)
          (value as Record<string, unknown>)[k] = undefined;
      }
    }
  }
  return value;
}

/** Serializes `value`; throws `SerializationError` if it cannot round-trip. */
export function serialize(value: unknown): string {
  const plan = inspect(value, "", new Set());
  return plan === "plain" ? JSON.stringify(value) : JSON.stringify(encodeValue(value));
}

/** Reads back what `serialize` wrote. */
export function deserialize<T = unknown>(text: string): T {
  let parsed: unknown;
  try {
    parsed = text.includes(TAG_TEXT) ? JSON.parse(text, reviver) : JSON.parse(text);
  } catch (cause) {
    if (cause instanceof SerializationError) throw cause;
    throw new SerializationError(`stored data is not valid JSON (${(cause as Error).message})`, "");
  }
  return restore(parsed) as T;
}

/** Default cap on a serialized input or result: large payloads belong in files or object storage. */
export const PAYLOAD_LIMIT_DEFAULT = 1024 * 1024;

/** Serializes and enforces the size limit in one step (bytes of UTF-8). */
export function serializeLimited(
  value: unknown,
  limit: number,
  what: "input" | "result" | "metadata",
): string {
  const text = serialize(value);
  // String length is a cheap lower bound on bytes; only measure exactly when it could matter.
  if (text.length * 3 > limit) {
    const size = Buffer.byteLength(text, "utf8");
    if (size > limit) throw new PayloadTooLargeError(size, limit, what);
  }
  return text;
}
