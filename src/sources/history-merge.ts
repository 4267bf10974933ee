import type { IsoDate } from "../core/dates.js";
import type { Closes } from "../core/series.js";
import { sortedPlace } from "../core/sorted.js";
import type { CacheEntry } from "./price-cache.js";

/** One download from the provider: bars on exchange dates, and the corporate actions in it. */
export interface FetchedHistory {
  timezone: string;
  dates: IsoDate[];
  close: number[];
  adjclose: number[];
  events: string[];
  /** The exchange's regular session current at the answer (see CacheEntry.session), when the feed says. */
  session?: { date: IsoDate; start: number; end: number };
}

/** Cached bars re-asked for on each incremental fetch, to see whether adjustments moved. */
export const OVERLAP_BARS = 5;
/** Adjusted/raw ratios that agree this closely are the same adjustment, printed differently. */
const FACTOR_TOLERANCE = 1e-6;

export type MergeOutcome =
  /** `kept`: the bars of the cached history kept as they were (the rest replaced by the download's). */
  | { kind: "merged"; entry: CacheEntry; kept: number }
  | { kind: "refetch"; reason: string };

/**
 * Adds an incremental download to the cached history, or says why the whole history must be
 * fetched again. Adjusted closes are rescaled by Yahoo after every dividend or split, so the
 * adjustment factor (adjclose / close) on the overlapping days must be unchanged and the
 * download must bring no corporate action the cache has not seen.
 */
export function mergeIncremental(cached: CacheEntry, fetched: FetchedHistory, fetchedAt: string): MergeOutcome {
  const known = new Set(cached.events);
  const newEvent = fetched.events.find((event) => !known.has(event));
  if (newEvent) return { kind: "refetch", reason: `new corporate action ${newEvent}` };
  if (fetched.dates.length === 0) return { kind: "refetch", reason: "no bars in the overlap" };

  // A binary search of the cache's dates (strictly increasing, checked on read), not an index
  // of all of them: a next-day download brings a handful of bars against thousands cached.
  const cachedIndex = (date: IsoDate): number => indexOfDate(cached.dates, date);
  let overlap = 0;
  const newestCached = cached.dates.length - 1;
  for (let i = 0; i < fetched.dates.length; i++) {
    const index = cachedIndex(fetched.dates[i] as IsoDate);
    if (index < 0) continue;
    overlap++;
    const before = (cached.adjclose[index] as number) / (cached.close[index] as number);
    const after = (fetched.adjclose[i] as number) / (fetched.close[i] as number);
    if (Math.abs(after / before - 1) > FACTOR_TOLERANCE) {
      return { kind: "refetch", reason: `adjustment changed on ${fetched.dates[i]}` };
    }
    // Yahoo's raw close is split-adjusted too: a split that arrives without its event moves the
    // raw closes of the overlap and leaves the factor alone. The newest cached bar may have been
    // a session in progress, so only its factor is compared.
    if (index < newestCached && Math.abs((fetched.close[i] as number) / (cached.close[index] as number) - 1) > FACTOR_TOLERANCE) {
      return { kind: "refetch", reason: `close of ${fetched.dates[i]} changed (a split without its event?)` };
    }
  }
  if (overlap === 0) return { kind: "refetch", reason: "download does not overlap the cache" };
  // A session the download has, dated before the cache's end, that the cache lacks: the cache
  // has a hole (an answer that dropped a bar), which only the whole history mends.
  const cachedEnd = cached.dates[newestCached] as IsoDate;
  const hole = fetched.dates.find((date) => date < cachedEnd && cachedIndex(date) < 0);
  if (hole !== undefined) return { kind: "refetch", reason: `the cache lacks the session of ${hole}` };

  const firstFetched = fetched.dates[0] as IsoDate;
  const cut = sortedPlace(cached.dates, firstFetched);
  return {
    kind: "merged",
    kept: cut,
    entry: {
      ...cached,
      fetchedAt,
      timezone: fetched.timezone,
      // concat and typed copies, not spreads: a fund's 8,000 cached bars are copied in one move.
      dates: cached.dates.slice(0, cut).concat(fetched.dates),
      close: joined(cached.close, cut, fetched.close),
      adjclose: joined(cached.adjclose, cut, fetched.adjclose),
      events: [...cached.events, ...fetched.events.filter((event) => !known.has(event))],
      ...(fetched.session ? { session: fetched.session } : { session: undefined }),
    },
  };
}

/** The index of `date` in increasing `dates`, or -1. */
function indexOfDate(dates: readonly IsoDate[], date: IsoDate): number {
  const at = sortedPlace(dates, date);
  return at < dates.length && dates[at] === date ? at : -1;
}

/** The first `cut` values of `head`, then `tail`, as one Float64Array (a merge, and a cache log's record applied). */
export function joined(head: Closes, cut: number, tail: readonly number[]): Float64Array {
  const out = new Float64Array(cut + tail.length);
  out.set(head.length === cut ? head : head instanceof Float64Array ? head.subarray(0, cut) : head.slice(0, cut));
  out.set(tail, cut);
  return out;
}
