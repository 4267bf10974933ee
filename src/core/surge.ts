import type { IsoDate } from "./dates.js";
import type { AlignedPair } from "./series.js";
import { lastRankFigures, rankedDays, returnValues, surgeValues, valueRanksInto } from "./kernels.js";

/** A rank means little against a short history: below this many earlier days none is given. */
export const MIN_RANK_OBSERVATIONS = 252;
/** The z-score compares today with this many previous surges (about one trading year). */
export const Z_LOOKBACK = 252;

/**
 * s_t = r_A(t) - r_B(t) over `window` common trading days, from the first day it exists.
 * values[i] is the surge on calendar[i + window] (see surgeDate): the calendar is shared, not
 * sliced, and the values live outside the collected heap, so ranking a hundred series a run
 * leaves the garbage collector little to do.
 */
export interface SurgeSeries {
  window: number;
  /** The pair's (or fund's) whole calendar; the first `window` days have no surge. */
  calendar: readonly IsoDate[];
  values: Float64Array;
}

/** The date of surge i. */
export function surgeDate(surges: SurgeSeries, index: number): IsoDate {
  return surges.calendar[index + surges.window] as IsoDate;
}

/**
 * The mid-rank percentile: 100 x (earlier values below today's + half of those equal) / all of
 * them. Ties sit in the middle, so A:B and B:A always sum to 100 and a flat history reads 50.
 */
export function midRankPercentile(below: number, equal: number, observations: number): number {
  return (100 * (below + equal / 2)) / observations;
}

export interface SurgeRank {
  /** Mid-rank percentile of today among every earlier day (see midRankPercentile); null with too little history. */
  percentile: number | null;
  /** Today against the previous Z_LOOKBACK values (sample standard deviation). */
  zScore: number | null;
  /** Index of the latest earlier value at least as extreme in today's direction; -1 for a record. */
  largestSinceIndex: number;
  /** How many earlier values today was ranked against. */
  observations: number;
}

export function surgeSeries(pair: AlignedPair, window: number, into?: Float64Array): SurgeSeries {
  const length = Math.max(0, pair.dates.length - window);
  // `into`: a caller's working array, long enough, which the values then view.
  const values = into === undefined ? new Float64Array(length) : into.subarray(0, length);
  surgeValues(pair.a, pair.b, pair.dates.length, window, values);
  return { window, calendar: pair.dates, values };
}

/** r_t = close_t / close_{t-window} - 1 of one series: a fund's own move, ranked like a pair's surge. */
export function returnSeries(dates: readonly IsoDate[], closes: ArrayLike<number>, window: number): SurgeSeries {
  const values = new Float64Array(Math.max(0, dates.length - window));
  returnValues(closes, dates.length, window, values);
  return { window, calendar: dates, values };
}

/**
 * Ranks one day against every earlier day: O(n), for `check`, which needs only the as-of day.
 * rankSeries gives the same figures for every day at once.
 */
export function rankAt(values: ArrayLike<number>, index: number, minObservations = MIN_RANK_OBSERVATIONS, start = 0): SurgeRank {
  // Ranked against values[start, index): the lookback's window (see lookback.ts).
  const observations = index - start;
  if (observations < minObservations) {
    return { percentile: null, zScore: null, largestSinceIndex: -1, observations };
  }
  const today = values[index] as number;
  const window = start === 0 ? values : values instanceof Float64Array ? values.subarray(start, index + 1) : Float64Array.from({ length: index + 1 - start }, (_, i) => values[start + i] as number);
  const at = index - start;
  const figures = lastRankFigures(window, at, Math.max(0, at - Z_LOOKBACK));
  const zScore = figures.deviation > 0 ? (today - figures.mean) / figures.deviation : null;
  return { percentile: midRankPercentile(figures.below, figures.equal, observations), zScore, largestSinceIndex: figures.largestSinceIndex < 0 ? -1 : figures.largestSinceIndex + start, observations };
}

/**
 * Each value's rank among all of them: how many are strictly smaller (equal values share a
 * rank; -0 equals 0). By an LSD radix sort of the values' bits, eight bits a pass, skipping
 * the passes where every value has the same byte (the exponent's, mostly): linear in n, in
 * WebAssembly (kernels.wat).
 */
export function valueRanks(values: ArrayLike<number>): Int32Array {
  return valueRanksInto(values, new Int32Array(values.length));
}

/**
 * Every day's figures, in typed arrays (no boxed number per day for the collector): NaN where
 * a day has no percentile (too little history) or no z-score (no spread in its lookback).
 */
export interface SurgeRanks {
  percentile: Float64Array;
  zScore: Float64Array;
  largestSinceIndex: Int32Array;
}

/**
 * Point-in-time ranks for every day in O(n log n): each day sees only the days before it.
 * Percentiles come from a Fenwick tree over value ranks; "largest since" from two monotonic
 * stacks (a value is only ever the answer while nothing later is at least as extreme);
 * z-scores from running sums over the previous Z_LOOKBACK values. The loops run in WebAssembly
 * (kernels.wat, rankSeries), which hands back each day's counts; the percentiles are made here.
 */
export function rankSeries(values: ArrayLike<number>, minObservations = MIN_RANK_OBSERVATIONS, into?: SurgeRanks, starts?: Int32Array | null): SurgeRanks {
  const n = values.length;
  // `into`: a caller's working arrays, long enough, which the answer then views.
  const ranks: SurgeRanks = {
    percentile: into === undefined ? new Float64Array(n) : into.percentile.subarray(0, n),
    zScore: into === undefined ? new Float64Array(n) : into.zScore.subarray(0, n),
    largestSinceIndex: into === undefined ? new Int32Array(n) : into.largestSinceIndex.subarray(0, n),
  };
  if (starts) return rankSeriesWithin(values, starts, minObservations, ranks);
  const days = rankedDays(values, minObservations, Z_LOOKBACK);
  for (let t = 0; t < n; t++) {
    const below = days.below[t] as number;
    ranks.percentile[t] = below < 0 ? Number.NaN : midRankPercentile(below, days.equal[t] as number, t);
  }
  ranks.zScore.set(days.zScore);
  ranks.largestSinceIndex.set(days.largestSinceIndex);
  return ranks;
}

/**
 * rankSeries with a lookback: day t is ranked against values[starts[t], t) only (starts never
 * decrease; see lookback.ts). Readable TypeScript: a Fenwick tree counts the window's values by
 * their rank among all values, adding each day after it is ranked and removing the days the
 * window leaves behind. The z-score and "largest since" come from the whole-history kernel:
 * a ranked day has at least MIN_RANK_OBSERVATIONS = Z_LOOKBACK days in its window, so its
 * z-score window lies inside it, and a "largest since" index before the window's start means
 * the day is the largest of its window (-1).
 */
export function rankSeriesWithin(values: ArrayLike<number>, starts: Int32Array, minObservations: number, ranks: SurgeRanks): SurgeRanks {
  const n = values.length;
  const order = valueRanks(values);
  const tree = new Int32Array(n + 1);
  const add = (rank: number, delta: number): void => {
    for (let i = rank + 1; i <= n; i += i & -i) tree[i] = (tree[i] as number) + delta;
  };
  /** How many values in the window have a rank below `rank`. */
  const countBelow = (rank: number): number => {
    let count = 0;
    for (let i = rank; i > 0; i -= i & -i) count += tree[i] as number;
    return count;
  };
  const days = rankedDays(values, minObservations, Z_LOOKBACK);
  let from = 0;
  for (let t = 0; t < n; t++) {
    const start = starts[t] as number;
    while (from < start) add(order[from++] as number, -1);
    const observations = t - start;
    const rank = order[t] as number;
    if (observations >= minObservations) {
      const below = countBelow(rank);
      ranks.percentile[t] = midRankPercentile(below, countBelow(rank + 1) - below, observations);
      ranks.zScore[t] = days.zScore[t] as number;
      const since = days.largestSinceIndex[t] as number;
      ranks.largestSinceIndex[t] = since < start ? -1 : since;
    } else {
      ranks.percentile[t] = Number.NaN;
      ranks.zScore[t] = Number.NaN;
      ranks.largestSinceIndex[t] = -1;
    }
    add(rank, 1);
  }
  return ranks;
}
