import { lastIndexOnOrBefore, type IsoDate } from "./dates.js";

/** Daily closes: a plain array, or a typed array read straight from a snapshot. */
export type Closes = readonly number[] | Float64Array;

/** One instrument's daily closes: ascending, unique dates, positive finite closes. */
export interface PriceSeries {
  symbol: string;
  dates: IsoDate[];
  closes: Closes;
  /** Dates of the splits the feed reported (a one-day jump on such a date is not suspect; see ticks.ts). */
  splitDates?: readonly IsoDate[];
  /** The exchange's time zone when the feed says it: series of one zone are each other's peers (sessions.ts). */
  timezone?: string;
  /** The exchange's regular session known to be in course when the prices were fetched (seconds since 1970). */
  session?: { date: IsoDate; start: number; end: number };
}

/** The series grouped by exchange calendar (their time zone; series that do not say are one group). */
export function byCalendar(series: Iterable<PriceSeries>): PriceSeries[][] {
  const groups = new Map<string, PriceSeries[]>();
  for (const one of series) {
    const key = one.timezone ?? "";
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [one]);
    else group.push(one);
  }
  return [...groups.values()];
}

/** A close a fund can have: positive, neither denormal nor astronomical (1e308, 5e-324 are slips, not prices). */
export function plausiblePrice(value: number): boolean {
  return value >= 1e-6 && value <= 1e9;
}

/** Two series restricted to the dates both have, so every pair figure compares like with like. */
export interface AlignedPair {
  dates: IsoDate[];
  a: Closes;
  b: Closes;
}

/**
 * The series as it was known at the close of `asOf`: nothing after it survives. `calendars`
 * remembers each calendar's cut (for one as-of date), so that series that shared a dates array
 * share its cut too, and what is computed per calendar (weekly picks, where one calendar lies
 * in another) is computed once.
 */
export function cutAsOf(series: PriceSeries, asOf: IsoDate | undefined, calendars?: Map<readonly IsoDate[], IsoDate[]>): PriceSeries {
  if (asOf === undefined) return series;
  const end = lastIndexOnOrBefore(series.dates, asOf) + 1;
  if (end === series.dates.length) return series;
  let dates = calendars?.get(series.dates);
  if (dates === undefined) {
    dates = series.dates.slice(0, end);
    calendars?.set(series.dates, dates);
  }
  return { symbol: series.symbol, dates, closes: series.closes.slice(0, end) };
}

export function alignPair(a: PriceSeries, b: PriceSeries): AlignedPair {
  // The benchmark's array, shared by all its pairs, so per-calendar caches (weekly picks) hit.
  if (sameCalendar(a.dates, b.dates)) return { dates: b.dates, a: a.closes, b: b.closes };
  // Most often one calendar is a stretch of the other (a fund listed later than its benchmark):
  // then the common dates are that stretch, sliced rather than merged day by day.
  const inner = contiguousWithin(a.dates, b.dates);
  if (inner >= 0) return { dates: a.dates, a: a.closes, b: b.closes.slice(inner, inner + a.dates.length) };
  const outer = contiguousWithin(b.dates, a.dates);
  if (outer >= 0) return { dates: b.dates, a: a.closes.slice(outer, outer + b.dates.length), b: b.closes };
  const dates: IsoDate[] = [];
  const closesA: number[] = [];
  const closesB: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.dates.length && j < b.dates.length) {
    const dateA = a.dates[i] as IsoDate;
    const dateB = b.dates[j] as IsoDate;
    if (dateA === dateB) {
      dates.push(dateA);
      closesA.push(a.closes[i] as number);
      closesB.push(b.closes[j] as number);
      i++;
      j++;
    } else if (dateA < dateB) {
      i++;
    } else {
      j++;
    }
  }
  return { dates, a: closesA, b: closesB };
}

/** contiguousWithin's answers, by calendar: pairs with one benchmark ask it the same question. */
const placements = new WeakMap<readonly IsoDate[], WeakMap<readonly IsoDate[], number>>();

/** Where `inner` lies, day for day, inside `outer`, or -1. */
function contiguousWithin(inner: readonly IsoDate[], outer: readonly IsoDate[]): number {
  let known = placements.get(inner);
  if (known === undefined) {
    known = new WeakMap();
    placements.set(inner, known);
  }
  let at = known.get(outer);
  if (at === undefined) {
    at = placementOf(inner, outer);
    known.set(outer, at);
  }
  return at;
}

function placementOf(inner: readonly IsoDate[], outer: readonly IsoDate[]): number {
  if (inner.length === 0 || inner.length > outer.length) return -1;
  const start = lastIndexOnOrBefore(outer, inner[0] as IsoDate);
  if (start < 0 || outer[start] !== inner[0] || start + inner.length > outer.length) return -1;
  for (let i = 0; i < inner.length; i++) if (outer[start + i] !== inner[i]) return -1;
  return start;
}

/** Most pairs trade on identical calendars; then the arrays are shared instead of copied. */
export function sameCalendar(a: readonly IsoDate[], b: readonly IsoDate[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Prices as they were known at the close of one date: the only way the rest of the program
 * sees a series. Every series is cut to `asOf` here, once, and every pair is aligned on its
 * common dates here, so no command or report can forget the cut and leak the future.
 */
export interface PointInTime {
  /** The date asked for; undefined means "the latest data". */
  readonly requested: IsoDate | undefined;
  /** The series of one symbol, up to the as-of date (throws for a symbol that was not loaded). */
  series(symbol: string): PriceSeries;
  has(symbol: string): boolean;
  /** The pair on the dates both members have, up to the as-of date (remembered per pair). */
  pair(symbol: string, benchmark: string): AlignedPair;
  /** The latest date of any of these symbols, or undefined when none has a price by then. */
  lastDate(symbols: readonly string[]): IsoDate | undefined;
}

export function pointInTime(all: ReadonlyMap<string, PriceSeries>, asOf: IsoDate | undefined): PointInTime {
  const cut = new Map<string, PriceSeries>();
  const cutCalendars = new Map<readonly IsoDate[], IsoDate[]>();
  return pricesOf(asOf, (symbol) => all.has(symbol), (symbol) => {
    let known = cut.get(symbol);
    if (known === undefined) {
      const full = all.get(symbol);
      if (full === undefined) throw new Error(`no series for ${symbol}`);
      known = cutAsOf(full, asOf, cutCalendars);
      cut.set(symbol, known);
    }
    return known;
  });
}

/** A PointInTime from how to tell and get a cut series: its pairs aligned once each, and the latest date. */
function pricesOf(requested: IsoDate | undefined, has: (symbol: string) => boolean, series: (symbol: string) => PriceSeries, pairOf?: (symbol: string, benchmark: string) => AlignedPair | undefined): PointInTime {
  const pairs = new Map<string, AlignedPair>();
  return {
    requested,
    series,
    has,
    pair(symbol, benchmark) {
      const known = pairOf?.(symbol, benchmark);
      if (known !== undefined) return known;
      const key = `${symbol}\u0000${benchmark}`;
      let aligned = pairs.get(key);
      if (aligned === undefined) {
        aligned = alignPair(series(symbol), series(benchmark));
        pairs.set(key, aligned);
      }
      return aligned;
    },
    lastDate(symbols) {
      let latest: IsoDate | undefined;
      for (const symbol of symbols) {
        const date = series(symbol).dates.at(-1);
        if (date !== undefined && (latest === undefined || date > latest)) latest = date;
      }
      return latest;
    },
  };
}

/** Core functions take either loaded series (cut here) or prices already cut by the caller. */
export function asPointInTime(prices: ReadonlyMap<string, PriceSeries> | PointInTime, asOf: IsoDate | undefined): PointInTime {
  if (prices instanceof Map) return pointInTime(prices, asOf);
  const known = prices as PointInTime;
  if (known.requested !== asOf) throw new Error(`prices were cut at ${known.requested ?? "the latest date"}, not ${asOf ?? "the latest date"}`);
  return known;
}

/**
 * Two sets of prices cut at the same date as one (a symbol in both is the first's): for
 * series loaded apart, such as the context funds check reads from the cache beside its universe.
 */
export function mergedPointInTime(first: PointInTime, second: PointInTime): PointInTime {
  return pricesOf(
    first.requested,
    (symbol) => first.has(symbol) || second.has(symbol),
    (symbol) => (first.has(symbol) ? first.series(symbol) : second.series(symbol)),
    // A pair both of whose funds the first holds is the first's own (aligned once, there).
    (symbol, benchmark) => (first.has(symbol) && first.has(benchmark) ? first.pair(symbol, benchmark) : undefined),
  );
}
