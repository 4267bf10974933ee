import type { ChalkInstance } from "chalk";
import type { RrgOptions, RrgPoint } from "../core/rrg.js";
import type { SourceInfo } from "../sources/source.js";
import { toCsv } from "./csv.js";
import { formatNumber, NOT_AVAILABLE, terminalSafe } from "./format.js";
import { newTable, quadrantLabel } from "./table.js";

export const RRG_SCHEMA_VERSION = 1;

export interface RrgSymbolResult {
  symbol: string;
  /** The last `tail` points, oldest first; empty when the history is too short. */
  tail: RrgPoint[];
  travel: string | null;
}

export interface RrgReport {
  asOf: string;
  benchmark: string;
  source: SourceInfo;
  parameters: RrgOptions & { tail: number };
  symbols: RrgSymbolResult[];
  warnings: string[];
}

export function renderRrgTable(report: RrgReport, style: ChalkInstance): string {
  const table = newTable(["Symbol", "Date", "RS-Ratio", "RS-Momentum", "Quadrant", `Travel (last ${report.parameters.tail})`, "Tail"], style, 1);
  for (const item of report.symbols) {
    const last = item.tail.at(-1);
    table.push([
      terminalSafe(item.symbol),
      last?.date ?? NOT_AVAILABLE,
      formatNumber(last?.ratio),
      formatNumber(last?.momentum),
      last ? quadrantLabel(last.quadrant, style) : NOT_AVAILABLE,
      item.travel ?? NOT_AVAILABLE,
      item.tail.map((p) => p.quadrant[0]).join(" "),
    ]);
  }
  const { period, ratioWindow, momentumWindow, rocPeriods } = report.parameters;
  return [
    style.bold(`Relative rotation against ${terminalSafe(report.benchmark)} as of ${report.asOf}`) +
      ` (${period}; RS-Ratio z over ${ratioWindow}, RS-Momentum z over ${momentumWindow} of its ${rocPeriods}-period change)`,
    table.toString(),
    "Quadrants: Leading (ratio >= 100, momentum >= 100), Weakening (ratio >= 100, momentum < 100), Lagging (both < 100), Improving (ratio < 100, momentum >= 100).",
    "",
  ].join("\n");
}

export function rrgToJson(report: RrgReport): string {
  return `${JSON.stringify({ schemaVersion: RRG_SCHEMA_VERSION, ...report }, null, 2)}\n`;
}

export const RRG_CSV_HEADER = ["benchmark", "symbol", "date", "ratio", "momentum", "quadrant", "travel"] as const;

/** One row (CSV) or line (NDJSON) per tail point, oldest first within each fund. */
function rrgRows(report: RrgReport) {
  return report.symbols.flatMap((item) => item.tail.map((p) => ({ benchmark: report.benchmark, symbol: item.symbol, ...p, travel: item.travel })));
}

export function rrgToCsv(report: RrgReport): string {
  return toCsv(RRG_CSV_HEADER, rrgRows(report).map((r) => [r.benchmark, r.symbol, r.date, r.ratio, r.momentum, r.quadrant, r.travel]));
}

export function rrgToNdjson(report: RrgReport): string {
  return rrgRows(report).map((r) => `${JSON.stringify({ schemaVersion: RRG_SCHEMA_VERSION, ...r })}\n`).join("");
}
