import { lastIndexOnOrBefore, type IsoDate } from "./dates.js";

/** One instrument's daily closes: ascending, unique dates, positive finite closes. */
export interface PriceSeries {
  symbol: string;
  dates: IsoDate[];
  closes: number[];
}

/** Two series restricted to the dates both have, so every pair figure compares like with like. */
export interface AlignedPair {
  dates: IsoDate[];
  a: number[];
  b: number[];
}

/** The series as it was known at the close of `asOf`: nothing after it survives. */
export function cutAsOf(series: PriceSeries, asOf: IsoDate | undefined): PriceSeries {
  if (asOf === undefined) return series;
  const end = lastIndexOnOrBefore(series.dates, asOf) + 1;
  if (end === series.dates.length) return series;
  return { symbol: series.symbol, dates: series.dates.slice(0, end), closes: series.closes.slice(0, end) };
}

export function alignPair(a: PriceSeries, b: PriceSeries): AlignedPair {
  // The benchmark's array, shared by all its pairs, so per-calendar caches (weekly picks) hit.
  if (sameCalendar(a.dates, b.dates)) return { dates: b.dates, a: a.closes, b: b.closes };
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

/** Most pairs trade on identical calendars; then the arrays are shared instead of copied. */
function sameCalendar(a: readonly IsoDate[], b: readonly IsoDate[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
