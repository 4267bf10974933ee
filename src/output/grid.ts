import type { ChalkInstance } from "chalk";
import { SIZES, STYLES, type GridCell } from "../core/grid.js";
import { SCHEMA_VERSIONS } from "../contract.js";
import { csvFromColumns, jsonDocument, ndjsonLines, type CsvColumn } from "./columns.js";
import { formatPercent, formatPercentile, lookbackWords, sourceNote, surgeBands, terminalSafe, visibleWidth } from "./format.js";
import { DEFAULTS } from "../settings/defaults.js";
import { drawTable, fitTitle, wrapLines } from "./table.js";
import type { IsoDate } from "../core/dates.js";
import type { SourceInfo } from "../sources/source.js";

/** The grid as its renderers read it (built by computeGrid in src/app/grid.ts, which imports this type). */
export interface GridReport {
  asOf: IsoDate;
  benchmark: string;
  window: number;
  /** What each surge was ranked against (--lookback, as written). */
  lookback: string;
  source: SourceInfo;
  cells: GridCell[];
  warnings: string[];
}

/** `rotation grid`: a 3 x 3 table per horizon (table), or one record per cell (JSON, NDJSON, CSV). */

const HORIZON_TITLES: Record<string, string> = { d5: "5-day", d21: "21-day", d63: "63-day", ytd: "year-to-date" };

/** Heat: the stronger the move, the bolder its colour (on a terminal; plain text elsewhere). */
function heat(value: number | null | undefined, style: ChalkInstance): string {
  const text = formatPercent(value);
  if (value === null || value === undefined || text === "0.00%") return text;
  const paint = value > 0 ? style.green : style.red;
  return Math.abs(value) >= 0.05 ? paint.bold(text) : Math.abs(value) >= 0.02 ? paint(text) : paint.dim(text);
}

function cellText(cell: GridCell | undefined, key: string, benchmark: string, style: ChalkInstance, compact: boolean): string {
  if (!cell?.symbol) return "—";
  if (cell.date === null) return `${terminalSafe(cell.symbol)} n/a`;
  const own = heat(cell.returns[key], style);
  // On a narrow terminal the relative return goes (it is the return less the benchmark's, shown in its cell).
  const relative = cell.relative && !compact ? ` (${formatPercent(cell.relative[key])} vs ${terminalSafe(benchmark)})` : "";
  return `${terminalSafe(cell.symbol)} ${own}${relative}`;
}

export function renderGridTable(report: GridReport, style: ChalkInstance, horizons: readonly string[], width?: number): string {
  const at = (size: string, st: string) => report.cells.find((c) => c.size === size && c.style === st);
  const lines = [fitTitle(style.bold(`Size x style as of ${report.asOf}`) + sourceNote(report.source), ` (against ${terminalSafe(report.benchmark)}; surge rank over ${report.window} days${report.lookback === "all" ? "" : `, against the last ${lookbackWords(report.lookback)}`})`, width)];
  for (const key of horizons) {
    const render = (compact: boolean): string => {
      const head = [HORIZON_TITLES[key] ?? `${key.slice(1)}-day`, ...STYLES].map((title) => style.bold(title));
      return drawTable(head, SIZES.map((size) => [size, ...STYLES.map((st) => cellText(at(size, st), key, report.benchmark, style, compact))]), 1);
    };
    const full = render(false);
    lines.push(width !== undefined && visibleWidth(full) > width ? render(true) : full);
  }
  const ranked = report.cells.filter((c) => c.surge?.percentile !== null && c.surge?.percentile !== undefined);
  if (ranked.length > 0) {
    lines.push(...wrapLines(`${report.window}-day surge rank against ${terminalSafe(report.benchmark)}: ${ranked.map((c) => `${terminalSafe(c.symbol!)} ${formatPercentile(c.surge!.percentile, surgeBands(DEFAULTS.threshold))}`).join(", ")}.`, width));
  }
  return `${lines.join("\n")}\n`;
}

export function gridToJson(report: GridReport): string {
  return jsonDocument({ schemaVersion: SCHEMA_VERSIONS.grid, asOf: report.asOf, benchmark: report.benchmark, window: report.window, lookback: report.lookback, source: report.source, cells: report.cells, warnings: report.warnings });
}

export function gridToNdjson(report: GridReport): string {
  return ndjsonLines(report.cells.map((cell) => ({ schemaVersion: SCHEMA_VERSIONS.grid, asOf: report.asOf, benchmark: report.benchmark, ...cell })));
}

type Row = GridCell & { asOf: string; benchmark: string };
const returnColumns = (prefix: "" | "rel", get: (row: Row) => GridCell["returns"] | null): CsvColumn<Row>[] =>
  (["d5", "d21", "d63", "ytd"] as const).map((key) => ({ name: prefix ? `rel${key === "ytd" ? "Ytd" : key.slice(1) + "d"}` : key === "ytd" ? "ytd" : `${key.slice(1)}d`, value: (row: Row) => get(row)?.[key] ?? null }));

export const GRID_CSV_COLUMNS: readonly CsvColumn<Row>[] = [
  { name: "asOf", value: (r) => r.asOf },
  { name: "size", value: (r) => r.size },
  { name: "style", value: (r) => r.style },
  { name: "symbol", value: (r) => r.symbol },
  { name: "date", value: (r) => r.date },
  ...returnColumns("", (r) => r.returns),
  ...returnColumns("rel", (r) => r.relative),
  { name: "benchmark", value: (r) => r.benchmark },
  { name: "surgeWindow", value: (r) => r.surge?.window ?? null },
  { name: "surge", value: (r) => r.surge?.value ?? null },
  { name: "percentile", value: (r) => r.surge?.percentile ?? null },
  { name: "largestSince", value: (r) => r.surge?.largestSince ?? null },
];

export function gridToCsv(report: GridReport): string {
  return csvFromColumns(GRID_CSV_COLUMNS, report.cells.map((cell) => ({ ...cell, asOf: report.asOf, benchmark: report.benchmark })));
}
