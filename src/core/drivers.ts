import type { IsoDate } from "./dates.js";
import { ALL_HISTORY, lookbackStart, lookbackStarts, type Lookback } from "./lookback.js";
import { MIN_RANK_OBSERVATIONS, rankAt, rankSeries } from "./surge.js";

/**
 * What may drive a size rotation, measured point in time: the rolling correlation and beta of a
 * pair's daily relative return (r_A − r_B) on a driver's daily return, over the sessions common
 * to every series involved (returns computed after the dates are intersected).
 */

/** A driver as `--drivers` names it: a fund (IEF), a spread of two funds (HYG-IEF) or a FRED yield (fred:DGS10). */
export type DriverSpec =
  | { id: string; kind: "fund"; symbol: string }
  | { id: string; kind: "spread"; long: string; short: string }
  | { id: string; kind: "yield"; series: string };

/** Sessions of daily returns in each rolling figure (a quarter). */
export const DEFAULT_CORRELATION_WINDOW = 63;

/** Rates (IEF: 7-10 year Treasuries) and credit (high yield over Treasuries, so credit is not read as rates). */
export const DEFAULT_DRIVERS = "IEF,HYG-IEF";
/** The same, as specs (what check's context uses). */
export const DEFAULT_DRIVER_SPECS: readonly DriverSpec[] = [
  { id: "IEF", kind: "fund", symbol: "IEF" },
  { id: "HYG-IEF", kind: "spread", long: "HYG", short: "IEF" },
];

/** The named context pairs: breadth proxies, shown beside the size pairs and never mixed with them. */
export const CONTEXT_PAIRS = [
  { symbol: "RSP", benchmark: "SPY", name: "equal vs cap weight, S&P 500" },
  { symbol: "IWC", benchmark: "IWM", name: "micro vs small caps" },
] as const;

/** The price series a driver needs (none for a yield: those come from FRED). */
export function driverSymbols(spec: DriverSpec): string[] {
  return spec.kind === "fund" ? [spec.symbol] : spec.kind === "spread" ? [spec.long, spec.short] : [];
}

/** What the usual driver funds and series stand for. */
const KNOWN: Record<string, string> = {
  IEF: "7-10 year Treasuries (rates)",
  TLT: "20+ year Treasuries (rates)",
  SHY: "1-3 year Treasuries (rates)",
  HYG: "high-yield corporate bonds",
  "HYG-IEF": "high yield over Treasuries (credit, rates taken out)",
  DGS2: "2-year Treasury yield",
  DGS10: "10-year Treasury yield",
};

/** The driver in words, for tables and readings. */
export function driverLabel(spec: DriverSpec): string {
  if (spec.kind === "yield") return `${KNOWN[spec.series] ?? `FRED series ${spec.series}`}: its daily change in percentage points`;
  if (spec.kind === "spread") return `${KNOWN[spec.id] ?? `${spec.long} over ${spec.short}`}: ${spec.long}'s daily return less ${spec.short}'s`;
  return `${KNOWN[spec.symbol] ?? spec.symbol}: ${spec.symbol}'s daily return`;
}

/** 90% two-sided normal quantile. */
const Z90 = 1.6448536269514722;

/** The 90% interval of a correlation r over n pairs, by Fisher's z: tanh(atanh(r) ± 1.645 / √(n − 3)). */
export function fisherInterval(r: number, n: number): [number, number] | null {
  if (n <= 3) return null;
  const z = Math.atanh(Math.max(-1, Math.min(1, r)));
  const half = Z90 / Math.sqrt(n - 3);
  return [Math.tanh(z - half), Math.tanh(z + half)];
}

/** Why a window has no figure. */
export type NoFigure = "zero variance (pair)" | "zero variance (driver)" | "driver moves with the benchmark (collinear)";

/** The reasons by code (RollingDrivers.reasons): 0 is none. A byte per day, not a string. */
export const NO_FIGURE: readonly (NoFigure | undefined)[] = [undefined, "zero variance (pair)", "zero variance (driver)", "driver moves with the benchmark (collinear)"];
const PAIR_FLAT = 1;
const DRIVER_FLAT = 2;
const COLLINEAR = 3;

export interface RollingDrivers {
  window: number;
  /** The date of each return (returns[i] is from dates[i] to dates[i + 1]: its date is dates[i + 1]). */
  dates: readonly IsoDate[];
  /** Per return index t ≥ window − 1 (the window's last return); NaN before and where there is no figure. */
  correlation: Float64Array;
  beta: Float64Array;
  /** The driver's coefficient with the pair's benchmark beside it: y = α + β x + γ m. */
  betaWithBenchmark: Float64Array;
  /** γ, the benchmark's own coefficient in that regression. */
  benchmarkBeta: Float64Array;
  /** Why a window has no correlation or beta, by return index: an index into NO_FIGURE (0: it has one). */
  reasons: Uint8Array;
}

/**
 * Rolling figures over `window` returns, by running sums (linear in the history). y: the pair's
 * relative returns, x: the driver's, m: the benchmark's; all of one length, on the same dates.
 * A window where y or x never changes has a variance of exactly zero: that is counted exactly
 * (days on which the value differs from the day before), never judged from running sums whose
 * rounding leaves 1e-20 where 0 is meant.
 */
export function rollingDrivers(y: ArrayLike<number>, x: ArrayLike<number>, m: ArrayLike<number>, window: number, dates: readonly IsoDate[]): RollingDrivers {
  const n = y.length;
  const correlation = new Float64Array(n).fill(Number.NaN);
  const beta = new Float64Array(n).fill(Number.NaN);
  const betaWithBenchmark = new Float64Array(n).fill(Number.NaN);
  const benchmarkBeta = new Float64Array(n).fill(Number.NaN);
  const reasons = new Uint8Array(n);
  let sx = 0, sy = 0, sm = 0, sxx = 0, syy = 0, smm = 0, sxy = 0, sxm = 0, smy = 0;
  // Changes inside the window: a change at t compares t with t − 1, both inside it.
  let changesX = 0, changesY = 0, changesM = 0;
  for (let t = 0; t < n; t++) {
    const xt = x[t] as number, yt = y[t] as number, mt = m[t] as number;
    sx += xt; sy += yt; sm += mt; sxx += xt * xt; syy += yt * yt; smm += mt * mt; sxy += xt * yt; sxm += xt * mt; smy += mt * yt;
    if (t > 0) {
      if (xt !== x[t - 1]) changesX++;
      if (yt !== y[t - 1]) changesY++;
      if (mt !== m[t - 1]) changesM++;
    }
    const first = t - window + 1;
    if (first > 0) {
      const o = first - 1;
      const xo = x[o] as number, yo = y[o] as number, mo = m[o] as number;
      sx -= xo; sy -= yo; sm -= mo; sxx -= xo * xo; syy -= yo * yo; smm -= mo * mo; sxy -= xo * yo; sxm -= xo * mo; smy -= mo * yo;
      // The change at `first` compared it with o, which has left the window.
      if (x[first] !== xo) changesX--;
      if (y[first] !== yo) changesY--;
      if (m[first] !== mo) changesM--;
    }
    if (first < 0) continue;
    if (changesY === 0) {
      reasons[t] = PAIR_FLAT;
      continue;
    }
    if (changesX === 0) {
      reasons[t] = DRIVER_FLAT;
      continue;
    }
    const cxx = sxx - (sx * sx) / window;
    const cyy = syy - (sy * sy) / window;
    const cmm = smm - (sm * sm) / window;
    const cxy = sxy - (sx * sy) / window;
    const cxm = sxm - (sx * sm) / window;
    const cmy = smy - (sm * sy) / window;
    if (!(cxx > 0) || !(cyy > 0)) {
      reasons[t] = !(cyy > 0) ? PAIR_FLAT : DRIVER_FLAT;
      continue;
    }
    correlation[t] = Math.max(-1, Math.min(1, cxy / Math.sqrt(cxx * cyy)));
    beta[t] = cxy / cxx;
    const determinant = cxx * cmm - cxm * cxm;
    // Collinear (or a benchmark that never moves): no separate coefficient for the driver.
    if (changesM === 0 || !(determinant > 1e-12 * cxx * cmm)) {
      reasons[t] = COLLINEAR;
      continue;
    }
    betaWithBenchmark[t] = (cxy * cmm - cmy * cxm) / determinant;
    benchmarkBeta[t] = (cmy * cxx - cxy * cxm) / determinant;
  }
  return { window, dates, correlation, beta, betaWithBenchmark, benchmarkBeta, reasons };
}

/** One figure at one day, with its mid-rank percentile against its own earlier values. */
export interface RankedFigure {
  value: number | null;
  /** Mid-rank percentile among the figure's earlier values in the lookback (null under 252 of them). */
  percentile: number | null;
  observations: number;
  rankedFrom: IsoDate | null;
  rankedTo: IsoDate | null;
}

/**
 * The figure at return index t ranked against its earlier values (those that exist) within the
 * lookback: mid-rank, as for surges. Values are the figures of each earlier window's last day.
 */
export function rankFigure(values: Float64Array, dateOfReturn: (t: number) => IsoDate, t: number, lookback: Lookback = ALL_HISTORY): RankedFigure {
  const value = values[t] as number;
  const none: RankedFigure = { value: Number.isNaN(value) ? null : value, percentile: null, observations: 0, rankedFrom: null, rankedTo: null };
  if (Number.isNaN(value)) return none;
  // The defined figures up to t (a window without a figure is no observation): a view when
  // they are contiguous (the usual case), else compacted.
  let first = 0;
  while (Number.isNaN(values[first] as number)) first++;
  let gaps = false;
  for (let i = first; i <= t && !gaps; i++) gaps = Number.isNaN(values[i] as number);
  let kept: Float64Array;
  let indexOf: (k: number) => number;
  if (!gaps) {
    kept = values.subarray(first, t + 1);
    indexOf = (k) => first + k;
  } else {
    const keptIndex: number[] = [];
    for (let i = first; i <= t; i++) if (!Number.isNaN(values[i] as number)) keptIndex.push(i);
    kept = Float64Array.from(keptIndex, (i) => values[i] as number);
    indexOf = (k) => keptIndex[k] as number;
  }
  const last = kept.length - 1;
  const start = lookbackStart(lookback, last, (k) => dateOfReturn(indexOf(k)));
  const rank = rankAt(kept, last, MIN_RANK_OBSERVATIONS, start);
  return {
    value,
    percentile: rank.percentile,
    observations: last - start,
    rankedFrom: last > start ? dateOfReturn(indexOf(start)) : null,
    rankedTo: last > start ? dateOfReturn(indexOf(last - 1)) : null,
  };
}

/**
 * Every day's percentile of a figure among its earlier values, in one pass (rankSeries: the same
 * mid-rank as rankFigure, which ranks one day): for ranking many days of one series, such as each
 * episode's first flagged day, where rankFigure per day would cost the history each time.
 * NaN where the day has no figure or too few earlier ones.
 */
export function percentilesOf(values: Float64Array, dateOfReturn: (t: number) => IsoDate, lookback: Lookback = ALL_HISTORY): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  const keptIndex: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i] as number)) keptIndex.push(i);
  const kept = Float64Array.from(keptIndex, (i) => values[i] as number);
  const starts = lookbackStarts(lookback, kept.length, (k) => dateOfReturn(keptIndex[k] as number));
  const ranks = rankSeries(kept, MIN_RANK_OBSERVATIONS, undefined, starts);
  keptIndex.forEach((i, k) => (out[i] = ranks.percentile[k] as number));
  return out;
}

export interface DriverFigures {
  pair: string;
  symbol: string;
  benchmark: string;
  driver: string;
  /** The window's last return day (the figures' date); null when there is no window yet. */
  date: IsoDate | null;
  /** The window's first return day. */
  from: IsoDate | null;
  window: number;
  correlation: RankedFigure & { interval: [number, number] | null };
  beta: RankedFigure;
  betaWithBenchmark: RankedFigure & { benchmarkBeta: number | null };
  /** Why a figure is null (zero variance, collinear, too short a history); null when every one exists. */
  reason: string | null;
}

/** A row without figures (a driver without its series, too short a history), saying why. */
export function noFigures(ids: { pair: string; symbol: string; benchmark: string; driver: string }, window: number, reason: string): DriverFigures {
  const empty: RankedFigure = { value: null, percentile: null, observations: 0, rankedFrom: null, rankedTo: null };
  return { ...ids, date: null, from: null, window, correlation: { ...empty, interval: null }, beta: empty, betaWithBenchmark: { ...empty, benchmarkBeta: null }, reason };
}

/** The figures of one pair and one driver at its last common day. */
export function driverFiguresAt(rolling: RollingDrivers, t: number, ids: { pair: string; symbol: string; benchmark: string; driver: string }, lookback: Lookback = ALL_HISTORY): DriverFigures {
  const dateOf = (i: number) => rolling.dates[i + 1] as IsoDate;
  if (t < rolling.window - 1) return { ...noFigures(ids, rolling.window, `fewer than ${rolling.window} common sessions of returns`), date: t >= 0 ? dateOf(t) : null };
  const correlation = rankFigure(rolling.correlation, dateOf, t, lookback);
  const gamma = rolling.benchmarkBeta[t] as number;
  return {
    ...ids,
    date: dateOf(t),
    from: dateOf(t - rolling.window + 1),
    window: rolling.window,
    correlation: { ...correlation, interval: correlation.value === null ? null : fisherInterval(correlation.value, rolling.window) },
    beta: rankFigure(rolling.beta, dateOf, t, lookback),
    betaWithBenchmark: { ...rankFigure(rolling.betaWithBenchmark, dateOf, t, lookback), benchmarkBeta: Number.isNaN(gamma) ? null : gamma },
    reason: NO_FIGURE[rolling.reasons[t] as number] ?? null,
  };
}

const signed = (value: number) => `${value >= 0 ? "+" : "-"}${Math.abs(value).toFixed(2)}`;

/** The words of a reading: "moved with" when the 90% interval lies above 0, "moved against" below, else "had no clear link with". */
export function linkOf(correlation: { value: number | null; interval: [number, number] | null }): "moved with" | "moved against" | "had no clear link with" {
  const [low, high] = correlation.interval ?? [correlation.value ?? 0, correlation.value ?? 0];
  return low > 0 ? "moved with" : high < 0 ? "moved against" : "had no clear link with";
}

/**
 * The reading in words: "IWM:SPY moved with IEF: 63-day correlation +0.46 (90%: +0.26 to
 * +0.62), higher than on 94% of earlier days." With: the interval excludes 0 above; against:
 * below; otherwise no clear link.
 */
export function readingOf(figures: DriverFigures): string {
  const r = figures.correlation;
  if (r.value === null) return `${figures.pair} and ${figures.driver}: no correlation (${figures.reason ?? "no data"}).`;
  const interval = r.interval ? ` (90%: ${signed(r.interval[0])} to ${signed(r.interval[1])})` : "";
  const link = `${linkOf(r)} ${figures.driver}`;
  const rank = r.percentile === null ? "" : `, higher than on ${r.percentile.toFixed(0)}% of earlier days`;
  return `${figures.pair} ${link} to ${figures.date}: ${figures.window}-day correlation ${signed(r.value)}${interval}${rank}.`;
}

/** A series the figures read: prices (returns are ratios) or a yield (changes in percentage points). */
export interface LevelSeries {
  dates: readonly IsoDate[];
  values: ArrayLike<number>;
  kind: "price" | "yield";
}

/** The dates every series has, in order (each series' dates ascending). */
export function commonDates(series: readonly { dates: readonly IsoDate[] }[]): IsoDate[] {
  let common: readonly IsoDate[] = (series[0] as { dates: readonly IsoDate[] }).dates;
  for (const other of series.slice(1)) {
    const next: IsoDate[] = [];
    let j = 0;
    for (const date of common) {
      while (j < other.dates.length && other.dates[j] !== date && (other.dates[j] as IsoDate) < date) j++;
      if (other.dates[j] === date) next.push(date);
    }
    common = next;
  }
  return [...common];
}

/** A series' values on `dates`, a subset of its own (ascending) dates, by one walk. */
function valuesOn(series: LevelSeries, dates: readonly IsoDate[]): Float64Array {
  const column = new Float64Array(dates.length);
  let j = 0;
  for (let i = 0; i < dates.length; i++) {
    // Dates are shared strings: the identity test settles the common case without comparing text.
    while (series.dates[j] !== dates[i] && (series.dates[j] as IsoDate) < (dates[i] as IsoDate)) j++;
    column[i] = series.values[j] as number;
  }
  return column;
}

/** A driver's series on the dates all its parts have (one per driver, shared by every pair). */
export interface AlignedDriver {
  dates: IsoDate[];
  columns: Float64Array[];
  kinds: LevelSeries["kind"][];
}

export function alignDriver(parts: readonly LevelSeries[]): AlignedDriver {
  const dates = commonDates(parts);
  return { dates, columns: parts.map((part) => valuesOn(part, dates)), kinds: parts.map((part) => part.kind) };
}

/**
 * The daily series of one pair and one driver on the sessions common to all of them (the
 * returns computed after the dates are intersected): y = r_A − r_B, x = the driver's return
 * (a fund's; the long fund's less the short one's for a spread; the change of a yield, in
 * percentage points), m = r_B (the benchmark's, for the regression that holds it fixed).
 * `pair` is the pair's closes on its own common dates.
 */
export function driverReturnsOn(pair: { dates: readonly IsoDate[]; a: ArrayLike<number>; b: ArrayLike<number> }, driver: AlignedDriver): { dates: IsoDate[]; y: Float64Array; x: Float64Array; m: Float64Array; driverLevels: Float64Array[] } {
  // The pair's dates that the driver has too: one merge walk of two ascending lists.
  const most = Math.min(pair.dates.length, driver.dates.length);
  const at = new Int32Array(most);
  const driverAt = new Int32Array(most);
  const dates: IsoDate[] = [];
  let found = 0;
  for (let i = 0, j = 0; i < pair.dates.length && j < driver.dates.length; ) {
    const p = pair.dates[i] as IsoDate;
    const d = driver.dates[j] as IsoDate;
    if (p === d) {
      at[found] = i;
      driverAt[found] = j;
      found++;
      dates.push(p);
      i++;
      j++;
    } else if (p < d) i++;
    else j++;
  }
  const levels = driver.columns.map((column) => {
    const out = new Float64Array(found);
    for (let k = 0; k < found; k++) out[k] = column[driverAt[k] as number] as number;
    return out;
  });
  const n = Math.max(0, found - 1);
  const y = new Float64Array(n);
  const x = new Float64Array(n);
  const m = new Float64Array(n);
  // Written out (no helper per value): this loop runs for every pair, driver and day.
  const a = pair.a;
  const b = pair.b;
  const long = levels[0] as Float64Array;
  const short = levels[1];
  const longYield = driver.kinds[0] === "yield";
  const shortYield = driver.kinds[1] === "yield";
  for (let t = 0; t < n; t++) {
    const from = at[t] as number;
    const to = at[t + 1] as number;
    const rb = (b[to] as number) / (b[from] as number) - 1;
    y[t] = (a[to] as number) / (a[from] as number) - 1 - rb;
    m[t] = rb;
    let move = longYield ? (long[t + 1] as number) - (long[t] as number) : (long[t + 1] as number) / (long[t] as number) - 1;
    if (short !== undefined) move -= shortYield ? (short[t + 1] as number) - (short[t] as number) : (short[t + 1] as number) / (short[t] as number) - 1;
    x[t] = move;
  }
  return { dates, y, x, m, driverLevels: levels };
}

/** The same from the two funds' and the driver's own series (what the tests and one-off callers use). */
export function driverReturns(a: LevelSeries, b: LevelSeries, driverParts: readonly LevelSeries[]): { dates: IsoDate[]; y: Float64Array; x: Float64Array; m: Float64Array; driverLevels: Float64Array[] } {
  const dates = commonDates([a, b]);
  return driverReturnsOn({ dates, a: valuesOn(a, dates), b: valuesOn(b, dates) }, alignDriver(driverParts));
}

/**
 * The driver's own move from common session `from` to `to` (indexes into the dates): a fund's
 * return, a spread's long return less its short return, a yield's change in percentage points.
 */
export function driverMove(levels: readonly Float64Array[], kinds: readonly LevelSeries["kind"][], from: number, to: number): number {
  const move = (column: Float64Array, kind: LevelSeries["kind"]) => (kind === "yield" ? (column[to] as number) - (column[from] as number) : (column[to] as number) / (column[from] as number) - 1);
  const first = move(levels[0] as Float64Array, kinds[0] as LevelSeries["kind"]);
  return levels.length > 1 ? first - move(levels[1] as Float64Array, kinds[1] as LevelSeries["kind"]) : first;
}

/** Which third of its earlier values a percentile puts a figure in. */
export function regimeOf(percentile: number | null): "top third" | "middle third" | "bottom third" | null {
  if (percentile === null) return null;
  return percentile >= 200 / 3 ? "top third" : percentile < 100 / 3 ? "bottom third" : "middle third";
}
