import type { CheckResult, PairResult, SurgeResult, TickerResult } from "../core/check.js";
import { daysBetween } from "../core/dates.js";
import type { ValuationReport } from "../core/valuation.js";
import { formatNumber, formatPercent, formatPercentile, type PercentileBands } from "./format.js";

/**
 * The sentences a newsletter would write, only where something is notable: a fund's or a
 * pair's move ranked at or beyond the threshold, a long streak, a wide year-to-date gap, a
 * valuation spread near the edge of its history. Every number is the table's own figure.
 */
export interface HeadlineOptions {
  threshold: number;
  valuation?: ValuationReport | null;
}

/**
 * A "largest since" compared with a day fewer sessions ago than this is no news (a move smaller
 * than the day before's is "the largest since yesterday"): the headline is left out.
 */
export const NEWS_SESSIONS = 21;
/** A streak this long, last matched over a year ago (or never), is news. */
const NOTABLE_STREAK = 5;
/** A year-to-date gap of this many points between a pair's funds is news. */
const NOTABLE_YTD_GAP = 0.05;
/** A valuation spread at or beyond these percentiles is news. */
export const NOTABLE_VALUATION: PercentileBands = { low: 10, high: 90 };

const unsigned = (value: number): string => formatPercent(Math.abs(value)).replace(/^\+/, "");
const points = (value: number): string => `${formatNumber(Math.abs(value) * 100)} points`;
const signedPoints = (value: number): string => `${value >= 0 ? "+" : "-"}${formatNumber(Math.abs(value) * 100)} points`;

function notable(percentile: number | null, threshold: number): boolean {
  return percentile !== null && (percentile >= threshold || percentile <= 100 - threshold);
}

/** A comparison with a date at least NEWS_SESSIONS sessions back, or a record: news. */
function isNews(surge: SurgeResult): boolean {
  return surge.largestSinceSessions === null || surge.largestSinceSessions >= NEWS_SESSIONS;
}

/** Where a record's comparison starts: the history's first day ("on record"), or the lookback's ("in the ranked span"). */
function recordSpan(surge: SurgeResult, record: string): string {
  return surge.rankedFrom === null || surge.rankedFrom === surge.historyStart ? `${record} (since ${surge.historyStart})` : `in the ranked span (since ${surge.rankedFrom})`;
}

function fundHeadline(t: TickerResult, threshold: number): string | null {
  const { surge } = t;
  if (surge.value === null || !notable(surge.percentile, threshold) || !isNews(surge)) return null;
  const up = surge.value >= 0;
  const move = `${t.symbol} ${up ? "rose" : "fell"} ${unsigned(surge.value)} in the ${surge.window} trading days to ${t.date}`;
  const kind = `${surge.window}-day ${up ? "gain" : "loss"}`;
  const since =
    surge.largestSince === null || surge.largestSinceValue === null
      ? `its largest ${kind} ${recordSpan(surge, "on record")}`
      : `its largest ${kind} since ${surge.largestSince} (${formatPercent(surge.largestSinceValue)})`;
  return `${move}, ${since}.`;
}

function pairHeadline(p: PairResult, threshold: number): string | null {
  const { surge } = p;
  if (surge.value === null || !notable(surge.percentile, threshold) || !isNews(surge)) return null;
  const ahead = surge.value >= 0;
  const move = `${p.symbol} ${ahead ? "outran" : "trailed"} ${p.benchmark} by ${points(surge.value)} over ${surge.window} days to ${p.date}`;
  const kind = ahead ? "margin" : "shortfall";
  const since =
    surge.largestSince === null || surge.largestSinceValue === null
      ? `the largest ${kind} ${recordSpan(surge, "in the pair's history")}`
      : `the largest ${kind} since ${surge.largestSince} (${signedPoints(surge.largestSinceValue)})`;
  return `${move}, ${since}.`;
}

function streakHeadline(p: PairResult): string | null {
  const { streak } = p;
  if (streak.leader === null || streak.sessions < NOTABLE_STREAK || p.date === null) return null;
  if (streak.longestSince !== null && daysBetween(streak.longestSince, p.date) < 365) return null;
  const other = streak.leader === p.symbol ? p.benchmark : p.symbol;
  const since = streak.longestSince === null ? "the longest such streak on record" : `the longest such streak since ${streak.longestSince}`;
  return `${streak.leader} beat ${other} on ${streak.sessions} sessions in a row to ${p.date}, ${since}.`;
}

function ytdHeadline(p: PairResult, tickers: ReadonlyMap<string, TickerResult>): string | null {
  const gap = p.relative.ytd;
  const a = tickers.get(p.symbol)?.returns.ytd;
  const b = tickers.get(p.benchmark)?.returns.ytd;
  if (gap === null || a === null || a === undefined || b === null || b === undefined || Math.abs(gap) < NOTABLE_YTD_GAP) return null;
  const word = (r: number) => (r >= 0 ? "up" : "down");
  return `Year to date, ${p.symbol} is ${word(a)} ${unsigned(a)} and ${p.benchmark} ${word(b)} ${unsigned(b)}: ${p.symbol} ${gap >= 0 ? "leads" : "trails"} by ${points(gap)}, the widest gap among the pairs.`;
}

function valuationHeadlines(valuation: ValuationReport): string[] {
  const lines: string[] = [];
  for (const p of valuation.pairs) {
    const rank = p.trailing.rank;
    if (p.stale || rank === null || p.trailing.spread === null) continue;
    if (rank.percentile > NOTABLE_VALUATION.low && rank.percentile < NOTABLE_VALUATION.high) continue;
    const cheap = rank.percentile <= NOTABLE_VALUATION.low;
    lines.push(
      `${p.symbol}'s trailing P/E is ${formatNumber(Math.abs(p.trailing.spread))} ${p.trailing.spread < 0 ? "below" : "above"} ${p.benchmark}'s on ${p.date}, ` +
        `at percentile ${formatPercentile(rank.percentile, NOTABLE_VALUATION)} of the spread since ${rank.rankedFrom}: ${p.symbol} is ${cheap ? "unusually cheap" : "unusually dear"} against ${p.benchmark}.`,
    );
  }
  return lines;
}

export function headlinesOf(result: CheckResult, options: HeadlineOptions): string[] {
  const tickers = new Map(result.tickers.map((t) => [t.symbol, t]));
  const lines: string[] = [];
  for (const t of result.tickers) {
    const line = fundHeadline(t, options.threshold);
    if (line) lines.push(line);
  }
  for (const p of result.pairs) {
    for (const line of [pairHeadline(p, options.threshold), streakHeadline(p)]) if (line) lines.push(line);
  }
  // One sentence for the widest year-to-date gap: the same funds recur across pairs.
  const widest = [...result.pairs].filter((p) => p.relative.ytd !== null).sort((x, y) => Math.abs(y.relative.ytd!) - Math.abs(x.relative.ytd!))[0];
  const ytd = widest ? ytdHeadline(widest, tickers) : null;
  if (ytd) lines.push(ytd);
  if (options.valuation) lines.push(...valuationHeadlines(options.valuation));
  return lines;
}
