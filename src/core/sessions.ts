import type { IsoDate } from "./dates.js";
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
  // Most often every peer has the very same calendar: nothing is missing, and nothing is built.
  if (peers.every((series) => sameDates(series.dates, (peers[0] as PriceSeries).dates))) return missing;
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

function sameDates(a: readonly IsoDate[], b: readonly IsoDate[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
}
