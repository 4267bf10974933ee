import type { PairResult, SurgeResult, TickerResult } from "./check.js";
import { daysBetween } from "./dates.js";
import type { PairValuation } from "./valuation.js";

/**
 * What is news, decided here, beside the figures it judges; src/output/headlines.ts only words
 * it. A fund's or a pair's move ranked at or beyond the threshold (against a day far enough
 * back), a long streak, a wide year-to-date gap, a valuation spread near the edge of its history.
 */

/**
 * A "largest since" compared with a day fewer sessions ago than this is no news (a move smaller
 * than the day before's is "the largest since yesterday").
 */
export const NEWS_SESSIONS = 21;
/** A streak this long, last matched over a year ago (or never), is news. */
export const NOTABLE_STREAK = 5;
/** A year-to-date gap of this many points between a pair's funds is news. */
export const NOTABLE_YTD_GAP = 0.05;
/** A valuation spread at or beyond these percentiles is news (and marked in tables). */
export const NOTABLE_VALUATION = { low: 10, high: 90 } as const;

/** A percentile at or beyond the threshold, either way. */
export function isBeyondThreshold(percentile: number | null, threshold: number): boolean {
  return percentile !== null && (percentile >= threshold || percentile <= 100 - threshold);
}

/** A surge ranked beyond the threshold whose "largest since" reaches at least NEWS_SESSIONS back (or is a record). */
export function isNotableSurge(surge: SurgeResult, threshold: number): boolean {
  if (surge.value === null || !isBeyondThreshold(surge.percentile, threshold)) return false;
  return surge.largestSinceSessions === null || surge.largestSinceSessions >= NEWS_SESSIONS;
}

/** A streak of NOTABLE_STREAK sessions or more, not matched within the year before. */
export function isNotableStreak(pair: PairResult): boolean {
  const { streak } = pair;
  if (streak.leader === null || streak.sessions < NOTABLE_STREAK || pair.date === null) return false;
  return streak.longestSince === null || daysBetween(streak.longestSince, pair.date) >= 365;
}

/** The pair with the widest year-to-date gap, when that gap is NOTABLE_YTD_GAP or more and both funds have a year-to-date return. */
export function widestYtdGap(pairs: readonly PairResult[], tickers: ReadonlyMap<string, TickerResult>): PairResult | null {
  const widest = [...pairs].filter((p) => p.relative.ytd !== null).sort((x, y) => Math.abs(y.relative.ytd!) - Math.abs(x.relative.ytd!))[0];
  if (widest === undefined || Math.abs(widest.relative.ytd!) < NOTABLE_YTD_GAP) return null;
  const a = tickers.get(widest.symbol)?.returns.ytd;
  const b = tickers.get(widest.benchmark)?.returns.ytd;
  return a === null || a === undefined || b === null || b === undefined ? null : widest;
}

/** "cheap" or "dear" for a fresh trailing spread ranked at or beyond NOTABLE_VALUATION; null otherwise. */
export function notableValuation(pair: PairValuation): "cheap" | "dear" | null {
  const rank = pair.trailing.rank;
  if (pair.stale || rank === null || pair.trailing.spread === null) return null;
  if (rank.percentile <= NOTABLE_VALUATION.low) return "cheap";
  if (rank.percentile >= NOTABLE_VALUATION.high) return "dear";
  return null;
}
