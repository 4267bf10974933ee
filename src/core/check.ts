import { daysBetween, lastIndexOnOrBefore, type IsoDate } from "./dates.js";
import { relativeReturns, returnsAt, type Returns } from "./returns.js";
import { asPointInTime, type PointInTime, type PriceSeries } from "./series.js";
import { DEFAULT_RRG, latestRrgPoint, type RrgOptions, type RrgPoint } from "./rrg.js";
import { ALL_HISTORY, lookbackStart, type Lookback } from "./lookback.js";
import { MIN_RANK_OBSERVATIONS, rankAt, returnSeries, surgeDate, surgeSeries, type SurgeSeries } from "./surge.js";
import { ratioExtremesOf, streakOf, type RatioExtremes, type Streak } from "./pair-stats.js";
import { pairName, universeSymbols, type Group, type PairSpec, type Universe } from "./universe.js";

export type Signal = "small-surge" | "large-surge";

export interface CheckOptions {
  universe: Universe;
  /** Surge window in trading days. */
  window: number;
  /** Percentile at or above which a small-surge is flagged; 100 - threshold flags a large-surge. */
  threshold: number;
  /** Use data up to this date only; default: the latest date in the data. */
  asOf?: IsoDate;
  /** How many days behind the as-of date a ticker's last price may be before a warning. */
  staleAfterDays?: number;
  /** Parameters of the RRG quadrant shown for each pair (default DEFAULT_RRG). */
  rrg?: RrgOptions;
  /** The date of a session still open (see openSessionDate): bars of that date are provisional. */
  provisionalDate?: IsoDate | null;
  /** Per symbol, the date of its exchange's session still open (from the feed's trading period), for any exchange. */
  openSessions?: ReadonlyMap<string, IsoDate>;
  /** What each rank is ranked against (default: all history). */
  lookback?: Lookback;
  /** Dates of each symbol's kept suspect bars (ticks.ts): the figures whose window holds one are marked. */
  suspects?: ReadonlyMap<string, readonly IsoDate[]>;
  /** Sessions each symbol lacks that its peers have (sessions.ts): the figures spanning one are marked. */
  gaps?: ReadonlyMap<string, readonly IsoDate[]>;
}

/** The figures of a ticker or pair that a kept suspect bar reaches (see suspectFigures). */
export type SuspectFigure = "1D" | "5D" | "21D" | "63D" | "252D" | "YTD" | "surge" | "rank" | "ratio";

export interface TickerResult {
  symbol: string;
  group: Group;
  date: IsoDate;
  close: number;
  returns: Returns;
  /** The fund's own window-day return, ranked against every earlier day of its own history. */
  surge: SurgeResult;
  /** The last bar is of a session that has not closed: its close and returns will change. */
  provisional: boolean;
  /** Present when a kept suspect bar lies in a figure's window: its dates and the figures it reaches. */
  suspect?: { dates: IsoDate[]; figures: SuspectFigure[] };
  /** Present when a figure's window spans a session the fund lacks and its peers have: those dates and the figures. */
  missing?: { dates: IsoDate[]; figures: SuspectFigure[] };
}

export interface SurgeResult {
  window: number;
  value: number | null;
  zScore: number | null;
  percentile: number | null;
  largestSince: IsoDate | null;
  /** The value on the largestSince date (null with it). */
  largestSinceValue: number | null;
  /** Sessions from the largestSince date to the ranked day (null with it): a comparison made yesterday is no news. */
  largestSinceSessions: number | null;
  historyStart: IsoDate | null;
  /** How many earlier values the day was ranked against: those from rankedFrom to rankedTo. */
  observations: number;
  /** The first and last earlier day the rank counts (the lookback's window); null when there is none. */
  rankedFrom: IsoDate | null;
  rankedTo: IsoDate | null;
}

export interface PairResult {
  pair: string;
  symbol: string;
  benchmark: string;
  /** The last common trading date, which every pair figure is computed at. */
  date: IsoDate | null;
  relative: Returns;
  surge: SurgeResult;
  signal: Signal | null;
  /** Where the pair's symbol stands on a Relative Rotation Graph against the benchmark. */
  rrg: RrgPoint | null;
  /** The pair's date is a session that has not closed: every figure of the pair will change. */
  provisional: boolean;
  /** Who has had the higher 1-day return, and for how many sessions in a row. */
  streak: Streak;
  /** The price ratio A/B against its peak and trough to date; null without a common date. */
  ratio: RatioExtremes | null;
  /** Present when a kept suspect bar of either fund lies in a figure's window. */
  suspect?: { dates: IsoDate[]; figures: SuspectFigure[] };
  /** Present when a figure's window spans a session either fund lacks and its peers have. */
  missing?: { dates: IsoDate[]; figures: SuspectFigure[] };
}

export interface SignalResult {
  pair: string;
  signal: Signal;
  date: IsoDate;
  value: number;
  percentile: number;
}

export interface CheckResult {
  asOf: IsoDate;
  tickers: TickerResult[];
  pairs: PairResult[];
  signals: SignalResult[];
  warnings: string[];
}

const EMPTY_RETURNS: Returns = { d1: null, d5: null, d21: null, d63: null, d252: null, ytd: null };

/** The last value of a series ranked against the earlier ones in its lookback: the same definitions for funds and pairs. */
export function rankedSurge(surges: SurgeSeries, lookback: Lookback = ALL_HISTORY): SurgeResult {
  const last = surges.values.length - 1;
  const start = last < 0 ? 0 : lookbackStart(lookback, last, (i) => surgeDate(surges, i));
  const result: SurgeResult = {
    window: surges.window,
    value: last >= 0 ? (surges.values[last] as number) : null,
    zScore: null,
    percentile: null,
    largestSince: null,
    largestSinceValue: null,
    largestSinceSessions: null,
    historyStart: last >= 0 ? surgeDate(surges, 0) : null,
    observations: Math.max(0, last - start),
    rankedFrom: last > start ? surgeDate(surges, start) : null,
    rankedTo: last > start ? surgeDate(surges, last - 1) : null,
  };
  if (last < 0) return result;
  const rank = rankAt(surges.values, last, MIN_RANK_OBSERVATIONS, start);
  result.zScore = rank.zScore;
  result.percentile = rank.percentile;
  if (rank.largestSinceIndex >= 0) {
    result.largestSince = surgeDate(surges, rank.largestSinceIndex);
    result.largestSinceValue = surges.values[rank.largestSinceIndex] as number;
    result.largestSinceSessions = last - rank.largestSinceIndex;
  }
  return result;
}

const inLookback = (lookback: Lookback | undefined): string => (lookback === undefined || lookback.kind === "all" ? "" : " in the lookback");

export function signalFor(percentile: number | null, threshold: number): Signal | null {
  if (percentile === null) return null;
  if (percentile >= threshold) return "small-surge";
  if (percentile <= 100 - threshold) return "large-surge";
  return null;
}

/**
 * Everything `rotation check` reports, computed from the closes known at the as-of date.
 * Tickers use their own trading dates; pairs use the dates both members have.
 */
export function runCheck(prices: ReadonlyMap<string, PriceSeries> | PointInTime, options: CheckOptions): CheckResult {
  const members = universeSymbols(options.universe);
  const known = asPointInTime(prices, options.asOf);
  const { asOf, warnings } = checkAsOf(known, members.map((m) => m.symbol), options);
  const tickers = checkTickers(known, members, asOf, options, warnings);
  const pairs = checkPairs(known, options.universe.pairs, options, warnings);
  return { asOf, tickers, pairs, signals: signalsOf(pairs), warnings };
}

/**
 * The check's as-of date (the latest date of any member: for dates alone will do), with a
 * warning for each member that has no price by then. Throws when none has.
 */
export function checkAsOf(known: PointInTime, members: readonly string[], options: Pick<CheckOptions, "asOf">): { asOf: IsoDate; warnings: string[] } {
  const warnings: string[] = [];
  for (const symbol of members) {
    if (known.series(symbol).dates.length === 0) {
      warnings.push(`${symbol}: no prices on or before ${options.asOf ?? "the as-of date"}`);
    }
  }
  const asOf = known.lastDate(members);
  if (asOf === undefined) throw new RangeError(`no prices on or before ${options.asOf ?? "the as-of date"}`);
  return { asOf, warnings };
}

/** Each member's own figures at its last date, warning of stale ones and those too short to rank. */
export function checkTickers(known: PointInTime, members: readonly { symbol: string; group: Group }[], asOf: IsoDate, options: CheckOptions, warnings: string[]): TickerResult[] {
  const staleAfter = options.staleAfterDays ?? 5;
  const tickers: TickerResult[] = [];
  for (const { symbol, group } of members) {
    const series = known.series(symbol);
    const end = series.dates.length - 1;
    if (end < 0) continue;
    const date = series.dates[end] as IsoDate;
    if (daysBetween(date, asOf) > staleAfter) {
      warnings.push(`${symbol}: last price is from ${date}, ${daysBetween(date, asOf)} days before ${asOf}`);
    }
    const surge = rankedSurge(returnSeries(series.dates, series.closes, options.window), options.lookback);
    if (surge.value !== null && surge.percentile === null) {
      warnings.push(`${symbol}: only ${surge.observations} earlier ${options.window}-day returns${inLookback(options.lookback)} (need ${MIN_RANK_OBSERVATIONS}); its own move is not ranked`);
    }
    const ticker: TickerResult = { symbol, group, date, close: series.closes[end] as number, returns: returnsAt(series.dates, series.closes, end), surge, provisional: isProvisional(series, date, options) };
    const suspect = suspectFigures(series.dates, options.suspects?.get(symbol), options.window, surge.rankedFrom, false);
    if (suspect) ticker.suspect = suspect;
    const missing = gapFigures(series.dates, options.gaps?.get(symbol), options.window, surge.rankedFrom, false);
    if (missing) ticker.missing = missing;
    tickers.push(ticker);
  }
  return tickers;
}

/** Each pair's figures on its common dates (every pair on its own: a run may go a chunk of pairs at a time). */
export function checkPairs(known: PointInTime, pairs: readonly PairSpec[], options: CheckOptions, warnings: string[]): PairResult[] {
  return pairs.map((spec) => analysePair(spec, known, options, warnings));
}

/** The pairs whose surge crossed the threshold. */
export function signalsOf(pairs: readonly PairResult[]): SignalResult[] {
  const signals: SignalResult[] = [];
  for (const pair of pairs) {
    if (pair.signal && pair.date && pair.surge.value !== null && pair.surge.percentile !== null) {
      signals.push({ pair: pair.pair, signal: pair.signal, date: pair.date, value: pair.surge.value, percentile: pair.surge.percentile });
    }
  }
  return signals;
}

function analysePair(spec: PairSpec, known: PointInTime, options: CheckOptions, warnings: string[]): PairResult {
  const name = pairName(spec);
  const aligned = known.pair(spec.symbol, spec.benchmark);
  const end = aligned.dates.length - 1;
  const surge = rankedSurge(surgeSeries(aligned, options.window), options.lookback);
  if (end < 0) {
    warnings.push(`${name}: the two funds have no trading date in common`);
    return { pair: name, symbol: spec.symbol, benchmark: spec.benchmark, date: null, relative: { ...EMPTY_RETURNS }, surge, signal: null, rrg: null, provisional: false, streak: { leader: null, sessions: 0, longestSince: null }, ratio: null };
  }
  if (surge.value !== null) {
    if (surge.percentile === null) {
      warnings.push(`${name}: only ${surge.observations} earlier ${options.window}-day surges${inLookback(options.lookback)} (need ${MIN_RANK_OBSERVATIONS}); no rank given`);
    }
  } else {
    warnings.push(`${name}: fewer than ${options.window + 1} common trading days; no surge`);
  }
  const relative = relativeReturns(
    returnsAt(aligned.dates, aligned.a, end),
    returnsAt(aligned.dates, aligned.b, end),
  );
  const suspectDates = [...(options.suspects?.get(spec.symbol) ?? []), ...(options.suspects?.get(spec.benchmark) ?? [])].sort();
  const suspect = suspectFigures(aligned.dates, suspectDates, options.window, surge.rankedFrom, true);
  const gapDates = [...(options.gaps?.get(spec.symbol) ?? []), ...(options.gaps?.get(spec.benchmark) ?? [])].sort();
  const missing = gapFigures(aligned.dates, gapDates, options.window, surge.rankedFrom, true);
  return {
    ...(suspect ? { suspect } : {}),
    ...(missing ? { missing } : {}),
    pair: name,
    symbol: spec.symbol,
    benchmark: spec.benchmark,
    date: aligned.dates[end] as IsoDate,
    relative,
    surge,
    signal: signalFor(surge.percentile, options.threshold),
    rrg: latestRrgPoint(aligned, options.rrg ?? DEFAULT_RRG),
    provisional: isProvisional(known.series(spec.symbol), aligned.dates[end] as IsoDate, options) || isProvisional(known.series(spec.benchmark), aligned.dates[end] as IsoDate, options),
    streak: streakOf(aligned, spec),
    ratio: ratioExtremesOf(aligned),
  };
}


/**
 * Which figures a kept suspect bar reaches, on a calendar ending at the as-of day: a return
 * over w sessions when the bar is one of its last w sessions; year to date when it is this
 * year; the surge when it is one of the window's sessions; the rank when any surge it counts
 * (from rankedFrom, whose start point lies `window` sessions earlier) holds the bar; a pair's
 * ratio extremes whenever the bar is in its history. Undefined when none is reached.
 */
export function suspectFigures(dates: readonly IsoDate[], suspects: readonly IsoDate[] | undefined, window: number, rankedFrom: IsoDate | null, pair: boolean): { dates: IsoDate[]; figures: SuspectFigure[] } | undefined {
  if (suspects === undefined || suspects.length === 0 || dates.length === 0) return undefined;
  const end = dates.length - 1;
  const inside = suspects.filter((date) => dates.includes(date));
  if (inside.length === 0) return undefined;
  const figures = new Set<SuspectFigure>();
  const yearStart = `${(dates[end] as IsoDate).slice(0, 4)}-01-01`;
  const rankFrom = rankedFrom === null ? -1 : Math.max(0, dates.indexOf(rankedFrom) - window);
  for (const date of inside) {
    const at = dates.indexOf(date);
    for (const [figure, sessions] of [["1D", 1], ["5D", 5], ["21D", 21], ["63D", 63], ["252D", 252]] as const) if (at > end - sessions) figures.add(figure);
    if (date >= yearStart) figures.add("YTD");
    if (at > end - window) figures.add("surge");
    if (rankFrom >= 0 && at >= rankFrom) figures.add("rank");
    if (pair) figures.add("ratio");
  }
  if (figures.size === 0) return undefined;
  const order: SuspectFigure[] = ["1D", "5D", "21D", "63D", "252D", "YTD", "surge", "rank", "ratio"];
  return { dates: inside, figures: order.filter((f) => figures.has(f)) };
}

/**
 * The figures that span a missing session: a missing day lies inside a window exactly when the
 * first bar after it does (the return from the bar before the gap to the bar after it), so the
 * figures are those suspectFigures gives that bar; the dates given are the missing ones.
 */
export function gapFigures(dates: readonly IsoDate[], gaps: readonly IsoDate[] | undefined, window: number, rankedFrom: IsoDate | null, pair: boolean): { dates: IsoDate[]; figures: SuspectFigure[] } | undefined {
  if (gaps === undefined || gaps.length === 0 || dates.length === 0) return undefined;
  const spanned = gaps.filter((gap) => gap > (dates[0] as IsoDate) && gap < (dates.at(-1) as IsoDate));
  if (spanned.length === 0) return undefined;
  const after = [...new Set(spanned.map((gap) => dates[lastIndexOnOrBefore(dates, gap) + 1] as IsoDate))];
  const reached = suspectFigures(dates, after, window, rankedFrom, pair);
  return reached === undefined ? undefined : { dates: spanned, figures: reached.figures };
}

/**
 * A bar of a session not closed yet: the feed's own trading period says so for any exchange
 * (openSessions); New York's clock (provisionalDate) speaks only for New York's funds and for
 * series that do not say where they trade.
 */
function isProvisional(series: PriceSeries, date: IsoDate, options: CheckOptions): boolean {
  if (options.openSessions?.get(series.symbol) === date) return true;
  const newYork = series.timezone === undefined || series.timezone === "America/New_York";
  return newYork && date === options.provisionalDate;
}
