import { describe, expect, test } from "vitest";
import { SerializationError } from "../../src/core/errors/index.js";
import { deserialize, serialize, serializeLimited } from "../../src/core/serializer.js";

const roundTrip = <T>(value: T): T => deserialize<T>(serialize(value));

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
