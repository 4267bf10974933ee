import { mean, sampleStandardDeviation } from "simple-statistics";

/**
 * What the WebAssembly kernels (kernels.wat, called through kernels.ts) compute, written to be
 * read: each function here is the definition, the kernel an optimisation of it. Plain loops
 * over plain arrays, in the order a reader would write them, with no concern for speed (some
 * are quadratic). test/core/kernels.test.ts checks every kernel against its definition on
 * random inputs: bit for bit where the kernel does the same operations in the same order, and
 * to 1e-6 where it keeps running sums instead (rankSeries' z-scores, whose windows slide one day
 * at a time, and whose sums of squares lose about eps x size^2 a step: a window whose spread is
 * below 1e-3 of the largest value seen so far is "no spread or nearly" to them, either way).
 */

/** Each day's window-day relative return: out[t - window] = (a[t] / a[t - window] - 1) - (b[t] / b[t - window] - 1), t in [window, n). */
export function surgeValuesDefinition(a: ArrayLike<number>, b: ArrayLike<number>, n: number, window: number): number[] {
  const out: number[] = [];
  for (let t = window; t < n; t++) {
    const ownA = (a[t] as number) / (a[t - window] as number) - 1;
    const ownB = (b[t] as number) / (b[t - window] as number) - 1;
    out.push(ownA - ownB);
  }
  return out;
}

/** Each day's own window-day return: out[t - window] = closes[t] / closes[t - window] - 1. */
export function returnValuesDefinition(closes: ArrayLike<number>, n: number, window: number): number[] {
  const out: number[] = [];
  for (let t = window; t < n; t++) out.push((closes[t] as number) / (closes[t - window] as number) - 1);
  return out;
}

/** How many of values[0, index) are below values[index], and how many equal it (-0 equals 0). */
export function rankCountsDefinition(values: ArrayLike<number>, index: number): { below: number; equal: number } {
  const today = values[index] as number;
  let below = 0;
  let equal = 0;
  for (let j = 0; j < index; j++) {
    if ((values[j] as number) < today) below++;
    else if (values[j] === today) equal++;
  }
  return { below, equal };
}

/**
 * "The largest since": the latest earlier index whose value is at least as extreme in today's
 * direction (at least as high for a value >= 0, at least as low for a negative one); -1 for a record.
 */
export function largestSinceDefinition(values: ArrayLike<number>, index: number): number {
  const today = values[index] as number;
  for (let j = index - 1; j >= 0; j--) {
    const value = values[j] as number;
    if (today >= 0 ? value >= today : value <= today) return j;
  }
  return -1;
}

/** Mean and sample standard deviation of values[from, to) (simple-statistics'); NaN and 0 for an empty window, 0 deviation for one value. */
export function windowStatsDefinition(values: ArrayLike<number>, from: number, to: number): { mean: number; deviation: number } {
  const window = Array.from({ length: Math.max(0, to - from) }, (_, i) => values[from + i] as number);
  if (window.length === 0) return { mean: Number.NaN, deviation: 0 };
  return { mean: mean(window), deviation: window.length < 2 ? 0 : sampleStandardDeviation(window) };
}

/** The highest and lowest a[t] / b[t] over [0, n), and their days: the latest day of a tie. */
export function ratioExtremesDefinition(a: ArrayLike<number>, b: ArrayLike<number>, n: number): { peak: number; trough: number; peakIndex: number; troughIndex: number } {
  let peak = Number.NEGATIVE_INFINITY;
  let trough = Number.POSITIVE_INFINITY;
  let peakIndex = -1;
  let troughIndex = -1;
  for (let t = 0; t < n; t++) {
    const ratio = (a[t] as number) / (b[t] as number);
    if (ratio >= peak) {
      peak = ratio;
      peakIndex = t;
    }
    if (ratio <= trough) {
      trough = ratio;
      troughIndex = t;
    }
  }
  return { peak, trough, peakIndex, troughIndex };
}

/** Each value's rank among all of them: how many values are strictly smaller (equal values share a rank; -0 equals 0). */
export function valueRanksDefinition(values: ArrayLike<number>): number[] {
  const all = Array.from(values);
  return all.map((value) => all.filter((other) => other < value).length);
}

/**
 * Every day against the days before it (what surge.ts's rankSeries turns into percentiles):
 * for a day with at least `minObservations` earlier days, the counts below and equal, the
 * "largest since" index, and the z-score against the previous `lookback` days (their mean and
 * sample deviation; NaN when the deviation is not positive). A day with less history gets
 * below -1, z-score NaN and largest-since -1.
 */
export function rankedDaysDefinition(values: ArrayLike<number>, minObservations: number, lookback: number): { below: number[]; equal: number[]; zScore: number[]; largestSinceIndex: number[] } {
  const n = values.length;
  const below: number[] = [];
  const equal: number[] = [];
  const zScore: number[] = [];
  const largestSinceIndex: number[] = [];
  for (let t = 0; t < n; t++) {
    if (t < minObservations) {
      below.push(-1);
      equal.push(0);
      zScore.push(Number.NaN);
      largestSinceIndex.push(-1);
      continue;
    }
    const counts = rankCountsDefinition(values, t);
    below.push(counts.below);
    equal.push(counts.equal);
    largestSinceIndex.push(largestSinceDefinition(values, t));
    const stats = windowStatsDefinition(values, Math.max(0, t - lookback), t);
    zScore.push(t - Math.max(0, t - lookback) >= 2 && stats.deviation > 0 ? ((values[t] as number) - stats.mean) / stats.deviation : Number.NaN);
  }
  return { below, equal, zScore, largestSinceIndex };
}
