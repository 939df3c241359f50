import { describe, expect, test } from "vitest";
import { SerializationError } from "../../src/core/errors/index.js";
import { deserialize, serialize, serializeLimited } from "../../src/core/serializer.js";

const roundTrip = <T>(value: T): T => deserialize<T>(serialize(value));

/** The path a `SerializationError` names for `value` (fails the test if nothing is refused). */
function refusalPath(value: unknown): string {
  try {
    serialize(value);
  } catch (e) {
    expect(e).toBeInstanceOf(SerializationError);
    return (e as SerializationError).path;
  }
  throw new Error("serialize accepted the value");
}

describe("serializer", () => {
  test("plain JSON values pass through as ordinary JSON", () => {
    const value = { a: 1, b: "two", c: [true, null, 3.5], d: { e: [] } };
    expect(serialize(value)).toBe(JSON.stringify(value));
    expect(roundTrip(value)).toEqual(value);
  });

  test.each([
    ["a Date", new Date("2026-03-29T01:30:00.123Z")],
    [
      "a Map with non-string keys",
      new Map<unknown, unknown>([
        [1, "one"],
        [{ k: 2 }, new Date(0)],
      ]),
    ],
    ["a Set", new Set([1, "a", 2n])],
    ["a BigInt beyond 2^53", 2n ** 70n + 1n],
    ["a negative BigInt", -12345678901234567890n],
    ["bytes", new Uint8Array([0, 1, 254, 255])],
    ["undefined", undefined],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["-Infinity", Number.NEGATIVE_INFINITY],
  ])("%s reads back equal", (_name, value) => {
    expect(roundTrip(value)).toStrictEqual(value);
  });

  test("-0 keeps its sign", () => {
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
    expect(Object.is(roundTrip({ x: -0 }).x, -0)).toBe(true);
  });

  test("a Buffer reads back as the same bytes", () => {
    const out = roundTrip(Buffer.from("héllo"));
    expect(out).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(out).toString()).toBe("héllo");
  });

  test("undefined inside objects and arrays survives", () => {
    const out = roundTrip({ a: undefined, list: [1, undefined, 3], nested: { b: undefined } });
    expect(out).toStrictEqual({ a: undefined, list: [1, undefined, 3], nested: { b: undefined } });
    expect("a" in out).toBe(true);
  });

  test('objects owning a "$spool" key are not mistaken for tags', () => {
    for (const value of [
      { $spool: "date", v: "2026-01-01T00:00:00.000Z" },
      { $spool: "undefined", v: 0 },
      { $spool: 1 },
      { nested: { $spool: "bigint", v: "5", other: new Date(3) } },
      [{ $spool: "map", v: [] }],
    ]) {
      expect(roundTrip(value)).toStrictEqual(value);
    }
  });

  test("nested tagged values inside plain structures read back", () => {
    const value = {
      when: new Date(1),
      tags: new Set(["x"]),
      index: new Map([["k", { n: 10n, raw: new Uint8Array([7]) }]]),
      list: [Number.NaN, -0, undefined],
    };
    expect(roundTrip(value)).toStrictEqual(value);
  });

  test.each([
    ["a function", { f: () => 1 }, "f"],
    ["a symbol", [Symbol("s")], "[0]"],
    ["an invalid Date", { d: new Date(Number.NaN) }, "d"],
    ["a class instance", { u: new URL("https://x.dev") }, "u"],
    ["an Error", { e: new Error("x") }, "e"],
    ["a symbol-keyed property", { [Symbol("k")]: 1 }, ""],
    ["a Promise", { p: Promise.resolve(1) }, "p"],
  ])("%s is refused with a SerializationError naming its path", (_name, value, path) => {
    let err: unknown;
    try {
      serialize(value);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SerializationError);
    expect((err as SerializationError).path).toBe(path);
  });

  test.each([
    ["inside nested arrays and objects", { a: [{ b: [1, { c: () => 1 }] }] }, "a[0].b[1].c"],
    ["as a Map key", new Map([[Symbol("k"), 1]]), "<key 0>"],
    [
      "as a Map value",
      {
        m: new Map<unknown, unknown>([
          ["ok", 1],
          ["bad", () => 1],
        ]),
      },
      "m<value 1>",
    ],
    ["inside a Map key", new Map([[{ k: [0, Symbol("s")] }, 1]]), "<key 0>.k[1]"],
    ["as a Set item", [new Set([1, 2, new WeakMap()])], "[0]<item 2>"],
    ["under a null-prototype object", Object.assign(Object.create(null), { x: { y: () => 1 } }), "x.y"],
  ])("the error path names a value %s", (_name, value, path) => {
    expect(refusalPath(value)).toBe(path);
  });

  test("arrays with an unusual prototype are still arrays; array-like objects are refused", () => {
    class List extends Array<number> {}
    expect(serialize(List.from([1, 2]))).toBe("[1,2]");
    expect(serialize(Object.setPrototypeOf([1], Object.prototype))).toBe("[1]");
    expect(() => serialize(Object.create(Array.prototype))).toThrow(/instances of Array/);
  });

  test("a refusal leaves nothing behind: the next value is judged on its own", () => {
    const shared = { n: 1 };
    expect(() => serialize({ shared, bad: [() => 1] })).toThrow(SerializationError);
    expect(serialize({ again: shared })).toBe('{"again":{"n":1}}');
    expect(() => serialize({ d: new Date(Number.NaN) })).toThrow(/invalid Date/);
    expect(serialize([shared, shared])).toBe('[{"n":1},{"n":1}]');
  });

  test("serialize called from a getter during a walk sees only its own value", () => {
    const inner = { deep: { x: 1 } };
    const outer = {
      inner,
      get copy() {
        return serialize(inner); // inner is an ancestor of nothing here: no false cycle
      },
      get innerError() {
        return refusalPath({ q: [1, { f: () => 1 }] });
      },
    };
    expect(deserialize(serialize(outer))).toEqual({
      inner: { deep: { x: 1 } },
      copy: '{"deep":{"x":1}}',
      innerError: "q[1].f",
    });
    const loop: Record<string, unknown> = {};
    Object.defineProperty(loop, "g", { enumerable: true, get: () => serialize({ ok: true }) });
    loop.me = loop;
    expect(() => serialize({ loop })).toThrow(/circular reference/);
    expect(refusalPath({ loop })).toBe("loop.me");
  });

  test("a cycle is refused, while the same object twice (no cycle) is fine", () => {
    const shared = { n: 1 };
    expect(roundTrip({ a: shared, b: shared })).toEqual({ a: { n: 1 }, b: { n: 1 } });
    const loop: Record<string, unknown> = {};
    loop.me = loop;
    expect(() => serialize({ loop })).toThrow(/circular reference/);
  });

  test("malformed stored text fails with SerializationError, not a raw SyntaxError", () => {
    expect(() => deserialize("{not json")).toThrow(SerializationError);
    expect(() => deserialize('{"$spool":"nope","v":1}')).toThrow(/unknown tag/);
  });

  test("serializeLimited measures UTF-8 bytes, not characters", () => {
    const text = "é".repeat(600); // 1200 bytes + quotes
    expect(() => serializeLimited(text, 1000, "input")).toThrow(/input is 1202 bytes; limit is 1000/);
    expect(serializeLimited(text, 1202, "input")).toBe(JSON.stringify(text));
  });
});
