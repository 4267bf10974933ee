import type { ChalkInstance } from "chalk";
import { SCHEMA_VERSIONS } from "../contract.js";
import type { JournalRecord } from "../store/record.js";
import { csvFromColumns, jsonDocument, ndjsonLines, type CsvColumn } from "./columns.js";
import { formatPercent, formatPercentile, formatSigned, NOT_AVAILABLE, surgeBands, terminalSafe } from "./format.js";
import { DEFAULTS } from "../settings/defaults.js";
import { fittingTable, signalLabel } from "./table.js";

/** `rotation history`: the journal's records as a table, JSON, NDJSON or CSV. */

export interface HistoryReport {
  journal: string;
  records: JournalRecord[];
  warnings: string[];
}

/** The threshold a record was made with (a record edited by hand may lack it). */
function thresholdOf(record: JournalRecord): number {
  const threshold = (record.parameters as { threshold?: unknown } | undefined)?.threshold;
  return typeof threshold === "number" && Number.isFinite(threshold) ? threshold : DEFAULTS.threshold;
}

export function renderHistoryTable(report: HistoryReport, style: ChalkInstance, width?: number): string {
  const { records } = report;
  const table = fittingTable(["Date", "Pair", "Surge", "Pctile", "z", "Largest since", "Signal"], [20, 20, 10, 12, 3, 6, 15], style, 2, width);
  for (const record of records) {
    for (const pair of record.pairs) {
      table.push([
        terminalSafe(String(record.asOf)),
        terminalSafe(String(pair.pair)),
        formatPercent(pair.surge),
        formatPercentile(pair.percentile, surgeBands(thresholdOf(record))),
        formatSigned(pair.zScore),
        pair.percentile === null ? NOT_AVAILABLE : terminalSafe(pair.largestSince ?? "record"),
        signalLabel(pair.signal, style),
      ]);
    }
  }
  const title = style.bold(`Journal ${terminalSafe(report.journal)}: ${records.length} record${records.length === 1 ? "" : "s"}`);
  return `${title}\n${records.length > 0 ? `${table.toString()}\n` : ""}`;
}

export function historyToJson(report: HistoryReport): string {
  return jsonDocument({ schemaVersion: SCHEMA_VERSIONS.journal, journal: report.journal, records: report.records, warnings: report.warnings });
}

export function historyToNdjson(report: HistoryReport): string {
  return ndjsonLines(report.records);
}

type PairRow = { record: JournalRecord; pair: JournalRecord["pairs"][number] };

export const HISTORY_CSV_COLUMNS: readonly CsvColumn<PairRow>[] = [
  { name: "asOf", value: (r) => r.record.asOf },
  { name: "writtenAt", value: (r) => r.record.writtenAt },
  { name: "configKey", value: (r) => r.record.configKey },
  { name: "pair", value: (r) => r.pair.pair },
  { name: "date", value: (r) => r.pair.date },
  { name: "surge", value: (r) => r.pair.surge },
  { name: "percentile", value: (r) => r.pair.percentile },
  { name: "zScore", value: (r) => r.pair.zScore },
  { name: "largestSince", value: (r) => r.pair.largestSince },
  { name: "relative5", value: (r) => r.pair.relative5 },
  { name: "signal", value: (r) => r.pair.signal },
];

export function historyToCsv(report: HistoryReport): string {
  return csvFromColumns(HISTORY_CSV_COLUMNS, report.records.flatMap((record) => record.pairs.map((pair) => ({ record, pair }))));
}
