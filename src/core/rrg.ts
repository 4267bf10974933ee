import { dayNumber, dayNumberBeside, type IsoDate } from "./dates.js";
import type { AlignedPair, PointInTime } from "./series.js";

export type Quadrant = "Leading" | "Weakening" | "Lagging" | "Improving";
export type RrgPeriod = "daily" | "weekly";

/**
 * An open form of a Relative Rotation Graph (de Kempenaer's JdK RS-Ratio is proprietary):
 *   rs          = 100 * close / benchmark
 *   trend       = 100 * SMA(rs, short) / SMA(rs, long)   (with `smoothing`; else rs itself)
 *   RS-Ratio    = 100 + z-score of trend over the last `ratioWindow` periods
 *   RS-Momentum = 100 + z-score, over the last `momentumWindow` periods, of the rate of change
 *                 of RS-Ratio over `rocPeriods` (in percent)
 * z-scores use the window's mean and sample standard deviation, the current value included.
 * Simple (not exponential) averages keep every point a function of a bounded window, so the
 * latest point computed from its last periods equals the one computed from the whole history.
 */
export interface RrgOptions {
  period: RrgPeriod;
  ratioWindow: number;
  momentumWindow: number;
  rocPeriods: number;
  /** Moving averages of rs (periods) whose ratio is z-scored; null z-scores rs as it is. */
  smoothing: { short: number; long: number } | null;
}

/**
 * Weekly; a month's average of rs against half a year's, z-scored over a year, momentum from
 * its five-week change. On 52 ETFs against SPY since 1993 its quadrant changes on 16% of weekly
 * steps and jumps straight back on 1.1% (the unsmoothed 14/14/1 form: 57% and 22%).
 */
export const DEFAULT_RRG: RrgOptions = { period: "weekly", ratioWindow: 52, momentumWindow: 52, rocPeriods: 5, smoothing: { short: 5, long: 26 } };

/** The form used before 0.2 (no smoothing, 14-period z-scores, 1-period change): jumpy tails. */
export const UNSMOOTHED_RRG: RrgOptions = { period: "weekly", ratioWindow: 14, momentumWindow: 14, rocPeriods: 1, smoothing: null };

/**
 * Simple moving average; null until `window` values are in. Each window is summed afresh (no
 * running sum), so a point's value does not depend on where the computation started.
 */
function movingAverage(values: readonly number[], window: number): (number | null)[] {
  const out: (number | null)[] = new Array(values.length).fill(null);
  for (let i = window - 1; i < values.length; i++) {
    let sum = 0;
    for (let j = i - window + 1; j <= i; j++) sum += values[j] as number;
    out[i] = sum / window;
  }
  return out;
}

/** The series z-scored into RS-Ratio: rs itself, or the ratio of its short to its long average. */
function trendOf(rs: readonly number[], smoothing: RrgOptions["smoothing"]): (number | null)[] {
  if (smoothing === null) return [...rs];
  const short = movingAverage(rs, smoothing.short);
  const long = movingAverage(rs, smoothing.long);
  return short.map((s, i) => (s === null || long[i] === null ? null : (100 * s) / (long[i] as number)));
}

export interface RrgPoint {
  date: IsoDate;
  ratio: number;
  momentum: number;
  quadrant: Quadrant;
}

export function quadrantOf(ratio: number, momentum: number): Quadrant {
  if (ratio >= 100) return momentum >= 100 ? "Leading" : "Weakening";
  return momentum >= 100 ? "Improving" : "Lagging";
}

/** Monday-based week number of a day number: day 0 was a Thursday, so shifting by 3 starts weeks on Mondays. */
function weekOfDay(day: number): number {
  return Math.floor((day + 3) / 7);
}

/** Pairs on one calendar share their dates array, and so their weekly picks. */
const weeklyOfCalendar = new WeakMap<readonly IsoDate[], number[]>();

/** Keeps the last trading day of each week (weeks start on Monday); the last week may be partial. */
export function weeklyIndices(dates: readonly IsoDate[]): number[] {
  const known = weeklyOfCalendar.get(dates);
  if (known) return known;
  const indices: number[] = [];
  let currentWeek = Number.NaN;
  let day = 0;
  for (let i = 0; i < dates.length; i++) {
    day = i === 0 ? dayNumber(dates[0] as IsoDate) : dayNumberBeside(dates[i] as IsoDate, dates[i - 1] as IsoDate, day);
    const week = weekOfDay(day);
    if (week !== currentWeek) indices.push(i);
    else indices[indices.length - 1] = i;
    currentWeek = week;
  }
  weeklyOfCalendar.set(dates, indices);
  return indices;
}

/**
 * The last `count` weekly picks, found walking back from the end: the latest RRG point needs
 * a year or so of weeks, not the whole history (the same picks as weeklyIndices(dates).slice(-count)).
 */
export function lastWeeklyIndices(dates: readonly IsoDate[], count: number): number[] {
  const known = weeklyOfCalendar.get(dates);
  if (known) return known.slice(Math.max(0, known.length - count));
  const last = lastWeeklyOfCalendar.get(dates);
  // A copy each time: an answer is the caller's to change.
  if (last !== undefined && last.count === count) return last.indices.slice();
  const indices = lastWeeksOf(dates, count);
  lastWeeklyOfCalendar.set(dates, { count, indices });
  return indices.slice();
}

/** The last picks of a calendar, for pairs on it that each ask for the latest RRG point. */
const lastWeeklyOfCalendar = new WeakMap<readonly IsoDate[], { count: number; indices: number[] }>();

function lastWeeksOf(dates: readonly IsoDate[], count: number): number[] {
  const indices: number[] = [];
  let currentWeek = Number.NaN;
  let day = 0;
  for (let i = dates.length - 1; i >= 0 && indices.length < count; i--) {
    day = i === dates.length - 1 ? dayNumber(dates[i] as IsoDate) : dayNumberBeside(dates[i] as IsoDate, dates[i + 1] as IsoDate, day);
    const week = weekOfDay(day);
    // Walking backwards, the first day met in each week is that week's last trading day.
    if (week !== currentWeek) indices.push(i);
    currentWeek = week;
  }
  return indices.reverse();
}

/** Indices of the days that close each period, all of them or only the last `lastPeriods`. */
function periodPicks(dates: readonly IsoDate[], period: RrgPeriod, lastPeriods: number | undefined): number[] {
  if (period === "weekly") return lastPeriods === undefined ? weeklyIndices(dates) : lastWeeklyIndices(dates, lastPeriods);
  const from = lastPeriods === undefined ? 0 : Math.max(0, dates.length - lastPeriods);
  return Array.from({ length: dates.length - from }, (_, k) => from + k);
}

/** z-score of each value within its trailing window, from index `from` on (null before it). */
function rollingZ(values: readonly (number | null)[], window: number, from: number): (number | null)[] {
  const out: (number | null)[] = new Array(values.length).fill(null);
  for (let t = Math.max(window - 1, from); t < values.length; t++) {
    let sum = 0;
    let ok = true;
    for (let j = t - window + 1; j <= t; j++) {
      const v = values[j];
      if (v === null || v === undefined) {
        ok = false;
        break;
      }
      sum += v;
    }
    if (!ok) continue;
    const avg = sum / window;
    let squares = 0;
    for (let j = t - window + 1; j <= t; j++) squares += ((values[j] as number) - avg) ** 2;
    const deviation = Math.sqrt(squares / (window - 1));
    out[t] = deviation > 0 ? ((values[t] as number) - avg) / deviation : 0;
  }
  return out;
}

/**
 * RRG points for every period where both figures exist, oldest first. With `lastPeriods`,
 * only the last periods are looked at: the latest point depends on no more than
 * ratioWindow + rocPeriods + momentumWindow periods, so `check` asks for just those.
 */
export function rrgSeries(pair: AlignedPair, options: RrgOptions, lastPeriods?: number): RrgPoint[] {
  return rrgPointsFrom(pair, options, periodPicks(pair.dates, options.period, lastPeriods), 0);
}

/**
 * The points of periods `first` on. Each z-score is computed on its own window, so the figures
 * that earlier points alone would need are skipped without changing any that is kept.
 */
function rrgPointsFrom(pair: AlignedPair, options: RrgOptions, picks: readonly number[], first: number): RrgPoint[] {
  const rs = picks.map((i) => (100 * (pair.a[i] as number)) / (pair.b[i] as number));
  // Momentum at `first` z-scores the changes of the momentum window before it, each a change of RS-Ratio over rocPeriods.
  const ratioFrom = Math.max(0, first - options.rocPeriods - (options.momentumWindow - 1));
  const ratio = rollingZ(trendOf(rs, options.smoothing), options.ratioWindow, ratioFrom).map((z) => (z === null ? null : 100 + z));
  const roc = ratio.map((value, t) => {
    const before = ratio[t - options.rocPeriods];
    return value === null || before === null || before === undefined ? null : 100 * (value / before - 1);
  });
  const momentum = rollingZ(roc, options.momentumWindow, first).map((z) => (z === null ? null : 100 + z));
  const points: RrgPoint[] = [];
  for (let t = first; t < picks.length; t++) {
    const r = ratio[t];
    const m = momentum[t];
    if (r === null || r === undefined || m === null || m === undefined) continue;
    points.push({ date: pair.dates[picks[t] as number] as IsoDate, ratio: r, momentum: m, quadrant: quadrantOf(r, m) });
  }
  return points;
}

/**
 * The quadrants the tail passed through, in order, each once per stay: "Lagging → Improving →
 * Leading → Lagging" (a loop shown as a loop, where first → last said "Lagging"); the one
 * quadrant when it never left.
 */
export function travel(tail: readonly RrgPoint[]): string | null {
  if (tail.length === 0) return null;
  const path: string[] = [];
  for (const point of tail) if (path.at(-1) !== point.quadrant) path.push(point.quadrant);
  return path.join(" → ");
}

/** The latest RRG point, from the fewest periods that determine it. */
export function latestRrgPoint(pair: AlignedPair, options: RrgOptions): RrgPoint | null {
  const needed = (options.smoothing?.long ?? 0) + options.ratioWindow + options.rocPeriods + options.momentumWindow;
  const picks = periodPicks(pair.dates, options.period, needed);
  return rrgPointsFrom(pair, options, picks, picks.length - 1).at(-1) ?? null;
}

export interface RrgSymbolResult {
  symbol: string;
  /** The last `tail` points, oldest first; empty when the history is too short. */
  tail: RrgPoint[];
  travel: string | null;
}

/** Each symbol's RRG tail against the benchmark, on prices known at the as-of date. */
export function rrgOf(prices: PointInTime, request: { benchmark: string; symbols: readonly string[]; options: RrgOptions; tail: number }): { asOf: IsoDate; symbols: RrgSymbolResult[]; warnings: string[] } {
  const warnings: string[] = [];
  const symbols = request.symbols.map((symbol) => {
    const points = rrgSeries(prices.pair(symbol, request.benchmark), request.options);
    if (points.length === 0) warnings.push(`${symbol}: too little common history with ${request.benchmark} for an RRG point`);
    const tail = points.slice(-request.tail);
    return { symbol, tail, travel: travel(tail) };
  });
  return { asOf: prices.series(request.benchmark).dates.at(-1) ?? "", symbols, warnings };
}
