/** Percentiles and median/min/max summaries (anchors.md reports median of runs with min and max). */

/** Nearest-rank percentile of an unsorted sample (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

/** Median (lower-middle average for even counts), min and max over repetitions. */
export function summarize(runs: readonly number[]): Summary | null {
  const ok = runs.filter((v) => Number.isFinite(v));
  if (ok.length === 0) return null;
  const sorted = [...ok].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: [...ok] };
}
