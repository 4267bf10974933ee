import { toCsv, type CsvCell } from "./csv.js";

/** One CSV column of a report: its header and how to read it from a row. */
export interface CsvColumn<T> {
  name: string;
  value: (row: T) => CsvCell;
}

/** The header and the rows from one column list, so a column can never miss its header. */
export function csvFromColumns<T>(columns: readonly CsvColumn<T>[], rows: readonly T[]): string {
  return toCsv(
    columns.map((c) => c.name),
    rows.map((row) => columns.map((c) => c.value(row))),
  );
}

/** A JSON document or one NDJSON line per row, each with the report's schema version. */
export function jsonDocument(document: object): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function ndjsonLines(rows: readonly object[]): string {
  return rows.map((row) => `${JSON.stringify(row)}\n`).join("");
}
