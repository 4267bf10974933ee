import { createRequire } from "node:module";
import { DataError } from "../errors.js";

/** One record of a CSV file and the line it ends on (for messages that name the line). */
export interface CsvRecord {
  record: string[];
  info: { lines: number };
}

type CsvParseSync = typeof import("csv-parse/sync").parse;
let csvParse: CsvParseSync | undefined;

/**
 * The one full CSV reader (RFC 4180 quoting, BOM, CRLF), for price files with quotes and for
 * valuation imports. csv-parse is loaded the first time it is needed: most files never need it.
 */
export function readCsvRecords(text: string, file: string): CsvRecord[] {
  csvParse ??= (createRequire(import.meta.url)("csv-parse/sync") as { parse: CsvParseSync }).parse;
  try {
    return csvParse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: false, trim: true }) as unknown as CsvRecord[];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    const reason = error instanceof Error ? (error.message.split(/[:\n]/)[0] ?? "unreadable") : "unreadable";
    throw new DataError(`${file}${line ? `:${line}` : ""}: not a readable CSV file (${reason.replace(/^Invalid/, "invalid")})`);
  }
}
