import type { ChalkInstance } from "chalk";
import { MIN_VALUATION_MONTHS, type ValuationHistory, type ValuationHistorySplit } from "../core/size-valuation.js";
import type { PairValuation, SpreadFigures, ValuationReport } from "../core/valuation.js";
import { SCHEMA_VERSIONS } from "../contract.js";
import { csvFromColumns, jsonDocument, ndjsonLines, type CsvColumn } from "./columns.js";
import { formatBesideThresholds, formatNumber, formatPercent, formatPercentile, lookbackWords, NOT_AVAILABLE, terminalSafe } from "./format.js";
import { NOTABLE_VALUATION } from "./headlines.js";
import { fittingTable, wrapLines } from "./table.js";

/** The `rotation valuation` report (table, JSON, NDJSON, CSV) and the spreads table inside `check`. */

export function renderValuationTable(report: ValuationReport, style: ChalkInstance, width?: number): string {
  const funds = fittingTable(["Fund", "Date", "Trailing P/E", "Forward P/E", "Source"], [20, 10, 9, 8, 3], style, 1, width);
  for (const f of report.funds) funds.push([terminalSafe(f.symbol), f.date ?? NOT_AVAILABLE, formatNumber(f.trailingPE), formatNumber(f.forwardPE), terminalSafe(f.source ?? NOT_AVAILABLE)]);
  const pairs = fittingTable(["Pair", "Basis", "P/E date", "Spread", "Ratio", "Yield gap", "Pctile", "Ranked against"], [20, 20, 12, 10, 4, 5, 11, 6], style, 2, width);
  const notes: string[] = [];
  for (const p of report.pairs) {
    for (const figures of [p.trailing, p.forward]) {
      const rank = figures.rank;
      pairs.push([
        terminalSafe(p.pair),
        figures.basis,
        peDate(p),
        formatNumber(figures.spread),
        formatNumber(figures.ratio, 3),
        formatPercent(figures.yieldGap),
        rank ? formatPercentile(rank.percentile, NOTABLE_VALUATION) : NOT_AVAILABLE,
        rank ? `${rank.rankedFrom}..${rank.rankedTo} (${rank.observations})` : NOT_AVAILABLE,
      ]);
      if (figures.note) notes.push(`${p.pair} ${figures.basis}: ${figures.note}`);
    }
  }
  const lines = [style.bold(valuationTitle(report)) + (report.live ? " (live from Yahoo Finance)" : " (from the store)"), funds.toString(), pairs.toString()];
  for (const note of notes) lines.push(`n/a: ${terminalSafe(note)}`);
  lines.push(...historyLines(report.history ?? null, width));
  return `${lines.join("\n")}\n`;
}

/** The date of a pair's figures, marked when they are stale: no P/E is ever shown undated. */
function peDate(pair: PairValuation): string {
  if (pair.date === null) return NOT_AVAILABLE;
  return pair.stale ? `${pair.date} (stale)` : pair.date;
}

/** The title names the date the figures are from, not only the date asked for. */
function valuationTitle(report: ValuationReport): string {
  const dates = report.pairs.map((p) => p.date).filter((d): d is string => d !== null).sort();
  const newest = dates.at(-1);
  if (newest === undefined) return `Valuation spreads as of ${report.asOf}: no figures recorded`;
  const oldest = dates[0] as string;
  const from = oldest === newest ? newest : `${oldest} to ${newest}`;
  return from === report.asOf ? `Valuation spreads as of ${report.asOf}` : `Valuation spreads as of ${report.asOf}, figures from ${from}`;
}

/** The compact spreads table that `check` shows under its pairs. */
export function renderSpreadsTable(valuation: ValuationReport, style: ChalkInstance, width?: number): string {
  const spreads = fittingTable(["Valuation", "P/E date", "Trailing P/E spread", "Ratio", "Yield gap", "Pctile", "Forward P/E spread"], [20, 10, 12, 4, 5, 11, 6], style, 1, width);
  for (const p of valuation.pairs) {
    spreads.push([
      terminalSafe(p.pair),
      peDate(p),
      formatNumber(p.trailing.spread),
      formatNumber(p.trailing.ratio, 3),
      formatPercent(p.trailing.yieldGap),
      p.trailing.rank ? formatPercentile(p.trailing.rank.percentile, NOTABLE_VALUATION) : NOT_AVAILABLE,
      formatNumber(p.forward.spread),
    ]);
  }
  return spreads.toString();
}

export function valuationToJson(report: ValuationReport): string {
  return jsonDocument({ schemaVersion: SCHEMA_VERSIONS.valuation, ...report });
}

export function valuationToNdjson(report: ValuationReport): string {
  return ndjsonLines(report.pairs.map((p) => ({ schemaVersion: SCHEMA_VERSIONS.valuation, asOf: report.asOf, ...p })));
}

type SpreadRow = { asOf: string; pair: PairValuation; figures: SpreadFigures };

export const VALUATION_CSV_COLUMNS: readonly CsvColumn<SpreadRow>[] = [
  { name: "asOf", value: (r) => r.asOf },
  { name: "pair", value: (r) => r.pair.pair },
  { name: "basis", value: (r) => r.figures.basis },
  { name: "date", value: (r) => r.pair.date },
  { name: "stale", value: (r) => r.pair.stale },
  { name: "spread", value: (r) => r.figures.spread },
  { name: "ratio", value: (r) => r.figures.ratio },
  { name: "yieldGap", value: (r) => r.figures.yieldGap },
  { name: "percentile", value: (r) => r.figures.rank?.percentile ?? null },
  { name: "rankedFrom", value: (r) => r.figures.rank?.rankedFrom ?? null },
  { name: "rankedTo", value: (r) => r.figures.rank?.rankedTo ?? null },
  { name: "observations", value: (r) => r.figures.rank?.observations ?? null },
  { name: "note", value: (r) => r.figures.note },
];

export function valuationToCsv(report: ValuationReport): string {
  return csvFromColumns(
    VALUATION_CSV_COLUMNS,
    report.pairs.flatMap((pair) => [pair.trailing, pair.forward].map((figures) => ({ asOf: report.asOf, pair, figures }))),
  );
}

/** A share of months as whole percent, never across the 10/90 bands it is judged by. */
const months = (percentile: number): string => `${formatBesideThresholds(percentile, 0, (v) => (v >= NOTABLE_VALUATION.high ? 1 : v <= NOTABLE_VALUATION.low ? -1 : 0))}%`;

/**
 * The history in one sentence: "Small caps are cheaper against large caps than in 92% of the
 * last 20 years' months (…), on price-to-book, …, data to 2024-05 (…): a proxy, …". Every
 * figure dated; the proxy named; a percentile above 50 read as cheaper, below as dearer.
 */
export function historyReading(history: ValuationHistory): string {
  const split = history.splits.find((s) => s.split === history.split) ?? (history.splits[0] as ValuationHistorySplit);
  const span = history.lookback === "all" ? "all earlier months" : `the last ${lookbackWords(history.lookback)}`;
  const ranked = split.rankedFrom === null ? "" : ` (${split.rankedFrom} … ${split.rankedTo}, ${split.observations} months)`;
  const where =
    split.percentile === null
      ? `too few earlier months in ${span} to rank (${split.observations}, ${MIN_VALUATION_MONTHS} needed)`
      : split.percentile >= 50
        ? `small caps are cheaper against large caps than in ${months(split.percentile)} of ${span}${ranked}`
        : `small caps are dearer against large caps than in ${months(100 - split.percentile)} of ${span}${ranked}`;
  const figures = `book-to-market ${formatNumber(split.smallBookToMarket, 3)} vs ${formatNumber(split.largeBookToMarket, 3)}, ${formatNumber(split.ratio, 2)}x`;
  return `Valuation history: ${where}, on price-to-book (${figures}; Fama/French ${split.label}), data to ${split.month} (market caps of ${split.marketEquityAt}; CRSP vintage ${history.vintage ?? "unknown"}): a proxy, not the indexes' P/E.`;
}

/** The reading as lines for a terminal (none without a history). */
export function historyLines(history: ValuationHistory | null, width: number | undefined): string[] {
  return history === null ? [] : wrapLines(terminalSafe(historyReading(history)), width);
}
