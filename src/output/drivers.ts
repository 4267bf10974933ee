import type { ChalkInstance } from "chalk";
import type { SurgeResult } from "../core/check.js";
import type { IsoDate } from "../core/dates.js";
import { linkOf, type DriverFigures, type DriverSpec } from "../core/drivers.js";
import { SCHEMA_VERSIONS } from "../contract.js";
import type { SourceInfo } from "../sources/source.js";
import { windowWords, type CalendarWindow } from "../core/calendars/windows.js";
import { csvFromColumns, jsonDocument, ndjsonLines, type CsvColumn } from "./columns.js";
import { formatPercent, formatPercentile, formatSigned, lookbackWords, NOT_AVAILABLE, sourceNote, surgeBands, terminalSafe } from "./format.js";
import { fitTable, fitTitle, wrapLines, type Column } from "./table.js";
import { DEFAULTS } from "../settings/defaults.js";

/** A driver as the report describes it. */
export interface DriverInfo {
  id: string;
  kind: DriverSpec["kind"];
  label: string;
  /** What one unit of the driver's daily move is: a return (0.01 = 1%) or percentage points of yield. */
  unit: "return" | "percentage points";
  /** FRED publishes a day's value the next day: the figures end the day before the as-of date. */
  publishedNextDay: boolean;
  fetchedAt?: string;
  url?: string;
}

/** A named context pair (breadth proxy) and its surge, beside the size pairs. */
export interface ContextPair {
  pair: string;
  symbol: string;
  benchmark: string;
  name: string;
  date: IsoDate | null;
  surge: SurgeResult;
}

/** `rotation drivers` as its renderers read it (built by computeDrivers in src/app/drivers.ts). */
export interface DriversReport {
  asOf: IsoDate;
  /** Sessions of returns in each rolling figure. */
  window: number;
  /** The context pairs' surge window. */
  surgeWindow: number;
  lookback: string;
  source: SourceInfo;
  drivers: DriverInfo[];
  pairs: (DriverFigures & { reading: string })[];
  context: ContextPair[];
  warnings: string[];
}

const signed = (value: number | null) => formatSigned(value);
const percentile = (value: number | null) => (value === null ? NOT_AVAILABLE : value.toFixed(0));

type Row = DriversReport["pairs"][number];

/** The table's columns; `keep` says which go last on a narrow terminal (the answer: r and its rank). */
function columns(): Column<Row>[] {
  return [
    { header: "Pair", cell: (r) => terminalSafe(r.pair), keep: 100 },
    { header: "Driver", cell: (r) => terminalSafe(r.driver), keep: 100 },
    { header: "Corr", cell: (r) => signed(r.correlation.value), keep: 90 },
    { header: "90% interval", cell: (r) => (r.correlation.interval ? `${signed(r.correlation.interval[0])} to ${signed(r.correlation.interval[1])}` : NOT_AVAILABLE), keep: 60 },
    { header: "Pctile", cell: (r) => percentile(r.correlation.percentile), keep: 80 },
    { header: "Beta", cell: (r) => signed(r.beta.value), keep: 50 },
    { header: "Beta w/ bench", cell: (r) => signed(r.betaWithBenchmark.value), keep: 40 },
    { header: "Its pctile", cell: (r) => percentile(r.betaWithBenchmark.percentile), keep: 30 },
    { header: "Window", cell: (r) => (r.from && r.date ? `${r.from}..${r.date}` : NOT_AVAILABLE), keep: 10 },
  ];
}

export function renderDriversTable(report: DriversReport, style: ChalkInstance, width?: number): string {
  // The span the percentiles were ranked against, as check's title gives it (the widest; "or fewer" when rows differ).
  const ranked = report.pairs.map((r) => r.correlation).filter((c) => c.rankedFrom !== null && c.rankedTo !== null);
  const from = ranked.map((c) => c.rankedFrom as string).sort()[0];
  const to = ranked.map((c) => c.rankedTo as string).sort().at(-1);
  const alike = ranked.every((c) => c.rankedFrom === from && c.rankedTo === to);
  const span = from && to ? `, ${from} … ${to}${alike ? "" : " or fewer"}` : "";
  const details = ` (${report.window}-session rolling figures of daily relative returns; percentiles against ${report.lookback === "all" ? "all earlier days" : `the last ${lookbackWords(report.lookback)}`}${span})`;
  const lines = [fitTitle(style.bold(`Drivers as of ${report.asOf}`) + sourceNote(report.source), details, width)];
  lines.push(fitTable(columns(), report.pairs, style, 2, width).trimEnd());
  for (const info of report.drivers) {
    const note = info.kind === "yield" ? `${info.id}: ${info.label} (a yield rises when a bond fund falls: its sign is opposite to IEF's; beta per percentage point; a day's value is used from the next day, when FRED publishes it).` : `${info.id}: ${info.label}.`;
    lines.push(...wrapLines(note, width));
  }
  for (const row of report.pairs) lines.push(...wrapLines(row.reading, width));
  if (report.context.length > 0) {
    lines.push("", style.bold(`Breadth context (${report.surgeWindow}-day surge; proxies, not constituent breadth)`));
    for (const c of report.context) {
      lines.push(...wrapLines(`${terminalSafe(c.pair)} (${c.name}): ${formatPercent(c.surge.value)} to ${c.date ?? NOT_AVAILABLE}, percentile ${formatPercentile(c.surge.percentile, surgeBands(DEFAULTS.threshold))}.`, width));
    }
  }
  return `${lines.join("\n")}\n`;
}

export function driversToJson(report: DriversReport): string {
  return jsonDocument({ schemaVersion: SCHEMA_VERSIONS.drivers, asOf: report.asOf, window: report.window, surgeWindow: report.surgeWindow, lookback: report.lookback, source: report.source, drivers: report.drivers, pairs: report.pairs, context: report.context, warnings: report.warnings });
}

export function driversToNdjson(report: DriversReport): string {
  return ndjsonLines(report.pairs.map((row) => ({ schemaVersion: SCHEMA_VERSIONS.drivers, asOf: report.asOf, ...row })));
}

type CsvRow = Row & { asOf: IsoDate };

/** One column list for the CSV (a row per pair and driver). */
export const DRIVERS_CSV_COLUMNS: readonly CsvColumn<CsvRow>[] = [
  { name: "asOf", value: (r) => r.asOf },
  { name: "pair", value: (r) => r.pair },
  { name: "driver", value: (r) => r.driver },
  { name: "date", value: (r) => r.date },
  { name: "from", value: (r) => r.from },
  { name: "window", value: (r) => r.window },
  { name: "correlation", value: (r) => r.correlation.value },
  { name: "correlationLow", value: (r) => r.correlation.interval?.[0] ?? null },
  { name: "correlationHigh", value: (r) => r.correlation.interval?.[1] ?? null },
  { name: "correlationPercentile", value: (r) => r.correlation.percentile },
  { name: "beta", value: (r) => r.beta.value },
  { name: "betaPercentile", value: (r) => r.beta.percentile },
  { name: "betaWithBenchmark", value: (r) => r.betaWithBenchmark.value },
  { name: "betaWithBenchmarkPercentile", value: (r) => r.betaWithBenchmark.percentile },
  { name: "benchmarkBeta", value: (r) => r.betaWithBenchmark.benchmarkBeta },
  { name: "observations", value: (r) => r.correlation.observations },
  { name: "rankedFrom", value: (r) => r.correlation.rankedFrom },
  { name: "rankedTo", value: (r) => r.correlation.rankedTo },
  { name: "reason", value: (r) => r.reason },
];

export function driversToCsv(report: DriversReport): string {
  return csvFromColumns(DRIVERS_CSV_COLUMNS, report.pairs.map((row) => ({ ...row, asOf: report.asOf })));
}

/** What check, log and report show beside the size pairs: drivers, breadth and the calendar at the as-of date. */
export interface CheckContext {
  asOf: IsoDate;
  /** The calendar windows that hold the as-of date (the Russell reconstitution window, January). */
  calendar: CalendarWindow[];
  /** Each pair against the default drivers (rates, credit) whose funds are at hand. */
  drivers: DriversReport["pairs"];
  /** The breadth proxies whose funds are at hand. */
  breadth: ContextPair[];
  /** What was left out, and why (never an error). */
  notes: string[];
}

/** A pair's rolling correlation with a driver, day by day (report's chart); null where there is none. */
export interface CorrelationHistory {
  pair: string;
  driver: string;
  dates: IsoDate[];
  correlation: (number | null)[];
}

/**
 * check's one context line: the first pair against rates (and credit), the breadth proxies and
 * the calendar windows at the as-of date; null when none of them is at hand.
 */
export function contextLine(context: CheckContext, surgeWindow: number): string | null {
  const parts: string[] = [];
  const first = context.drivers[0]?.pair;
  const rows = context.drivers.filter((row) => row.pair === first && row.correlation.value !== null);
  if (rows.length > 0) {
    parts.push(
      `${terminalSafe(first ?? "")} ${rows
        .map((row) => {
          const r = row.correlation;
          const link = linkOf(r);
          const rank = r.percentile === null ? "" : `, higher than on ${r.percentile.toFixed(0)}% of earlier days`;
          return `${link} ${terminalSafe(row.driver)} (${row.window}-day correlation ${signed(r.value)}${r.interval ? `, 90% ${signed(r.interval[0])} to ${signed(r.interval[1])}` : ""}${rank})`;
        })
        .join(" and ")}`,
    );
  }
  if (context.breadth.length > 0) {
    parts.push(`breadth ${context.breadth.map((c) => `${terminalSafe(c.pair)} ${formatPercent(c.surge.value)} over ${surgeWindow} days (percentile ${formatPercentile(c.surge.percentile, surgeBands(DEFAULTS.threshold))})`).join(", ")}`);
  }
  if (context.calendar.length > 0) parts.push(`${context.asOf} is inside ${context.calendar.map(windowWords).join(" and ")}`);
  return parts.length === 0 ? null : `Context to ${context.asOf}: ${parts.join("; ")}.`;
}
