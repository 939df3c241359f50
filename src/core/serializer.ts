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

function fail(reason: string): never {
  throw new SerializationError(reason, currentPath());
}

/*
 * Walk state, kept in module-level stacks rather than a `Set` plus a path string per value:
 * enqueue serializes every job's input, and for the usual small object the per-call `Set`
 * and the `${path}.${key}` strings cost more than the check itself. `ancestors` holds the
 * containers from the root down to the value being inspected (cycle detection scans it:
 * payloads are shallow, so a short linear scan beats hashing), and `steps[d]` is where the
 * walk is inside `ancestors[d]`; the error path is built from them only when a check fails.
 * `base` is where the current `serialize` call's entries start, so a call re-entered from a
 * getter sees only its own ancestors.
 */
const ancestors: object[] = [];
/** Array index, object key, Map entry (2·i for the key, 2·i + 1 for the value), or Set item index. */
const steps: (string | number)[] = [];
let base = 0;

/** The path of the value being inspected, in the `a.b[0]<key 1>` form errors report. */
function currentPath(): string {
  let path = "";
  for (let d = base; d < ancestors.length; d++) {
    const container = ancestors[d]!;
    const step = steps[d]!;
    if (Array.isArray(container)) path += `[${step}]`;
    else if (container instanceof Map)
      path += `<${(step as number) % 2 === 0 ? "key" : "value"} ${(step as number) >> 1}>`;
    else if (container instanceof Set) path += `<item ${step}>`;
    else path = path ? `${path}.${step}` : (step as string);
  }
  return path;
}

function onPath(obj: object): boolean {
  for (let d = base; d < ancestors.length; d++) if (ancestors[d] === obj) return true;
  return false;
}

const ARRAY = 0;
const OBJECT = 1;
const MAP = 2;
const SET = 3;
/** Date or bytes: a value that needs a tag but holds nothing to walk. */
const TAGGED_LEAF = 4;
type Kind = typeof ARRAY | typeof OBJECT | typeof MAP | typeof SET | typeof TAGGED_LEAF;

/** What an object is for the walk; refuses the ones that cannot round-trip. */
function kindOf(obj: object): Kind {
  // Plain objects and arrays first: they are nearly every value, and with these prototypes
  // none of the instanceof checks below could match, so classifying them early changes nothing.
  const proto = Object.getPrototypeOf(obj);
  if (proto === Object.prototype || proto === null) return Array.isArray(obj) ? ARRAY : OBJECT;
  if (proto === Array.prototype && Array.isArray(obj)) return ARRAY;
  if (obj instanceof Date) {
    if (Number.isNaN(obj.getTime())) fail("invalid Date");
    return TAGGED_LEAF;
  }
  if (obj instanceof Uint8Array) return TAGGED_LEAF;
  if (Array.isArray(obj)) return ARRAY;
  if (obj instanceof Map) return MAP;
  if (obj instanceof Set) return SET;
  const name = (obj as { constructor?: { name?: string } }).constructor?.name ?? "unknown";
  return fail(
    `instances of ${name} cannot be serialized (pass plain objects, arrays, Date, Map, Set, BigInt, bytes)`,
  );
}

/**
 * Strings, booleans, null and ordinary numbers: the leaves of nearly every payload, checked
 * in the container loops without the (recursive, so never inlined) call to `inspect`.
 */
function isPlainScalar(value: unknown): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    default:
      return value === null;
  }
}

/**
 * Walks once: refuses what cannot round-trip and reports whether tags are needed.
 * The container loops stay inline (one stack frame per level of nesting), so a deeply nested
 * value fails with a stack overflow no sooner than it did.
 */
function inspect(value: unknown): Plan {
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
      return fail("functions cannot be serialized");
    case "symbol":
      return fail("symbols cannot be serialized");
  }
  if (value === null) return "plain";
  const obj = value as object;
  if (onPath(obj)) fail("circular reference");
  const kind = kindOf(obj);
  if (kind === TAGGED_LEAF) return "tagged";
  if (kind === OBJECT && Object.getOwnPropertySymbols(obj).length > 0)
    fail("symbol-keyed properties cannot be serialized");
  const at = ancestors.push(obj) - 1;
  steps.push(0);
  let plan: Plan = kind === MAP || kind === SET ? "tagged" : "plain";
  if (kind === ARRAY) {
    const arr = obj as unknown[];
    for (let i = 0; i < arr.length; i++) {
      steps[at] = i;
      const item = arr[i];
      if (!isPlainScalar(item) && inspect(item) === "tagged") plan = "tagged";
    }
  } else if (kind === OBJECT) {
    const keys = Object.keys(obj);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      steps[at] = key;
      if (key === TAG) plan = "tagged";
      const item = (obj as Record<string, unknown>)[key];
      if (!isPlainScalar(item) && inspect(item) === "tagged") plan = "tagged";
    }
  } else if (kind === MAP) {
    let i = 0;
    for (const [k, v] of obj as Map<unknown, unknown>) {
      steps[at] = 2 * i;
      inspect(k);
      steps[at] = 2 * i + 1;
      inspect(v);
      i++;
    }
  } else {
    let i = 0;
    for (const v of obj as Set<unknown>) {
      steps[at] = i++;
      inspect(v);
    }
  }
  ancestors.pop();
  steps.pop();
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
      throw new SerializationError(`unknown tag ${JSON.stringify(obj[TAG])}`, "");
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
  const outerBase = base;
  base = ancestors.length;
  let plan: Plan;
  try {
    plan = inspect(value);
  } finally {
    // After a refusal the stacks still hold this call's entries; drop them (and the references).
    // Guarded because assigning `length` is a runtime call even when nothing changes.
    if (ancestors.length !== base) {
      ancestors.length = base;
      steps.length = base;
    }
    base = outerBase;
  }
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
