import type { IsoDate } from "./dates.js";

/**
 * What a day is ranked against: every earlier day (`all`), the previous N sessions, or the
 * sessions on or after the same calendar date N years before it. The window rolls with the day
 * being ranked, so each day of a history is ranked against its own window, never a later one.
 */
export type Lookback = { kind: "all" } | { kind: "sessions"; sessions: number } | { kind: "years"; years: number };

export const ALL_HISTORY: Lookback = { kind: "all" };

/**
 * The date N years before `date`, as text to compare with: "2024-07-16" -> "2014-07-16". For
 * 29 February in a year that has none the text "2021-02-29" still compares correctly: the
 * first session on or after it is the first after 28 February.
 */
export function yearsBefore(date: IsoDate, years: number): string {
  return `${String(Number(date.slice(0, 4)) - years).padStart(4, "0")}${date.slice(4)}`;
}

/**
 * The first earlier index that day `index` is ranked against. `dateOf(i)` is the date of value
 * i (dates ascending); the window is [start, index).
 */
export function lookbackStart(lookback: Lookback, index: number, dateOf: (i: number) => IsoDate): number {
  if (lookback.kind === "all") return 0;
  if (lookback.kind === "sessions") return Math.max(0, index - lookback.sessions);
  const from = yearsBefore(dateOf(index), lookback.years);
  let low = 0;
  let high = index;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (dateOf(mid) < from) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** lookbackStart of every index in [0, n), in one pass (the starts never move back); null for `all`. */
export function lookbackStarts(lookback: Lookback, n: number, dateOf: (i: number) => IsoDate): Int32Array | null {
  if (lookback.kind === "all") return null;
  const starts = new Int32Array(n);
  let start = 0;
  for (let i = 0; i < n; i++) {
    if (lookback.kind === "sessions") start = Math.max(0, i - lookback.sessions);
    else {
      const from = yearsBefore(dateOf(i), lookback.years);
      while (start < i && dateOf(start) < from) start++;
    }
    starts[i] = start;
  }
  return starts;
}

/** As the option is written: "all", "2520", "10y" (JSON `parameters.lookback`). */
export function lookbackText(lookback: Lookback): string {
  return lookback.kind === "all" ? "all" : lookback.kind === "sessions" ? String(lookback.sessions) : `${lookback.years}y`;
}
