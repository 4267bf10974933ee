import type { ChalkInstance } from "chalk";
import type { Quadrant, RrgOptions, RrgSymbolResult } from "../core/rrg.js";
import type { SourceInfo } from "../sources/source.js";
import { SCHEMA_VERSIONS } from "../contract.js";
import { csvFromColumns, jsonDocument, ndjsonLines, type CsvColumn } from "./columns.js";
import { formatNumber, NOT_AVAILABLE, sourceNote, terminalSafe } from "./format.js";
import { fitTitle, fittingTable, quadrantLabel, wrapLines } from "./table.js";


export interface RrgReport {
  asOf: string;
  benchmark: string;
  source: SourceInfo;
  parameters: RrgOptions & { tail: number };
  symbols: RrgSymbolResult[];
  warnings: string[];
}

/** Two letters per quadrant, none shared: Leading and Lagging must not both read "L". */
export const QUADRANT_CODE: Record<Quadrant, string> = { Leading: "LE", Weakening: "WE", Lagging: "LA", Improving: "IM" };

export function renderRrgTable(report: RrgReport, style: ChalkInstance, width?: number): string {
  // A date that is the same on every row (the as-of date, in the title) is no column.
  const oneDate = report.symbols.every((item) => item.tail.at(-1)?.date === report.asOf);
  const head = ["Symbol", ...(oneDate ? [] : ["Date"]), "RS-Ratio", "RS-Momentum", "Quadrant", `Travel (last ${report.parameters.tail})`, "Tail"];
  const table = fittingTable(head, [20, ...(oneDate ? [] : [6]), 9, 8, 15, 12, 4], style, 1, width);
  for (const item of report.symbols) {
    const last = item.tail.at(-1);
    table.push([
      terminalSafe(item.symbol),
      ...(oneDate ? [] : [last?.date ?? NOT_AVAILABLE]),
      formatNumber(last?.ratio),
      formatNumber(last?.momentum),
      last ? quadrantLabel(last.quadrant, style) : NOT_AVAILABLE,
      item.travel ?? NOT_AVAILABLE,
      item.tail.map((p) => QUADRANT_CODE[p.quadrant]).join(" "),
    ]);
  }
  const { period, ratioWindow, momentumWindow, rocPeriods, smoothing } = report.parameters;
  const trend = smoothing ? `SMA ${smoothing.short} / SMA ${smoothing.long} of the price ratio` : "the price ratio";
  const drawn = table.toString();
  return [
    fitTitle(
      style.bold(`Relative rotation against ${terminalSafe(report.benchmark)} as of ${report.asOf}`) + sourceNote(report.source),
      ` (${period}; RS-Ratio z over ${ratioWindow} of ${trend}, RS-Momentum z over ${momentumWindow} of its ${rocPeriods}-period change)`,
      width,
    ),
    drawn,
    ...wrapLines("Quadrants: Leading (ratio >= 100, momentum >= 100), Weakening (ratio >= 100, momentum < 100), Lagging (both < 100), Improving (ratio < 100, momentum >= 100).", width),
    // The legend of the tail's codes only when the tail is shown.
    ...(table.shows("Tail") ? ["Tail, oldest first: LE Leading, WE Weakening, LA Lagging, IM Improving."] : []),
    "",
  ].join("\n");
}

export function rrgToJson(report: RrgReport): string {
  return jsonDocument({ schemaVersion: SCHEMA_VERSIONS.rrg, ...report });
}

type TailRow = ReturnType<typeof rrgRows>[number];

/** One row (CSV) or line (NDJSON) per tail point, oldest first within each fund. */
function rrgRows(report: RrgReport) {
  return report.symbols.flatMap((item) => item.tail.map((p) => ({ benchmark: report.benchmark, symbol: item.symbol, ...p, travel: item.travel })));
}

export const RRG_CSV_COLUMNS: readonly CsvColumn<TailRow>[] = [
  { name: "benchmark", value: (r) => r.benchmark },
  { name: "symbol", value: (r) => r.symbol },
  { name: "date", value: (r) => r.date },
  { name: "ratio", value: (r) => r.ratio },
  { name: "momentum", value: (r) => r.momentum },
  { name: "quadrant", value: (r) => r.quadrant },
  { name: "travel", value: (r) => r.travel },
];

export function rrgToCsv(report: RrgReport): string {
  return csvFromColumns(RRG_CSV_COLUMNS, rrgRows(report));
}

export function rrgToNdjson(report: RrgReport): string {
  return ndjsonLines(rrgRows(report).map((r) => ({ schemaVersion: SCHEMA_VERSIONS.rrg, ...r })));
}
