import { mean, median, quantile, quickselect } from "simple-statistics";
import type { Signal } from "./check.js";
import type { IsoDate } from "./dates.js";
import type { AlignedPair, PointInTime } from "./series.js";
import { pairName, type PairSpec } from "./universe.js";
import { workingFloats, workingInts } from "./working-arrays.js";
import { MIN_RANK_OBSERVATIONS, rankSeries, surgeDate, surgeSeries } from "./surge.js";

export type ForwardKey = "d5" | "d21" | "d63";
export type ForwardReturns = Record<ForwardKey, number | null>;

export interface EpisodeOptions {
  window: number;
  threshold: number;
  /** Flagged days of one direction at most this many trading days apart are one episode. */
  gap: number;
  minObservations?: number;
}

export interface Episode {
  pair: string;
  direction: Signal;
  start: IsoDate;
  peakDate: IsoDate;
  peakSurge: number;
  end: IsoDate;
  /** Trading days from start to end, both included. */
  length: number;
  flaggedDays: number;
  peakPercentile: number;
  peakZScore: number | null;
  /** The pair's relative return over the 5, 21, 63 trading days after the peak; null until known. */
  forward: ForwardReturns;
  /** The next trading day after the data's end could still join it (it would be within `gap` days of the last flagged day). */
  open: boolean;
}

export interface EpisodeSummary {
  pair: string;
  direction: Signal;
  episodes: number;
  median: ForwardReturns;
  mean: ForwardReturns;
  /** Share (0..1) of episodes whose forward relative return kept the surge's sign; null if none known. */
  followThrough: { d21: number | null; d63: number | null };
  /** 10th and 90th percentiles of the episodes' forward returns. */
  p10: ForwardReturns;
  p90: ForwardReturns;
  /** The same statistics over every ranked day of the pair: what any day would have shown. */
  baseline: Baseline | null;
}

/**
 * Forward relative returns from every day of a pair that has a rank (not only episode peaks):
 * the base rate an episode's figures must be read against.
 */
export interface Baseline {
  /** Ranked days with a known 5-day forward return (fewer are known at 21 and 63 days). */
  days: number;
  median: ForwardReturns;
  mean: ForwardReturns;
  /** Share (0..1) of days whose forward relative return has the direction's sign (> 0 for small-surge). */
  sameSign: ForwardReturns;
}

const HORIZONS = { d5: 5, d21: 21, d63: 63 } as const;

/** Every ranked day's forward relative returns at each horizon, where known. */
export function forwardReturnsOfRankedDays(pair: AlignedPair, window: number, minObservations = MIN_RANK_OBSERVATIONS, into?: Record<ForwardKey, Float64Array>): Record<ForwardKey, Float64Array> {
  const out = {} as Record<ForwardKey, Float64Array>;
  for (const key of ["d5", "d21", "d63"] as const) {
    // Surge index t (ranked once t >= minObservations) sits at aligned index t + window.
    const h = HORIZONS[key];
    const count = Math.max(0, pair.dates.length - window - h - minObservations);
    const values = into === undefined ? new Float64Array(count) : into[key].subarray(0, count);
    for (let i = 0; i < count; i++) {
      const from = minObservations + i + window;
      values[i] = (pair.a[from + h] as number) / (pair.a[from] as number) - 1 - ((pair.b[from + h] as number) / (pair.b[from] as number) - 1);
    }
    out[key] = values;
  }
  return out;
}

/** Per horizon: the median and mean forward returns and the shares above and below zero (shared by both directions). */
export interface BaselineStats {
  days: number;
  median: ForwardReturns;
  mean: ForwardReturns;
  positive: ForwardReturns;
  negative: ForwardReturns;
}

/** The largest of a[0..end): after quickselect(a, end), the (end-1)-th smallest. */
function maxOf(a: Float64Array, end: number): number {
  let max = -Infinity;
  for (let i = 0; i < end; i++) if ((a[i] as number) > max) max = a[i] as number;
  return max;
}

export function baselineStats(forward: Record<ForwardKey, Float64Array>): BaselineStats {
  const stats: BaselineStats = { days: forward.d5.length, median: { d5: null, d21: null, d63: null }, mean: { d5: null, d21: null, d63: null }, positive: { d5: null, d21: null, d63: null }, negative: { d5: null, d21: null, d63: null } };
  for (const key of ["d5", "d21", "d63"] as const) {
    const values = forward[key];
    const n = values.length;
    if (n === 0) continue;
    // The median by selection (linear on average), not by sorting every pair's history.
    const work = workingFloats("baseline.selection", n).subarray(0, n);
    work.set(values);
    // Floyd-Rivest selection: a[k] becomes the k-th smallest, with all before it no larger.
    // (Typed as taking number[]; it only reads, compares and swaps elements, as on a typed array.)
    quickselect(work as unknown as number[], n >> 1, 0, n - 1);
    const upper = work[n >> 1] as number;
    stats.median[key] = n % 2 ? upper : (maxOf(work, n >> 1) + upper) / 2;
    // Compensated (Kahan-Babuska) summation: thousands of small returns, summed without drift.
    let sum = 0;
    let correction = 0;
    let up = 0;
    let down = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i] as number;
      const next = sum + v;
      correction += Math.abs(sum) >= Math.abs(v) ? sum - next + v : v - next + sum;
      sum = next;
      if (v > 0) up++;
      else if (v < 0) down++;
    }
    stats.mean[key] = (sum + correction) / n;
    stats.positive[key] = up / n;
    stats.negative[key] = down / n;
  }
  return stats;
}

function baselineFor(stats: BaselineStats, direction: Signal): Baseline {
  return { days: stats.days, median: stats.median, mean: stats.mean, sameSign: direction === "small-surge" ? stats.positive : stats.negative };
}

function relativeReturn(pair: AlignedPair, from: number, to: number): number | null {
  if (to >= pair.dates.length) return null;
  return (pair.a[to] as number) / (pair.a[from] as number) - 1 - ((pair.b[to] as number) / (pair.b[from] as number) - 1);
}

/**
 * Every rotation episode of one pair. A day is flagged from its point-in-time percentile
 * (ranked only against earlier days), so an episode's existence never depends on what came
 * after it; forward returns are measured afterwards and decide nothing.
 */
export function findEpisodes(pairName: string, pair: AlignedPair, options: EpisodeOptions): Episode[] {
  // Working arrays (working-arrays.ts): every figure is read out of them before the next pair.
  const days = pair.dates.length;
  const surges = surgeSeries(pair, options.window, workingFloats("episodes.surges", days));
  const ranks = rankSeries(surges.values, options.minObservations ?? MIN_RANK_OBSERVATIONS, {
    percentile: workingFloats("episodes.percentile", days),
    zScore: workingFloats("episodes.zScore", days),
    largestSinceIndex: workingInts("episodes.largestSince", days),
  });
  const lastIndex = surges.values.length - 1;
  const episodes: Episode[] = [];
  let current: { direction: Signal; start: number; end: number; peak: number; flagged: number } | null = null;

  const close = (): void => {
    if (!current) return;
    const { direction, start, end, peak, flagged } = current;
    // Surge index i sits at aligned index i + window.
    const peakAligned = peak + options.window;
    episodes.push({
      pair: pairName,
      direction,
      start: surgeDate(surges, start),
      peakDate: surgeDate(surges, peak),
      peakSurge: surges.values[peak] as number,
      end: surgeDate(surges, end),
      length: end - start + 1,
      flaggedDays: flagged,
      peakPercentile: ranks.percentile[peak] as number,
      peakZScore: Number.isNaN(ranks.zScore[peak]) ? null : (ranks.zScore[peak] as number),
      forward: {
        d5: relativeReturn(pair, peakAligned, peakAligned + 5),
        d21: relativeReturn(pair, peakAligned, peakAligned + 21),
        d63: relativeReturn(pair, peakAligned, peakAligned + 63),
      },
      // The next trading day is lastIndex + 1; it joins when (lastIndex + 1) - end <= gap.
      open: lastIndex + 1 - end <= options.gap,
    });
    current = null;
  };

  for (let t = 0; t <= lastIndex; t++) {
    const percentile = ranks.percentile[t] as number;
    if (Number.isNaN(percentile)) continue;
    const direction: Signal | null = percentile >= options.threshold ? "small-surge" : percentile <= 100 - options.threshold ? "large-surge" : null;
    if (direction === null) continue;
    if (current && (current.direction !== direction || t - current.end > options.gap)) close();
    if (!current) {
      current = { direction, start: t, end: t, peak: t, flagged: 1 };
      continue;
    }
    current.end = t;
    current.flagged++;
    const value = surges.values[t] as number;
    const peakValue = surges.values[current.peak] as number;
    if (direction === "small-surge" ? value > peakValue : value < peakValue) current.peak = t;
  }
  close();
  return episodes;
}

/** Summaries per pair and direction; `baselineByPair` holds each pair's baselineStats (none: no baseline). */
export function summarizeEpisodes(episodes: readonly Episode[], baselineByPair: ReadonlyMap<string, BaselineStats> = new Map()): EpisodeSummary[] {
  const groups = new Map<string, Episode[]>();
  for (const episode of episodes) {
    const key = `${episode.pair}\u0000${episode.direction}`;
    const list = groups.get(key) ?? [];
    list.push(episode);
    groups.set(key, list);
  }
  const summaries: EpisodeSummary[] = [];
  for (const list of groups.values()) {
    const first = list[0] as Episode;
    // Each horizon's known forward returns, gathered once for the five figures made of them.
    const knownByKey = {} as Record<ForwardKey, number[]>;
    for (const key of ["d5", "d21", "d63"] as const) {
      const values: number[] = [];
      for (const e of list) if (e.forward[key] !== null) values.push(e.forward[key]);
      knownByKey[key] = values;
    }
    const known = (key: ForwardKey): number[] => knownByKey[key];
    const stat = (f: (values: number[]) => number): ForwardReturns => {
      const out = {} as ForwardReturns;
      for (const key of ["d5", "d21", "d63"] as const) {
        const values = known(key);
        out[key] = values.length > 0 ? f(values) : null;
      }
      return out;
    };
    const sign = first.direction === "small-surge" ? 1 : -1;
    const kept = (key: ForwardKey): number | null => {
      const values = known(key);
      return values.length > 0 ? values.filter((v) => v * sign > 0).length / values.length : null;
    };
    summaries.push({
      pair: first.pair,
      direction: first.direction,
      episodes: list.length,
      median: stat(median),
      mean: stat(mean),
      followThrough: { d21: kept("d21"), d63: kept("d63") },
      p10: stat((values) => quantile(values, 0.1)),
      p90: stat((values) => quantile(values, 0.9)),
      baseline: baselineByPair.has(first.pair) ? baselineFor(baselineByPair.get(first.pair)!, first.direction) : null,
    });
  }
  return summaries;
}

export interface EpisodeSelection extends EpisodeOptions {
  pairs: readonly PairSpec[];
  /** Keep episodes that end on or after this date. */
  since?: IsoDate;
  /** Keep episodes that start on or before this date. */
  until?: IsoDate;
}

/** Episodes of every pair on prices known at the as-of date, kept when they overlap [since, until]. */
export function episodesOf(prices: PointInTime, selection: EpisodeSelection): Episode[] {
  const episodes: Episode[] = [];
  for (const spec of selection.pairs) {
    for (const episode of findEpisodes(pairName(spec), prices.pair(spec.symbol, spec.benchmark), selection)) {
      if (selection.since !== undefined && episode.end < selection.since) continue;
      if (selection.until !== undefined && episode.start > selection.until) continue;
      episodes.push(episode);
    }
  }
  return episodes;
}

/** Episodes of every pair with their summary, base rates included. */
export function episodeReportOf(prices: PointInTime, selection: EpisodeSelection): { episodes: Episode[]; summary: EpisodeSummary[] } {
  const episodes = episodesOf(prices, selection);
  const baselineByPair = new Map<string, BaselineStats>();
  // Base rates are only worked out for pairs that had an episode to compare them with, and
  // reduced to their few figures at once: every ranked day's forward returns of a thousand
  // pairs would otherwise be held until the end.
  const withEpisodes = new Set(episodes.map((e) => e.pair));
  for (const spec of selection.pairs) {
    const name = pairName(spec);
    if (withEpisodes.has(name) && !baselineByPair.has(name)) {
      const pair = prices.pair(spec.symbol, spec.benchmark);
      const days = pair.dates.length;
      const forward = { d5: workingFloats("baseline.d5", days), d21: workingFloats("baseline.d21", days), d63: workingFloats("baseline.d63", days) };
      baselineByPair.set(name, baselineStats(forwardReturnsOfRankedDays(pair, selection.window, selection.minObservations, forward)));
    }
  }
  return { episodes, summary: summarizeEpisodes(episodes, baselineByPair) };
}
