/**
 * Compile-time checks of workflow typing (tsc runs over test/): `@ts-expect-error` lines must
 * fail to type-check, the others must pass. The runtime test only builds the workflows.
 */
import { expect, test } from "vitest";
import { createSpool } from "../../src/index.js";

test("piped steps are type-checked against what runs before them", async () => {
  const spool = createSpool({ backend: "memory://", logger: { level: "silent" } });
  const double = spool.task({ name: "t.double", run: (n: number) => n * 2 });
  const len = spool.task({ name: "t.len", run: (x: string) => x.length });
  const count = spool.task({ name: "t.count", run: (x: number[]) => x.length });
  const merge = spool.task({ name: "t.merge", run: (i: { x: number; y: number }) => i.x + i.y });

  spool.chain(double.with(1), double.with(), double.with());
  spool.chord([double.with(1), double.with(2)], count.with());
  spool.group([spool.chain(double.with(1), double.with()), double.with(3)]);
  spool.flow().node("x", double.with(1)).node("y", double.with(2)).node("z", merge.with(), ["x", "y"]);
  // A bound step runs after its predecessor and keeps its own input.
  spool.chain(double.with(1), len.with("abc"));

  // @ts-expect-error a string step cannot take a number result
  expect(() => spool.chain(double.with(1), len.with())).not.toThrow();
  // @ts-expect-error the callback takes number[], the group yields numbers
  spool.chord([double.with(1)], len.with());
  // @ts-expect-error merge needs { x, y }, its only parent is x
  spool.flow().node("x", double.with(1)).node("z", merge.with(), ["x"]);
  await spool.close();
});
