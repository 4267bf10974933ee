import type { IsoDate } from "./dates.js";
import type { PriceSeries } from "./series.js";

/**
 * Absurd ticks: a close a feed got wrong (a bar 100x off, a decimal slip) must never pass for a
 * price, and a real crash must never be dropped. The rule, on a series already cut to the
 * as-of date (so that no judgement uses a session the reader could not have seen):
 *
 * - a one-day move is suspect when |ln(c[t] / c[t-1])| > max(TICK_FLOOR, TICK_SIGMAS x the
 *   sample standard deviation of the previous TICK_LOOKBACK daily log returns) and no split is
 *   recorded on that date;
 * - if the next session takes back at least REVERSAL_SHARE of it (a log return of the other
 *   sign, at least half as large), the bar is bad data: it is left out (the series goes from
 *   c[t-1] to c[t+1]) and named in a warning;
 * - otherwise it is kept (a real crash, or a last bar whose next session is not known yet),
 *   named in a warning, and every figure whose window holds it is marked suspect.
 */
export const TICK_FLOOR = 0.25;
export const TICK_SIGMAS = 10;
export const TICK_LOOKBACK = 63;
export const REVERSAL_SHARE = 0.5;

export interface SuspectBar {
  symbol: string;
  date: IsoDate;
  close: number;
  /** The close before it. */
  previous: number;
  /** ln(close / previous). */
  logReturn: number;
  /** The bound it passed: max(TICK_FLOOR, TICK_SIGMAS x the trailing deviation). */
  limit: number;
  /** left out: the next session reversed it; kept: it stands (marked suspect). */
  verdict: "left out" | "kept";
}

export interface Screened {
  series: PriceSeries;
  suspects: SuspectBar[];
}

/**
 * The series with bad bars left out, and every suspect bar (left out or kept). Readable
 * definition; a series with no suspect bar comes back as the same object (no copy).
 */
export function screenTicks(series: PriceSeries): Screened {
  const { dates, closes } = series;
  const n = dates.length;
  const suspects: SuspectBar[] = [];
  const splitDates = series.splitDates === undefined ? null : new Set(series.splitDates);
  // Bars left out (rare: usually none, and then the series is returned as it is).
  const dropped = new Set<number>();
  /** The kept bar before index k (skipping bars left out). */
  const keptBefore = (k: number): number => {
    let j = k - 1;
    while (j >= 0 && dropped.has(j)) j--;
    return j;
  };
  /** max(TICK_FLOOR, TICK_SIGMAS x the deviation of the TICK_LOOKBACK kept log returns up to bar `end`). */
  const limitAfter = (end: number): number => {
    const returns: number[] = [];
    for (let k = end; returns.length < TICK_LOOKBACK; k = keptBefore(k)) {
      const before = keptBefore(k);
      if (before < 0) break;
      returns.push(Math.log((closes[k] as number) / (closes[before] as number)));
    }
    if (returns.length < 2) return TICK_FLOOR;
    const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
    const variance = returns.reduce((a, b) => a + (b - mean) * (b - mean), 0) / (returns.length - 1);
    return Math.max(TICK_FLOOR, TICK_SIGMAS * Math.sqrt(variance));
  };
  let last = 0;
  for (let t = 1; t < n; t++) {
    const close = closes[t] as number;
    const previous = closes[last] as number;
    const ratio = close / previous;
    // A move within e^(+-TICK_FLOOR) is never suspect, whatever the deviation: most bars stop here.
    if (ratio >= FLOOR_LOW && ratio <= FLOOR_HIGH) {
      last = t;
      continue;
    }
    const logReturn = Math.log(ratio);
    const limit = limitAfter(last);
    if (Math.abs(logReturn) > limit && !(splitDates?.has(dates[t] as IsoDate) ?? false)) {
      const next = t + 1 < n ? Math.log((closes[t + 1] as number) / close) : null;
      const reversed = next !== null && Math.sign(next) === -Math.sign(logReturn) && Math.abs(next) >= REVERSAL_SHARE * Math.abs(logReturn);
      suspects.push({ symbol: series.symbol, date: dates[t] as IsoDate, close, previous, logReturn, limit, verdict: reversed ? "left out" : "kept" });
      if (reversed) {
        dropped.add(t);
        continue;
      }
    }
    last = t;
  }
  if (dropped.size === 0) return { series, suspects };
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (!dropped.has(i)) keep.push(i);
  return {
    series: { ...series, dates: keep.map((i) => dates[i] as IsoDate), closes: Float64Array.from(keep, (i) => closes[i] as number) },
    suspects,
  };
}

/** e^(+-TICK_FLOOR): ratios between these are moves within the floor. */
const FLOOR_LOW = Math.exp(-TICK_FLOOR);
const FLOOR_HIGH = Math.exp(TICK_FLOOR);

/** One warning line for a suspect bar, naming the ticker, the date and the value. */
export function suspectWarning(bar: SuspectBar): string {
  const move = `${bar.logReturn >= 0 ? "+" : ""}${((Math.exp(bar.logReturn) - 1) * 100).toFixed(1)}%`;
  const price = (value: number): string => String(Number(value.toPrecision(8)));
  const what = `${bar.symbol}: the close of ${bar.date} (${price(bar.close)}, ${move} on the day before's ${price(bar.previous)}) is beyond ${(bar.limit * 100).toFixed(0)}% in log terms with no split recorded`;
  return bar.verdict === "left out"
    ? `${what}, and the next session took it back: left out as bad data`
    : `${what}, and the next session did not take it back (or is not known yet): kept, and every figure whose window holds it is marked suspect`;
}
