import type { IsoDate } from "./dates.js";
import { ratioExtremeIndices } from "./kernels.js";
import type { AlignedPair } from "./series.js";

/** Consecutive common sessions on which the same fund had the higher 1-day return. */
export interface Streak {
  /** The fund ahead on each of those sessions; null when the last session was a tie (or none). */
  leader: string | null;
  sessions: number;
  /** The latest earlier date on which a streak of the same leader at least as long ended; null for a record. */
  longestSince: IsoDate | null;
}

/** The price ratio A/B on the as-of date against its highest and lowest on the pair's common dates up to then. */
export interface RatioExtremes {
  value: number;
  peak: number;
  peakDate: IsoDate;
  /** value / peak - 1 (0 at the peak itself, negative below it). */
  fromPeak: number;
  trough: number;
  troughDate: IsoDate;
  /** value / trough - 1 (0 at the trough itself, positive above it). */
  fromTrough: number;
}

/** +1: A ahead, -1: B ahead, 0: equal 1-day returns (which ends any streak). */
function leaderOn(pair: AlignedPair, t: number): number {
  const a = (pair.a[t] as number) / (pair.a[t - 1] as number) - 1;
  const b = (pair.b[t] as number) / (pair.b[t - 1] as number) - 1;
  return a > b ? 1 : a < b ? -1 : 0;
}

/**
 * The streak that runs up to the last common session, and the latest earlier date on which a
 * streak of the same leader at least as long ended: one backward pass, no allocation.
 */
export function streakOf(pair: AlignedPair, names: { symbol: string; benchmark: string }): Streak {
  const n = pair.dates.length;
  if (n < 2) return { leader: null, sessions: 0, longestSince: null };
  const leader = leaderOn(pair, n - 1);
  if (leader === 0) return { leader: null, sessions: 0, longestSince: null };
  let t = n - 1;
  while (t >= 1 && leaderOn(pair, t) === leader) t--;
  const sessions = n - 1 - t;
  let longestSince: IsoDate | null = null;
  // Earlier runs, newest first: [start, end] of each run of the same leader.
  while (t >= 1) {
    if (leaderOn(pair, t) !== leader) {
      t--;
      continue;
    }
    const end = t;
    while (t >= 1 && leaderOn(pair, t) === leader) t--;
    if (end - t >= sessions) {
      longestSince = pair.dates[end] as IsoDate;
      break;
    }
  }
  return { leader: leader > 0 ? names.symbol : names.benchmark, sessions, longestSince };
}

export function ratioExtremesOf(pair: AlignedPair): RatioExtremes | null {
  const n = pair.dates.length;
  if (n === 0) return null;
  const { peak, trough, peakIndex, troughIndex } = ratioExtremeIndices(pair.a, pair.b, n);
  const value = (pair.a[n - 1] as number) / (pair.b[n - 1] as number);
  return { value, peak, peakDate: pair.dates[peakIndex] as IsoDate, fromPeak: value / peak - 1, trough, troughDate: pair.dates[troughIndex] as IsoDate, fromTrough: value / trough - 1 };
}
