import { addDays, type IsoDate } from "./dates.js";
import type { Lookback } from "./lookback.js";
import { midRankPercentile } from "./surge.js";

/**
 * How cheap small companies are against large ones on price-to-book, month by month, from the
 * Fama/French size x book-to-market portfolios (README, "Valuation history"). The three
 * sections it reads, as plain arrays: the columns are the portfolios ("SMALL LoBM", "ME1 BM2",
 * ..., "BIG HiBM"), the months "YYYY-MM" ascending and shared by the three.
 */
export interface SizeBookToMarket {
  columns: string[];
  months: string[];
  /** "Number of Firms in Portfolios". */
  firms: (number | null)[][];
  /** "Average Market Cap": the average market equity at the end of the month before the row's. */
  averageCap: (number | null)[][];
  /** "Value Weight Average of BE_FYt-1/ME_June t": book equity over June's market equity, value weighted. */
  bookToMarketJune: (number | null)[][];
}

export type SplitId = "q1-q5" | "q12-q45" | "halves";

/** Which portfolios are small and which large. */
export interface SizeSplit {
  id: SplitId;
  label: string;
  small: number[];
  large: number[];
}

/** A portfolio's size group: SMALL is 1, BIG the largest, MEk is k. */
function sizeOf(column: string, largest: number): number | null {
  const name = column.split(/\s+/)[0] ?? "";
  if (name === "SMALL") return 1;
  if (name === "BIG") return largest;
  const match = /^ME(\d+)$/.exec(name);
  return match ? Number(match[1]) : null;
}

/** The splits the file's size groups allow: quintiles give two, halves one. */
export function splitsOf(columns: readonly string[]): SizeSplit[] {
  const named = columns.map((c) => /^ME(\d+)/.exec(c.split(/\s+/)[0] ?? "")?.[1]).filter((x): x is string => x !== undefined).map(Number);
  const largest = Math.max(2, ...named);
  const sizes = columns.map((c) => sizeOf(c, largest));
  const where = (test: (size: number) => boolean) => sizes.flatMap((size, i) => (size !== null && test(size) ? [i] : []));
  if (largest === 5) {
    return [
      { id: "q1-q5", label: "smallest vs largest size quintile", small: where((s) => s === 1), large: where((s) => s === 5) },
      { id: "q12-q45", label: "bottom two vs top two size quintiles", small: where((s) => s <= 2), large: where((s) => s >= 4) },
    ];
  }
  if (largest === 2) return [{ id: "halves", label: "small vs big half (NYSE median)", small: where((s) => s === 1), large: where((s) => s === 2) }];
  return [];
}

/** One month of the series. */
export interface SizeValuationPoint {
  /** The row's month: its market equity is that of the end of the month before. */
  month: string;
  /** Aggregate book-to-market of the small and of the large group, and small's over large's. */
  smallBookToMarket: number;
  largeBookToMarket: number;
  ratio: number;
  /** The July whose portfolios (and book equity) the month belongs to: the series jumps when it changes. */
  formedIn: string;
}

/**
 * The monthly series of one split. For the portfolios formed in June of year t, each
 * portfolio's book equity is fixed from its July t row: BE_p = BEME_June_p(Jul t) × N_p(Jul t) ×
 * AvgME_p(Jul t) (the value-weighted average of BE/ME_June weighted by the same market equity
 * that N × AvgME sums). For each month m from July t to June t+1, a group's book-to-market is
 * Σ BE_p / Σ N_p(m) × AvgME_p(m). A month missing any of its numbers is left out.
 */
export function sizeValuationSeries(data: SizeBookToMarket, split: SizeSplit): SizeValuationPoint[] {
  const points: SizeValuationPoint[] = [];
  let formation: { month: string; book: number[] } | null = null;
  data.months.forEach((month, m) => {
    if (month.endsWith("-07")) {
      // A portfolio missing a number in July has no book equity for the year (NaN): every month
      // of a group that holds it is left out until the next July.
      const book: number[] = [];
      for (let p = 0; p < data.columns.length; p++) {
        book.push((data.bookToMarketJune[m]?.[p] ?? Number.NaN) * (data.firms[m]?.[p] ?? Number.NaN) * (data.averageCap[m]?.[p] ?? Number.NaN));
      }
      formation = { month, book };
    }
    if (formation === null) return;
    const group = (members: readonly number[]): number | null => {
      let book = 0;
      let equity = 0;
      for (const p of members) {
        const firms = data.firms[m]?.[p];
        const cap = data.averageCap[m]?.[p];
        const formed = (formation as { book: number[] }).book[p] as number;
        if (firms == null || cap == null || !Number.isFinite(formed)) return null;
        book += formed;
        equity += firms * cap;
      }
      return equity > 0 && book > 0 ? book / equity : null;
    };
    const small = group(split.small);
    const large = group(split.large);
    if (small === null || large === null) return;
    points.push({ month, smallBookToMarket: small, largeBookToMarket: large, ratio: small / large, formedIn: (formation as { month: string }).month });
  });
  return points;
}

/** The day a month's row is taken as known: the end of the following month (the library publishes with a lag). */
export function publishedBy(month: string): IsoDate {
  const [year, mm] = month.split("-").map(Number) as [number, number];
  const afterNext = mm >= 11 ? `${year + 1}-${String(mm - 10).padStart(2, "0")}-01` : `${year}-${String(mm + 2).padStart(2, "0")}-01`;
  return addDays(afterNext, -1);
}

/** Fewer earlier months than this in the span give no percentile. */
export const MIN_VALUATION_MONTHS = 60;
/** The span a valuation is ranked against unless --lookback says otherwise. */
export const DEFAULT_VALUATION_LOOKBACK: Lookback = { kind: "years", years: 20 };

export interface SizeValuationRank {
  month: string;
  ratio: number;
  smallBookToMarket: number;
  largeBookToMarket: number;
  formedIn: string;
  /** Mid-rank percentile of `ratio` among the earlier months in the span; null with too few. */
  percentile: number | null;
  observations: number;
  rankedFrom: string | null;
  rankedTo: string | null;
}

/**
 * The latest month known at `asOf` (publishedBy ≤ asOf), ranked against the earlier months of
 * the span: `Ny` the months from the same month N years before; `N` sessions as N / 21 months
 * (21 sessions a month); all the earlier months. Null when no month is known yet.
 */
export function rankSizeValuation(points: readonly SizeValuationPoint[], asOf: IsoDate, lookback: Lookback): SizeValuationRank | null {
  let last = -1;
  for (let i = 0; i < points.length; i++) if (publishedBy((points[i] as SizeValuationPoint).month) <= asOf) last = i;
  if (last < 0) return null;
  const today = points[last] as SizeValuationPoint;
  let start = 0;
  if (lookback.kind === "sessions") start = Math.max(0, last - Math.round(lookback.sessions / 21));
  else if (lookback.kind === "years") {
    const from = `${String(Number(today.month.slice(0, 4)) - lookback.years).padStart(4, "0")}${today.month.slice(4)}`;
    while (start < last && (points[start] as SizeValuationPoint).month < from) start++;
  }
  const earlier = points.slice(start, last);
  let below = 0;
  let equal = 0;
  for (const p of earlier) {
    if (p.ratio < today.ratio) below++;
    else if (p.ratio === today.ratio) equal++;
  }
  return {
    month: today.month,
    ratio: today.ratio,
    smallBookToMarket: today.smallBookToMarket,
    largeBookToMarket: today.largeBookToMarket,
    formedIn: today.formedIn,
    percentile: earlier.length >= MIN_VALUATION_MONTHS ? midRankPercentile(below, equal, earlier.length) : null,
    observations: earlier.length,
    rankedFrom: earlier[0]?.month ?? null,
    rankedTo: earlier.at(-1)?.month ?? null,
  };
}

/** Where the history came from (the provider's record of the file). */
export interface ValuationHistorySource {
  /** The provider's kind (src/sources/providers.ts). */
  source: string;
  dataset: string;
  vintage: string | null;
  sha256: string;
  url: string;
  fetchedAt: string;
}

/** One split's latest known month, ranked. */
export interface ValuationHistorySplit extends SizeValuationRank {
  split: SplitId;
  label: string;
  /** The month-end whose market equity the month's figures use (the end of the month before `month`). */
  marketEquityAt: IsoDate;
  /** The day the month counts as published (the end of the month after it). */
  knownFrom: IsoDate;
}

/**
 * "How cheap are small caps against 20 years": the small-versus-large book-to-market ratio of
 * each split, its latest month known at the as-of date, ranked against its span. A proxy:
 * price-to-book of NYSE-breakpoint size groups, not the Russell indexes' P/E.
 */
export interface ValuationHistory extends ValuationHistorySource {
  measure: string;
  /** The span the ranks use, as --lookback is written ("20y" unless given). */
  lookback: string;
  /** The split the reading is about: the first (smallest vs largest quintile, or the halves). */
  split: SplitId;
  splits: ValuationHistorySplit[];
}

export const VALUATION_HISTORY_MEASURE = "price-to-book proxy: aggregate book-to-market of the small size group over the large one (Fama/French portfolios, NYSE breakpoints), not the Russell or S&P indexes' P/E";

/** Every split's monthly series: what a cache keeps of a file (see SERIES_DERIVATION). */
export interface SplitSeries {
  id: SplitId;
  label: string;
  points: SizeValuationPoint[];
}

/** Bumped whenever sizeValuationSeries or splitsOf would give other points: a cache derived before is derived again. */
export const SERIES_DERIVATION = 1;

export function splitSeriesOf(data: SizeBookToMarket): SplitSeries[] {
  return splitsOf(data.columns).map((split) => ({ id: split.id, label: split.label, points: sizeValuationSeries(data, split) }));
}

/** The history at `asOf`: null when the data has no month known by then, or no split. */
export function valuationHistoryOf(source: ValuationHistorySource, series: readonly SplitSeries[], asOf: IsoDate, lookback: Lookback, lookbackText: string): ValuationHistory | null {
  const splits: ValuationHistorySplit[] = [];
  for (const split of series) {
    const rank = rankSizeValuation(split.points, asOf, lookback);
    if (rank === null) continue;
    splits.push({ split: split.id, label: split.label, ...rank, marketEquityAt: addDays(`${rank.month}-01`, -1), knownFrom: publishedBy(rank.month) });
  }
  const first = splits[0];
  if (first === undefined) return null;
  return { ...source, measure: VALUATION_HISTORY_MEASURE, lookback: lookbackText, split: first.split, splits };
}
