import { yearOf, type IsoDate } from "./dates.js";

/** Trading-day windows reported for every ticker and pair. */
export const RETURN_WINDOWS = { d1: 1, d5: 5, d21: 21, d63: 63, d252: 252 } as const;

export type ReturnKey = keyof typeof RETURN_WINDOWS | "ytd";
export type Returns = Record<ReturnKey, number | null>;

/** Simple return over `window` trading days ending at `end`; null when history is too short. */
export function windowReturn(closes: ArrayLike<number>, end: number, window: number): number | null {
  const start = end - window;
  if (start < 0 || end >= closes.length) return null;
  return (closes[end] as number) / (closes[start] as number) - 1;
}

/**
 * Index of the last close of the calendar year before the one containing `end`, or -1
 * when the series starts in that year (then year-to-date is unknown, not zero).
 */
export function previousYearEndIndex(dates: readonly IsoDate[], end: number): number {
  const year = yearOf(dates[end] as IsoDate);
  let low = 0;
  let high = end;
  // First index whose year is `year`: everything before it belongs to earlier years.
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (yearOf(dates[mid] as IsoDate) < year) low = mid + 1;
    else high = mid;
  }
  return low - 1;
}

export function ytdReturn(dates: readonly IsoDate[], closes: ArrayLike<number>, end: number): number | null {
  const base = previousYearEndIndex(dates, end);
  if (base < 0) return null;
  return (closes[end] as number) / (closes[base] as number) - 1;
}

export function returnsAt(dates: readonly IsoDate[], closes: ArrayLike<number>, end: number): Returns {
  return {
    d1: windowReturn(closes, end, RETURN_WINDOWS.d1),
    d5: windowReturn(closes, end, RETURN_WINDOWS.d5),
    d21: windowReturn(closes, end, RETURN_WINDOWS.d21),
    d63: windowReturn(closes, end, RETURN_WINDOWS.d63),
    d252: windowReturn(closes, end, RETURN_WINDOWS.d252),
    ytd: ytdReturn(dates, closes, end),
  };
}

/** Difference of simple returns, key by key; null wherever either side is unknown. */
export function relativeReturns(a: Returns, b: Returns): Returns {
  const out = {} as Returns;
  for (const key of Object.keys(a) as ReturnKey[]) {
    const x = a[key];
    const y = b[key];
    out[key] = x === null || y === null ? null : x - y;
  }
  return out;
}
