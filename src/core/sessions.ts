import { lastIndexOnOrBefore, type IsoDate } from "./dates.js";
import type { PriceSeries } from "./series.js";

/**
 * Sessions a series lacks that its peers have: for each series, the dates inside its own first
 * and last date that more of the other series covering that date have than lack. Peers are the
 * series of one exchange calendar (the caller groups them). A fund listed later, or delisted,
 * is judged only inside its own span.
 */
export function missingSessions(peers: readonly PriceSeries[]): Map<string, IsoDate[]> {
  const missing = new Map<string, IsoDate[]>();
  if (peers.length < 2) return missing;
  // Most often every peer's calendar is a stretch of the longest one (funds listed later than
  // their benchmark): then nothing is missing, and nothing is built.
  if (stretchesOfLongest(peers)) return missing;
  const have = new Map<IsoDate, number>();
  for (const series of peers) for (const date of series.dates) have.set(date, (have.get(date) ?? 0) + 1);
  const union = [...have.keys()].sort();
  const indexOf = new Map(union.map((date, i) => [date, i]));
  const spans = peers.map((series) => ({ series, first: series.dates[0], last: series.dates.at(-1) }));
  for (const { series, first, last } of spans) {
    if (first === undefined || last === undefined) continue;
    const from = indexOf.get(first) as number;
    const to = indexOf.get(last) as number;
    // A series with every date of the union inside its span lacks nothing (the common case: fast).
    if (to - from + 1 === series.dates.length) continue;
    const own = new Set(series.dates);
    const lacking: IsoDate[] = [];
    for (let i = from + 1; i < to; i++) {
      const date = union[i] as IsoDate;
      if (own.has(date)) continue;
      const count = have.get(date) as number;
      // Of the other series whose span covers this date, how many have it and how many lack it.
      let covering = 0;
      for (const other of spans) if (other.series !== series && other.first !== undefined && other.last !== undefined && other.first <= date && date <= other.last) covering++;
      if (count > covering - count) lacking.push(date);
    }
    if (lacking.length > 0) missing.set(series.symbol, lacking);
  }
  return missing;
}

/** Whether every series' dates are a contiguous stretch of the longest series' dates. */
function stretchesOfLongest(peers: readonly PriceSeries[]): boolean {
  const longest = peers.reduce((a, b) => (b.dates.length > a.dates.length ? b : a)).dates;
  for (const { dates } of peers) {
    if (dates === longest || dates.length === 0) continue;
    const at = lastIndexOnOrBefore(longest, dates[0] as IsoDate);
    if (at < 0 || longest[at] !== dates[0] || at + dates.length > longest.length) return false;
    for (let i = dates.length - 1; i >= 0; i--) if (longest[at + i] !== dates[i]) return false;
  }
  return true;
}
