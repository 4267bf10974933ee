import type { CheckResult, PairResult, SurgeResult, TickerResult } from "../core/check.js";
import { isNotableStreak, isNotableSurge, NOTABLE_VALUATION, notableValuation, widestYtdGap } from "../core/notable.js";
import type { ValuationReport } from "../core/valuation.js";
import { formatNumber, formatPercent, formatPercentile } from "./format.js";

export { NEWS_SESSIONS, NOTABLE_VALUATION } from "../core/notable.js";

/**
 * The sentences a newsletter would write, only where something is notable (the rules are the
 * core's: src/core/notable.ts). Every number is the table's own figure.
 */
export interface HeadlineOptions {
  threshold: number;
  valuation?: ValuationReport | null;
}

const unsigned = (value: number): string => formatPercent(Math.abs(value)).replace(/^\+/, "");
const points = (value: number): string => `${formatNumber(Math.abs(value) * 100)} points`;
const signedPoints = (value: number): string => `${value >= 0 ? "+" : "-"}${formatNumber(Math.abs(value) * 100)} points`;

/** Where a record's comparison starts: the history's first day ("on record"), or the lookback's ("in the ranked span"). */
function recordSpan(surge: SurgeResult, record: string): string {
  return surge.rankedFrom === null || surge.rankedFrom === surge.historyStart ? `${record} (since ${surge.historyStart})` : `in the ranked span (since ${surge.rankedFrom})`;
}

function fundHeadline(t: TickerResult, threshold: number): string | null {
  const { surge } = t;
  if (surge.value === null || !isNotableSurge(surge, threshold)) return null;
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
  if (surge.value === null || !isNotableSurge(surge, threshold)) return null;
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
  if (!isNotableStreak(p) || streak.leader === null) return null;
  const other = streak.leader === p.symbol ? p.benchmark : p.symbol;
  const since = streak.longestSince === null ? "the longest such streak on record" : `the longest such streak since ${streak.longestSince}`;
  return `${streak.leader} beat ${other} on ${streak.sessions} sessions in a row to ${p.date}, ${since}.`;
}

/** The pair widestYtdGap chose: its gap and both funds' year-to-date returns are known. */
function ytdHeadline(p: PairResult, tickers: ReadonlyMap<string, TickerResult>): string {
  const gap = p.relative.ytd as number;
  const a = tickers.get(p.symbol)!.returns.ytd as number;
  const b = tickers.get(p.benchmark)!.returns.ytd as number;
  const word = (r: number) => (r >= 0 ? "up" : "down");
  return `Year to date, ${p.symbol} is ${word(a)} ${unsigned(a)} and ${p.benchmark} ${word(b)} ${unsigned(b)}: ${p.symbol} ${gap >= 0 ? "leads" : "trails"} by ${points(gap)}, the widest gap among the pairs.`;
}

function valuationHeadlines(valuation: ValuationReport): string[] {
  const lines: string[] = [];
  for (const p of valuation.pairs) {
    const reading = notableValuation(p);
    const rank = p.trailing.rank;
    if (reading === null || rank === null || p.trailing.spread === null) continue;
    const cheap = reading === "cheap";
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
  const widest = widestYtdGap(result.pairs, tickers);
  if (widest) lines.push(ytdHeadline(widest, tickers));
  if (options.valuation) lines.push(...valuationHeadlines(options.valuation));
  return lines;
}
