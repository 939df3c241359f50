import { describe, expect, test } from "vitest";
import { newJobId, uuidv7 } from "../../src/core/ids.js";

const UUIDV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const msOf = (id: string): number => Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

// One module instance per test file: these tests share the generator's state, so the explicit
// timestamps below only ever move forward.
describe("uuidv7", () => {
  test("ids are RFC 9562 version 7, variant 10xx, lowercase hex", () => {
    for (let i = 0; i < 1000; i++) expect(newJobId()).toMatch(UUIDV7);
  });

  test("ids from one process are unique and sort in creation order", () => {
    const ids = Array.from({ length: 50_000 }, () => newJobId());
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
  });

  test("the first 48 bits are the creation millisecond, rewritten when it changes", () => {
    const t = Date.now() + 86_400_000;
    const a = uuidv7(t);
    const b = uuidv7(t + 1);
    const c = uuidv7(t + 1000);
    expect([msOf(a), msOf(b), msOf(c)]).toEqual([t, t + 1, t + 1000]);
    expect(a < b && b < c).toBe(true);
  });

  test("a clock that steps back keeps the last millisecond, so order holds", () => {
    const t = Date.now() + 2 * 86_400_000;
    const a = uuidv7(t);
    const b = uuidv7(t - 5000);
    expect(msOf(b)).toBe(t);
    expect(b > a).toBe(true);
  });

  test("more ids in one millisecond than the counter holds borrow the next millisecond", () => {
    const t = Date.now() + 3 * 86_400_000;
    const ids = Array.from({ length: 10_000 }, () => uuidv7(t));
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    expect(msOf(ids.at(-1)!)).toBeGreaterThan(t);
    expect(ids.at(-1)).toMatch(UUIDV7);
  });
});
