/**
 * How a workflow says "build this value from those jobs' results", in two forms:
 *
 * - `Ref` (compile time): a tree whose leaves are job ids: `{ j }`, arrays `{ a }`, objects `{ o }`.
 * - `Tpl` (stored): the same tree with leaves as indexes into a list of job ids (the consumer's
 *   `dependsOn`, or the workflow's job list), and runs of consecutive indexes folded into
 *   `{ r: [from, to) }`, so a chord over 10,000 jobs stores `{"r":[0,10000]}`, not 10,000 ids.
 */
export type Ref = { j: string } | { a: Ref[] } | { o: Record<string, Ref> };
export type Tpl = number | { a: Tpl[] } | { o: Record<string, Tpl> } | { r: [number, number] };

/** The job ids a ref reads, each once, in order of first appearance. */
export function refJobs(ref: Ref, into: string[] = [], seen = new Set<string>()): string[] {
  if ("j" in ref) {
    if (!seen.has(ref.j)) {
      seen.add(ref.j);
      into.push(ref.j);
    }
  } else if ("a" in ref) for (const r of ref.a) refJobs(r, into, seen);
  else for (const r of Object.values(ref.o)) refJobs(r, into, seen);
  return into;
}

export function encodeRef(ref: Ref, index: ReadonlyMap<string, number>): Tpl {
  if ("j" in ref) return index.get(ref.j)!;
  if ("o" in ref) {
    const o: Record<string, Tpl> = {};
    for (const [k, v] of Object.entries(ref.o)) o[k] = encodeRef(v, index);
    return { o };
  }
  const items = ref.a.map((r) => encodeRef(r, index));
  if (
    items.length > 1 &&
    items.every((t, i) => typeof t === "number" && (i === 0 || t === (items[i - 1] as number) + 1))
  )
    return { r: [items[0] as number, (items[items.length - 1] as number) + 1] };
  return { a: items };
}

/** Every index a template reads. */
export function tplIndexes(tpl: Tpl, into = new Set<number>()): Set<number> {
  if (typeof tpl === "number") into.add(tpl);
  else if ("r" in tpl) for (let i = tpl.r[0]; i < tpl.r[1]; i++) into.add(i);
  else if ("a" in tpl) for (const t of tpl.a) tplIndexes(t, into);
  else for (const t of Object.values(tpl.o)) tplIndexes(t, into);
  return into;
}

export function buildFromTpl(tpl: Tpl, value: (index: number) => unknown): unknown {
  if (typeof tpl === "number") return value(tpl);
  if ("r" in tpl) {
    const out = new Array(tpl.r[1] - tpl.r[0]);
    for (let i = tpl.r[0]; i < tpl.r[1]; i++) out[i - tpl.r[0]] = value(i);
    return out;
  }
  if ("a" in tpl) return tpl.a.map((t) => buildFromTpl(t, value));
  const o: Record<string, unknown> = {};
  for (const [k, t] of Object.entries(tpl.o)) o[k] = buildFromTpl(t, value);
  return o;
}
