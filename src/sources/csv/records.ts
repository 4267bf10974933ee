import { DataError } from "../../errors.js";
import { requireOnUse } from "../../boot/require-on-use.js";

/** One record of a CSV file and the line it ends on (for messages that name the line). */
export interface CsvRecord {
  record: string[];
  info: { lines: number };
}

type CsvParseModule = typeof import("csv-parse");
let csvParse: CsvParseModule["parse"] | undefined;

/** Text is fed to the parser in slices of this size, and its records taken out after each. */
const SLICE = 1 << 16;

function failure(file: string, error: unknown): DataError {
  const line = (error as { lines?: number }).lines;
  const reason = error instanceof Error ? (error.message.split(/[:\n]/)[0] ?? "unreadable") : "unreadable";
  return new DataError(`${file}${line ? `:${line}` : ""}: not a readable CSV file (${reason.replace(/^Invalid/, "invalid")})`);
}

/**
 * The one full CSV reader (RFC 4180 quoting, BOM, CRLF), for price files with quotes and for
 * valuation imports: each record is handed to `onRecord` as it is parsed and then dropped, so
 * memory never holds a large file's worth of records (csv-parse's streaming parser, fed slice by
 * slice and driven synchronously). csv-parse is loaded the first time it is needed.
 */
export function eachCsvRecord(text: string | Iterable<string>, file: string, onRecord: (record: CsvRecord) => void): void {
  csvParse ??= (requireOnUse("csv-parse") as CsvParseModule).parse;
  let thrown: unknown = null;
  let delivered = 0;
  const parser = csvParse({ bom: true, relax_column_count: true, trim: true, skip_empty_lines: false });
  // Records are taken as the parser pushes them, with the line it has reached: that is the
  // record's last line. (An on_record hook would give the same line, but csv-parse builds an
  // info object for every record to call it: 3 million rows took 6 s and 370 MB that way,
  // 1.6 s and 170 MB this way.)
  parser.on("data", (record: string[]) => {
    delivered++;
    if (thrown !== null) return;
    try {
      onRecord({ record, info: { lines: parser.info.lines } });
    } catch (error) {
      thrown = error;
    }
  });
  parser.on("error", () => undefined); // read synchronously from parser.errored below
  const check = (): void => {
    if (thrown !== null) throw thrown;
    if (parser.errored) throw failure(file, parser.errored);
  };
  for (const piece of typeof text === "string" ? [text] : text) {
    for (let at = 0; at < piece.length; at += SLICE) {
      parser.write(piece.slice(at, at + SLICE));
      check();
    }
  }
  parser.end();
  check();
  // Streams deliver a flowing record as it is pushed (Node 20 to 26 do): were one ever held
  // back, its line would be wrong and it would come after we return. Never silently.
  if (delivered !== parser.info.records) throw new Error(`csv-parse delivered ${delivered} of ${parser.info.records} records of ${file} as they were parsed`);
}

/** Every record of a small CSV file at once (a valuation import). */
export function readCsvRecords(text: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  eachCsvRecord(text, file, (record) => records.push(record));
  return records;
}
