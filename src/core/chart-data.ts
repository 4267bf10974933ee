import type { Signal } from "./check.js";
import { findEpisodes } from "./episodes.js";
import type { IsoDate } from "./dates.js";
import type { AlignedPair } from "./series.js";
import { ALL_HISTORY, lookbackStarts, lookbackText, type Lookback } from "./lookback.js";
import { MIN_RANK_OBSERVATIONS, surgeDate, surgeSeries } from "./surge.js";
import { sortedPlace } from "./sorted.js";

export const MOVING_AVERAGE_DAYS = 50;

export interface ChartData {
  pair: string;
  window: number;
  threshold: number;
  /** What each day's thresholds and flags rank against, as --lookback is written ("all", "2520", "10y"). */
  lookback: string;
  dates: IsoDate[];
  /** A/B rebased to 100 on the first date shown. */
  ratio: number[];
  /** 50-day moving average of the rebased ratio (computed on the whole history, so no warm-up gap). */
  movingAverage: (number | null)[];
  surge: (number | null)[];
  /** Point-in-time thresholds: the surge value at `threshold` / `100 - threshold` of the earlier days in the lookback. */
  upper: (number | null)[];
  lower: (number | null)[];
  episodes: { direction: Signal; start: IsoDate; end: IsoDate; peakDate: IsoDate; peakSurge: number }[];
}

/** The k-th smallest of a sorted array by linear interpolation at percentile p. */
function quantile(sorted: readonly number[], p: number): number {
  const position = (p / 100) * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return (sorted[below] as number) + ((sorted[above] as number) - (sorted[below] as number)) * (position - below);
}

/**
 * Everything a chart of one pair shows, from the same functions as `check` and `episodes`:
 * each day's thresholds come from the surges before it, episodes from findEpisodes.
 */
export function chartData(pairName: string, pair: AlignedPair, options: { window: number; threshold: number; gap: number; since?: IsoDate; lookback?: Lookback }): ChartData {
  const n = pair.dates.length;
  let first = 0;
  if (options.since !== undefined) {
    while (first < n && (pair.dates[first] as IsoDate) < options.since) first++;
  }
  const rawRatio = Array.from(pair.a, (a, i) => a / (pair.b[i] as number));
  const base = rawRatio[first] ?? 1;
  const movingAverage: (number | null)[] = [];
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += rawRatio[i] as number;
    if (i >= MOVING_AVERAGE_DAYS) sum -= rawRatio[i - MOVING_AVERAGE_DAYS] as number;
    if (i >= first) movingAverage.push(i >= MOVING_AVERAGE_DAYS - 1 ? ((sum / MOVING_AVERAGE_DAYS) * 100) / base : null);
  }
  const surges = surgeSeries(pair, options.window);
  const surge: (number | null)[] = [];
  const upper: (number | null)[] = [];
  const lower: (number | null)[] = [];
  const starts = lookbackStarts(options.lookback ?? ALL_HISTORY, surges.values.length, (s) => surgeDate(surges, s));
  // The earlier surges of the lookback, kept sorted: surges [left, s) at day s.
  const sorted: number[] = [];
  let left = 0;
  for (let i = 0; i < n; i++) {
    const s = i - options.window;
    const value = s >= 0 ? (surges.values[s] as number) : null;
    if (starts !== null && s >= 0) {
      for (; left < (starts[s] as number); left++) sorted.splice(sortedPlace(sorted, surges.values[left] as number), 1);
    }
    if (i >= first) {
      surge.push(value);
      const enough = sorted.length >= MIN_RANK_OBSERVATIONS;
      upper.push(enough ? quantile(sorted, options.threshold) : null);
      lower.push(enough ? quantile(sorted, 100 - options.threshold) : null);
    }
    // Binary insertion keeps the earlier surges sorted for the next day's thresholds.
    if (value !== null) sorted.splice(sortedPlace(sorted, value), 0, value);
  }
  const shownFrom = pair.dates[first];
  const episodes = shownFrom === undefined ? [] : findEpisodes(pairName, pair, options)
    .filter((e) => e.end >= shownFrom)
    .map((e) => ({ direction: e.direction, start: e.start < shownFrom ? shownFrom : e.start, end: e.end, peakDate: e.peakDate, peakSurge: e.peakSurge }));
  return {
    pair: pairName,
    window: options.window,
    threshold: options.threshold,
    lookback: lookbackText(options.lookback ?? ALL_HISTORY),
    dates: pair.dates.slice(first),
    ratio: rawRatio.slice(first).map((r) => (r * 100) / base),
    movingAverage,
    surge,
    upper,
    lower,
    episodes,
  };
}
