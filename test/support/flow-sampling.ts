/**
 * Measures shared by the multi-process flow-control tests: the peak of a count sampled while
 * workers drain a queue, and the busiest window of start times. The sampler polls every few
 * ms until stopped, so a test stops it once the drain it waits for is a fact; the peak is the
 * largest count seen, never a rate.
 */

export interface PeakSampler {
  /** Ends the sampling and returns the largest value read and how many reads were made. */
  stop(): Promise<{ peak: number; samples: number }>;
}

export function samplePeak(read: () => Promise<number>): PeakSampler {
  let peak = 0;
  let samples = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      peak = Math.max(peak, await read());
      samples++;
      await new Promise((r) => setTimeout(r, 3));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { peak, samples };
    },
  };
}

/** The size of the largest group: `groups` names each item's group (a key, "task/key"). */
export function largestGroup(groups: Iterable<string>): number {
  const per = new Map<string, number>();
  for (const g of groups) per.set(g, (per.get(g) ?? 0) + 1);
  return Math.max(0, ...per.values());
}

/** The most start times that fall in any window of `per` ms (half-open: [t, t + per)). */
export function busiestWindow(starts: readonly number[], per: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0; i < sorted.length; i++) {
    let n = 0;
    while (i + n < sorted.length && sorted[i + n]! < sorted[i]! + per) n++;
    worst = Math.max(worst, n);
  }
  return worst;
}
