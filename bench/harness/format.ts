/** Number formatting and plain-text (Markdown) tables. */
import type { Summary } from "./stats.js";

export const int = (v: number | undefined | null): string =>
  v === undefined || v === null || !Number.isFinite(v) ? "–" : Math.round(v).toLocaleString("en-US");
export const ms = (v: number | undefined | null, digits = 2): string =>
  v === undefined || v === null || !Number.isFinite(v) ? "–" : v.toFixed(digits);
export const mib = (v: number | undefined | null): string => ms(v, 1);
export const ratio = (v: number | undefined | null): string =>
  v === undefined || v === null || !Number.isFinite(v) ? "–" : `${v.toFixed(2)}×`;

/** median | min | max cells. */
export function mmm(s: Summary | null, f: (v: number) => string): string[] {
  return s ? [f(s.median), f(s.min), f(s.max)] : ["–", "–", "–"];
}

export function table(header: string[], rows: string[][], alignRight: boolean[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const pad = (s: string, i: number) => (alignRight[i] ? s.padStart(widths[i]!) : s.padEnd(widths[i]!));
  const line = (cells: string[]) => `| ${cells.map((c, i) => pad(c, i)).join(" | ")} |`;
  const sep = `|${widths.map((w, i) => (alignRight[i] ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  return [line(header), sep, ...rows.map((r) => line(header.map((_, i) => r[i] ?? "")))].join("\n");
}
