import type { ChalkInstance } from "chalk";
import type { CheckResult, PairResult, SuspectFigure, SurgeResult, TickerResult } from "../core/check.js";
import type { Returns } from "../core/returns.js";
import type { ValuationHistory } from "../core/size-valuation.js";
import type { ValuationReport } from "../core/valuation.js";
import { SCHEMA_VERSIONS } from "../contract.js";
import type { SourceInfo } from "../sources/source.js";
import { csvFromColumns, jsonDocument, ndjsonLine, type CsvColumn } from "./columns.js";
import { formatNumber, formatPercent, formatPercentile, formatSigned, NOT_AVAILABLE, sourceNote, surgeBands, terminalSafe } from "./format.js";
import { DEFAULTS } from "../settings/defaults.js";
import { colourReturn, fitTable, quadrantLabel, signalLabel, type Column, wrapLines } from "./table.js";
import { historyLines, renderSpreadsTable } from "./valuation.js";
import { contextLine, type CheckContext } from "./drivers.js";

/** The `rotation check` report: table, JSON, NDJSON and CSV. */

const RETURN_HEADERS = ["1D", "5D", "21D", "63D", "252D", "YTD"];

function largestSinceLabel(pair: PairResult, mixed: boolean): string {
  if (pair.surge.percentile === null) return NOT_AVAILABLE;
  const date = pair.surge.largestSince ?? "record";
  // Under a header that cannot say which (gains and losses in one table), each cell says it.
  return mixed ? `${(pair.surge.value ?? 0) < 0 ? "loss" : "gain"} ${date}` : date;
}

/**
 * "Largest since" means the largest gain for a positive surge and the largest loss (the most
 * negative) for a negative one: the header says which, or each cell when the table has both.
 */
function largestSinceHeader(pairs: readonly PairResult[]): { header: string; mixed: boolean } {
  const ranked = pairs.filter((p) => p.surge.percentile !== null && p.surge.value !== null);
  const losses = ranked.filter((p) => (p.surge.value as number) < 0).length;
  if (losses === 0) return { header: "Largest gain since", mixed: false };
  if (losses === ranked.length) return { header: "Largest loss since", mixed: false };
  return { header: "Largest since", mixed: true };
}

/** Which suspect figure each return column is. */
const SUSPECT_FIGURE_OF = { d1: "1D", d5: "5D", d21: "21D", d63: "63D", d252: "252D", ytd: "YTD" } as const satisfies Record<string, SuspectFigure>;

export interface CheckTableOptions {
  valuation?: ValuationReport | null;
  sparklines?: ReadonlyMap<string, string> | null;
  /** Terminal width: columns of least weight are dropped until the tables fit. */
  width?: number;
  /** Where the prices came from: the bundled sample is named in the title. */
  source?: SourceInfo;
  /** Sentences under the tables (see headlinesOf). */
  headlines?: readonly string[];
  /** The signal threshold: no figure is shown on the other side of it. */
  threshold?: number;
  /** The Fama/French valuation history (null: not cached; undefined: not asked for). */
  history?: ValuationHistory | null;
  /** Drivers, breadth and calendar beside the pairs: one line under the tables when any is at hand. */
  context?: CheckContext;
}

/**
 * What the pairs' percentiles were ranked against, for the title: " (pairs ranked against
 * 2014-07-16 … 2024-07-15, 2,516 sessions)"; when pairs differ (a younger fund), the widest
 * span and "or fewer".
 */
export function rankedSpanNote(surges: readonly SurgeResult[]): string {
  const ranked = surges.filter((s) => s.percentile !== null && s.rankedFrom !== null && s.rankedTo !== null);
  if (ranked.length === 0) return "";
  const from = ranked.map((s) => s.rankedFrom as string).reduce((a, b) => (a < b ? a : b));
  const to = ranked.map((s) => s.rankedTo as string).reduce((a, b) => (a > b ? a : b));
  const most = Math.max(...ranked.map((s) => s.observations));
  const alike = ranked.every((s) => s.observations === most && s.rankedFrom === from);
  return ` (pairs ranked against ${from} … ${to}, ${most.toLocaleString("en-US")} sessions${alike ? "" : " or fewer"})`;
}

export function renderCheckTable(result: CheckResult, style: ChalkInstance, options: CheckTableOptions = {}): string {
  const { valuation = null, sparklines = null, width, source, headlines = [], threshold = DEFAULTS.threshold, history, context } = options;
  const bands = surgeBands(threshold);
  const window = result.pairs[0]?.surge.window ?? 5;
  // A figure whose window holds a kept suspect bar (core/ticks.ts) carries a "!".
  type Marked = { suspect?: { figures: readonly SuspectFigure[] }; missing?: { figures: readonly SuspectFigure[] } };
  const mark = (row: Marked, figure: SuspectFigure, text: string): string => (row.suspect?.figures.includes(figure) || row.missing?.figures.includes(figure) ? `${text}!` : text);
  const returnColumns = <T extends Marked>(get: (row: T) => Returns, prefix: string, duplicateOfSurge = false): Column<T>[] =>
    (["d1", "d5", "d21", "d63", "d252", "ytd"] as const).map((key, i) => ({
      header: `${prefix}${RETURN_HEADERS[i]}`,
      cell: (row: T) => mark(row, SUSPECT_FIGURE_OF[key], colourReturn(get(row)[key], style)),
      // A pair's 5-day relative return is its surge at the default window: dropped first.
      keep: duplicateOfSurge && key === "d5" && window === 5 ? -1 : { d1: 7, d5: 9, d21: 6, d63: 3, d252: 4, ytd: 5 }[key],
    }));
  const tickers = fitTable<TickerResult>(
    [
      { header: "Ticker", cell: (t) => terminalSafe(t.symbol), keep: 10 },
      { header: "Group", cell: (t) => t.group, keep: 10 },
      // A date the same on every row is the title's "as of", not a column.
      ...(result.tickers.every((t) => t.date === result.asOf) ? [] : [{ header: "Date", cell: (t: TickerResult) => t.date, keep: 7 }]),
      { header: "Close", cell: (t) => formatNumber(t.close), keep: 1 },
      ...returnColumns<TickerResult>((t) => t.returns, ""),
      { header: `Pctile ${window}D`, cell: (t) => mark(t, "rank", formatPercentile(t.surge.percentile, bands)), keep: 8 },
    ],
    result.tickers,
    style,
    2,
    width,
  );

  // Each fund's size group, so that a signal is labelled by the group that surged (MID-SURGE for IJH).
  const groupOf = new Map(result.tickers.map((t) => [t.symbol, t.group as string]));
  const groupsOf = (pair: string) => {
    const [fund, benchmark] = pair.split(":");
    return { fund: groupOf.get(fund ?? ""), benchmark: groupOf.get(benchmark ?? "") };
  };
  const since = largestSinceHeader(result.pairs);
  const pairs = fitTable<PairResult>(
    [
      { header: "Pair", cell: (p) => (p.signal ? style.bold(terminalSafe(p.pair)) : terminalSafe(p.pair)), keep: 20 },
      ...returnColumns<PairResult>((p) => p.relative, "Rel ", true),
      { header: `Surge ${window}D`, cell: (p) => mark(p, "surge", p.signal ? style.bold(formatPercent(p.surge.value)) : formatPercent(p.surge.value)), keep: 20 },
      { header: "z", cell: (p) => formatSigned(p.surge.zScore), keep: 8 },
      { header: "Pctile", cell: (p) => mark(p, "rank", formatPercentile(p.surge.percentile, bands)), keep: 19 },
      { header: since.header, cell: (p) => largestSinceLabel(p, since.mixed), keep: 18 },
      { header: "Signal", cell: (p) => signalLabel(p.signal, style, groupsOf(p.pair)), keep: 20 },
      { header: "RRG", cell: (p) => (p.rrg ? quadrantLabel(p.rrg.quadrant, style) : NOT_AVAILABLE), keep: 7 },
      { header: "Streak", cell: (p) => (p.streak.leader ? `${terminalSafe(p.streak.leader)} ${p.streak.sessions}` : "—"), keep: 4 },
      { header: "From peak", cell: (p) => mark(p, "ratio", formatPercent(p.ratio?.fromPeak)), keep: 3 },
      ...(sparklines ? [{ header: "63D ratio", cell: (p: PairResult) => sparklines.get(p.pair) ?? "", keep: 5.5 }] : []),
    ],
    result.pairs,
    style,
    1,
    width,
  );

  const lines = [
    style.bold(`Size rotation as of ${result.asOf}`) + sourceNote(source) + rankedSpanNote(result.pairs.map((p) => p.surge)),
    tickers,
    pairs,
  ];
  if (valuation) lines.push(renderSpreadsTable(valuation, style, width));
  const provisional = result.tickers.filter((t) => t.provisional);
  if (provisional.length > 0) {
    lines.push(
      style.yellow(`Provisional: the session of ${provisional[0]!.date} has not closed (16:00 New York); ${provisional.map((t) => terminalSafe(t.symbol)).join(", ")} show${provisional.length === 1 ? "s" : ""} its price so far, and every figure using it will change.`),
    );
  }
  const suspectRows = [...result.tickers, ...result.pairs].filter((row) => row.suspect !== undefined);
  if (suspectRows.length > 0) {
    const dates = [...new Set(result.tickers.flatMap((t) => (t.suspect ? t.suspect.dates.map((d) => `${terminalSafe(t.symbol)} ${d}`) : [])))];
    lines.push(style.yellow(`Suspect: a one-day move beyond the bounds of a price (${dates.join(", ")}) was kept: no split explains it and the next session did not take it back. Figures marked ! count it.`));
  }
  const gaps = [...new Set(result.tickers.flatMap((t) => (t.missing ? t.missing.dates.map((d) => `${terminalSafe(t.symbol)} ${d}`) : [])))];
  if (gaps.length > 0) lines.push(style.yellow(`Missing: no close for ${gaps.join(", ")}, a session its peers have. Figures marked ! span it.`));
  const merged = new Set<string>();
  if (result.signals.length === 0) {
    lines.push("No rotation signal.");
  } else {
    for (const signal of result.signals) {
      const what = signal.signal === "small-surge" ? "outran" : "trailed";
      const [a, b] = signal.pair.split(":");
      const label = signalLabel(signal.signal, style, groupsOf(signal.pair));
      const rank = `(percentile ${formatPercentile(signal.percentile, bands)})`;
      // One sentence per fact: the pair's margin headline, when there is one, carries the signal.
      const margin = headlines.find((h) => !merged.has(h) && h.startsWith(`${a} ${what} ${b} by `));
      if (margin !== undefined) {
        merged.add(margin);
        const comma = margin.indexOf(", ");
        const sentence = comma < 0 ? `${margin.replace(/\.$/, "")} ${rank}.` : `${margin.slice(0, comma)} ${rank}${margin.slice(comma)}`;
        lines.push(`${label} ${terminalSafe(sentence)}`);
        continue;
      }
      lines.push(`${label} ${terminalSafe(a ?? "")} ${what} ${terminalSafe(b ?? "")} by ${formatPercent(Math.abs(signal.value))} over ${window} days ${rank}.`);
    }
  }
  for (const headline of headlines) if (!merged.has(headline)) lines.push(terminalSafe(headline));
  if (history) lines.push(...historyLines(history, width));
  else if (history === null) lines.push("Valuation history: not downloaded yet (`rotation valuation` fetches the Fama/French data once a month; check reads it from the cache).");
  const said = context ? contextLine(context, window) : null;
  if (said !== null) lines.push(...wrapLines(said, width));
  return `${lines.join("\n")}\n`;
}

export interface CheckJsonContext {
  source: SourceInfo;
  window: number;
  threshold: number;
  lookback: string;
  valuation: ValuationReport | null;
  history: ValuationHistory | null;
  headlines: string[];
  context?: CheckContext;
}

export function checkToJson(result: CheckResult, context: CheckJsonContext): string {
  const document = {
    schemaVersion: SCHEMA_VERSIONS.check,
    asOf: result.asOf,
    source: context.source,
    parameters: { window: context.window, threshold: context.threshold, lookback: context.lookback },
    tickers: result.tickers,
    pairs: result.pairs,
    signals: result.signals,
    // With no store, a history alone still makes a valuation object (its funds and pairs empty).
    valuation:
      context.valuation || context.history
        ? { asOf: context.valuation?.asOf ?? result.asOf, live: context.valuation?.live ?? false, funds: context.valuation?.funds ?? [], pairs: context.valuation?.pairs ?? [], history: context.history }
        : null,
    headlines: context.headlines,
    ...(context.context ? { context: context.context } : {}),
    warnings: result.warnings,
  };
  return jsonDocument(document);
}

/** One line per pair, each a complete JSON object that carries its own date and version. */
export function checkToNdjson(result: CheckResult): string {
  return result.pairs.map((pair) => checkNdjsonLine(pair, result.asOf)).join("");
}

/** A pair's NDJSON line (what a streamed run writes as soon as the pair is computed). */
export function checkNdjsonLine(pair: PairResult, asOf: string): string {
  return ndjsonLine({ schemaVersion: SCHEMA_VERSIONS.check, asOf, ...pair });
}

type PairRow = PairResult & { asOf: string };

export const CHECK_CSV_COLUMNS: readonly CsvColumn<PairRow>[] = [
  { name: "asOf", value: (p) => p.asOf },
  { name: "pair", value: (p) => p.pair },
  { name: "symbol", value: (p) => p.symbol },
  { name: "benchmark", value: (p) => p.benchmark },
  { name: "date", value: (p) => p.date },
  { name: "rel1d", value: (p) => p.relative.d1 },
  { name: "rel5d", value: (p) => p.relative.d5 },
  { name: "rel21d", value: (p) => p.relative.d21 },
  { name: "rel63d", value: (p) => p.relative.d63 },
  { name: "rel252d", value: (p) => p.relative.d252 },
  { name: "relYtd", value: (p) => p.relative.ytd },
  { name: "window", value: (p) => p.surge.window },
  { name: "surge", value: (p) => p.surge.value },
  { name: "zScore", value: (p) => p.surge.zScore },
  { name: "percentile", value: (p) => p.surge.percentile },
  { name: "largestSince", value: (p) => p.surge.largestSince },
  { name: "historyStart", value: (p) => p.surge.historyStart },
  { name: "observations", value: (p) => p.surge.observations },
  { name: "signal", value: (p) => p.signal },
  { name: "rrgQuadrant", value: (p) => p.rrg?.quadrant ?? null },
  { name: "provisional", value: (p) => p.provisional },
  { name: "largestSinceValue", value: (p) => p.surge.largestSinceValue },
  { name: "streakLeader", value: (p) => p.streak.leader },
  { name: "streakSessions", value: (p) => p.streak.sessions },
  { name: "streakLongestSince", value: (p) => p.streak.longestSince },
  { name: "ratio", value: (p) => p.ratio?.value ?? null },
  { name: "ratioPeak", value: (p) => p.ratio?.peak ?? null },
  { name: "ratioPeakDate", value: (p) => p.ratio?.peakDate ?? null },
  { name: "ratioFromPeak", value: (p) => p.ratio?.fromPeak ?? null },
  { name: "ratioTrough", value: (p) => p.ratio?.trough ?? null },
  { name: "ratioTroughDate", value: (p) => p.ratio?.troughDate ?? null },
  { name: "ratioFromTrough", value: (p) => p.ratio?.fromTrough ?? null },
  { name: "rankedFrom", value: (p) => p.surge.rankedFrom },
  { name: "rankedTo", value: (p) => p.surge.rankedTo },
];

export function checkToCsv(result: CheckResult): string {
  return csvFromColumns(CHECK_CSV_COLUMNS, result.pairs.map((p) => ({ ...p, asOf: result.asOf })));
}
