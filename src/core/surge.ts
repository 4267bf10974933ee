import type { IsoDate } from "./dates.js";
import type { AlignedPair } from "./series.js";
import { lastRankFigures, returnValues, surgeValues } from "./kernels.js";
import { workingFloats, workingInts } from "./working-arrays.js";

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
export function rankAt(values: ArrayLike<number>, index: number, minObservations = MIN_RANK_OBSERVATIONS): SurgeRank {
  const observations = index;
  if (observations < minObservations) {
    return { percentile: null, zScore: null, largestSinceIndex: -1, observations };
  }
  const today = values[index] as number;
  const figures = lastRankFigures(values, index, Math.max(0, index - Z_LOOKBACK));
  const zScore = figures.deviation > 0 ? (today - figures.mean) / figures.deviation : null;
  return { percentile: midRankPercentile(figures.below, figures.equal, observations), zScore, largestSinceIndex: figures.largestSinceIndex, observations };
}

/**
 * Each value's rank among all of them: how many are strictly smaller (equal values share a
 * rank; -0 equals 0). By an LSD radix sort of the values' bits, eight bits a pass, skipping
 * the passes where every value has the same byte (the exponent's, mostly): about three times
 * faster than sorting a copy and binary-searching every value in it, and linear in n.
 */
export function valueRanks(values: ArrayLike<number>): Int32Array {
  return ranksInto(values, new Int32Array(values.length));
}

/** valueRanks, written into `ranks` (n long at least). */
function ranksInto(values: ArrayLike<number>, ranks: Int32Array): Int32Array {
  const n = values.length;
  const floats = workingFloats("radix.floats", n);
  for (let i = 0; i < n; i++) floats[i] = values[i] as number;
  // Little-endian halves of each double: words[2i] low, words[2i + 1] high.
  const words = new Uint32Array(floats.buffer);
  // Order-preserving unsigned keys: negatives have every bit flipped, positives the sign bit set.
  for (let i = 0; i < n; i++) {
    const high = words[2 * i + 1] as number;
    if (high & 0x8000_0000) {
      words[2 * i + 1] = ~high >>> 0;
      words[2 * i] = ~(words[2 * i] as number) >>> 0;
    } else {
      words[2 * i + 1] = (high | 0x8000_0000) >>> 0;
    }
  }
  // One histogram per byte, all counted in a single pass.
  const counts = workingInts("radix.counts", 8 * 256).fill(0);
  for (let i = 0; i < n; i++) {
    const low = words[2 * i] as number;
    const high = words[2 * i + 1] as number;
    counts[low & 255]!++;
    counts[256 + ((low >>> 8) & 255)]!++;
    counts[512 + ((low >>> 16) & 255)]!++;
    counts[768 + (low >>> 24)]!++;
    counts[1024 + (high & 255)]!++;
    counts[1280 + ((high >>> 8) & 255)]!++;
    counts[1536 + ((high >>> 16) & 255)]!++;
    counts[1792 + (high >>> 24)]!++;
  }
  let order = workingInts("radix.order", n);
  for (let i = 0; i < n; i++) order[i] = i;
  let spare = workingInts("radix.spare", n);
  for (let pass = 0; pass < 8; pass++) {
    const base = pass * 256;
    let used = 0;
    for (let digit = 0; digit < 256; digit++) if (counts[base + digit] !== 0) used++;
    if (used <= 1) continue;
    let start = 0;
    for (let digit = 0; digit < 256; digit++) {
      const count = counts[base + digit] as number;
      counts[base + digit] = start;
      start += count;
    }
    const word = pass < 4 ? 0 : 1;
    const shift = (pass & 3) * 8;
    for (let i = 0; i < n; i++) {
      const index = order[i] as number;
      const digit = ((words[2 * index + word] as number) >>> shift) & 255;
      spare[counts[base + digit]!++] = index;
    }
    const sorted = order;
    order = spare;
    spare = sorted;
  }
  let rank = 0;
  for (let i = 0; i < n; i++) {
    const index = order[i] as number;
    if (i === 0 || values[index] !== values[order[i - 1] as number]) rank = i;
    ranks[index] = rank;
  }
  return ranks;
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
 * z-scores from running sums over the previous Z_LOOKBACK values.
 */
export function rankSeries(values: ArrayLike<number>, minObservations = MIN_RANK_OBSERVATIONS, into?: SurgeRanks): SurgeRanks {
  const n = values.length;
  // `into`: a caller's working arrays, long enough, which the answer then views.
  const percentile = (into === undefined ? new Float64Array(n) : into.percentile.subarray(0, n)).fill(Number.NaN);
  const zScore = (into === undefined ? new Float64Array(n) : into.zScore.subarray(0, n)).fill(Number.NaN);
  const largestSinceIndex = (into === undefined ? new Int32Array(n) : into.largestSinceIndex.subarray(0, n)).fill(-1);

  const rankOf = ranksInto(values, workingInts("rank.ranks", n));
  // How many earlier values share each rank: the ties, counted without a second search.
  const equalAtRank = workingInts("rank.equal", n).fill(0, 0, n);
  // A binary indexed (Fenwick) tree over ranks, 1-based: how many earlier values lie below a rank.
  const tree = workingInts("rank.tree", n + 1).fill(0, 0, n + 1);
  // Indices whose values strictly decrease (for highs) / increase (for lows) from bottom to top.
  const highs = workingInts("rank.highs", n);
  const lows = workingInts("rank.lows", n);
  let highsTop = 0;
  let lowsTop = 0;
  // Sums are taken about the first value so that small surges keep their precision.
  const shift = n > 0 ? (values[0] as number) : 0;
  let sum = 0;
  let sumOfSquares = 0;

  for (let t = 0; t < n; t++) {
    const today = values[t] as number;
    const rank = rankOf[t] as number;
    while (highsTop > 0 && (values[highs[highsTop - 1] as number] as number) < today) highsTop--;
    while (lowsTop > 0 && (values[lows[lowsTop - 1] as number] as number) > today) lowsTop--;
    if (t >= minObservations) {
      let below = 0;
      for (let i = rank; i > 0; i -= i & -i) below += tree[i] as number;
      percentile[t] = midRankPercentile(below, equalAtRank[rank] as number, t);
      if (today >= 0) largestSinceIndex[t] = highsTop > 0 ? (highs[highsTop - 1] as number) : -1;
      else largestSinceIndex[t] = lowsTop > 0 ? (lows[lowsTop - 1] as number) : -1;
      const count = Math.min(t, Z_LOOKBACK);
      if (count >= 2) {
        const variance = (sumOfSquares - (sum * sum) / count) / (count - 1);
        const deviation = variance > 0 ? Math.sqrt(variance) : 0;
        if (deviation > 0) zScore[t] = (today - shift - sum / count) / deviation;
      }
    }
    for (let i = rank + 1; i <= n; i += i & -i) tree[i]!++;
    equalAtRank[rank]!++;
    highs[highsTop++] = t;
    lows[lowsTop++] = t;
    const centred = today - shift;
    sum += centred;
    sumOfSquares += centred * centred;
    if (t >= Z_LOOKBACK) {
      const leaving = (values[t - Z_LOOKBACK] as number) - shift;
      sum -= leaving;
      sumOfSquares -= leaving * leaving;
    }
  }
  return { percentile, zScore, largestSinceIndex };
}
