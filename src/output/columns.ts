import type { OutputStream } from "../runtime.js";
import { csvLine, toCsv, type CsvCell } from "./csv.js";

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

/**
 * JSON.stringify, with the C1 control characters (U+0080 to U+009F: U+009B starts a terminal
 * escape sequence, like ESC [) and the line separators U+2028 and U+2029 written as \u escapes:
 * text from a feed (an error message, a name) can reach stdout only as data, whatever reads it.
 */
export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(/[\u0080-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A JSON document or one NDJSON line per row, each with the report's schema version. */
export function jsonDocument(document: object): string {
  return `${jsonText(document, 2)}\n`;
}

/** One NDJSON line: the row as compact JSON and a line end. */
export const ndjsonLine = (row: object): string => `${jsonText(row)}\n`;

export function ndjsonLines(rows: readonly object[]): string {
  return rows.map(ndjsonLine).join("");
}

/**
 * Text in pieces for reports that grow with history (a thousand pairs' episodes are tens of
 * megabytes): written piece by piece, the whole text never exists at once, neither as a string
 * nor as the buffer a write makes of it. Joined, the pieces are exactly the one-string form.
 */
export type TextPieces = Iterable<string>;

/** Small pieces gathered into writes of about `size` characters: one write per row would be one system call per row. */
function* gathered(pieces: Iterable<string>, size = 1 << 16): Generator<string> {
  let batch: string[] = [];
  let length = 0;
  for (const piece of pieces) {
    batch.push(piece);
    length += piece.length;
    if (length >= size) {
      yield batch.join("");
      batch = [];
      length = 0;
    }
  }
  if (length > 0) yield batch.join("");
}

const indented = (json: string, spaces: string): string => json.replace(/\n/g, `\n${spaces}`);

const ROWS_PER_SLICE = 256;
const SLICE_OPENING = '{\n  "k": [\n';
const SLICE_CLOSING = "\n  ]\n}";

/** What JSON.stringify leaves out of an object. */
const omitted = (value: unknown): boolean => value === undefined || typeof value === "function" || typeof value === "symbol";

/** jsonDocument's text, in pieces: each element of a top-level array is stringified on its own. */
export function jsonDocumentPieces(document: Record<string, unknown>): TextPieces {
  return gathered(
    (function* () {
      const keys = Object.keys(document).filter((key) => !omitted(document[key]));
      if (keys.length === 0) {
        yield "{}\n";
        return;
      }
      yield "{\n";
      for (const [k, key] of keys.entries()) {
        const value = document[key];
        const name = `  ${jsonText(key)}: `;
        if (Array.isArray(value) && value.length > 0) {
          yield `${name}[\n`;
          // A slice of rows stringified as the array of a one-key object is indented exactly as
          // in the whole document: cut off the object's first two and last two lines.
          for (let from = 0; from < value.length; from += ROWS_PER_SLICE) {
            const json = jsonText({ k: value.slice(from, from + ROWS_PER_SLICE) }, 2);
            yield json.slice(SLICE_OPENING.length, json.length - SLICE_CLOSING.length);
            yield from + ROWS_PER_SLICE < value.length ? ",\n" : "\n";
          }
          yield "  ]";
        } else {
          yield `${name}${indented(jsonText(value, 2), "  ")}`;
        }
        yield k < keys.length - 1 ? ",\n" : "\n";
      }
      yield "}\n";
    })(),
  );
}

/** ndjsonLines' text, in pieces. */
export function ndjsonPieces<T>(rows: readonly T[], line: (row: T) => object): TextPieces {
  return gathered((function* () {
    for (const row of rows) yield ndjsonLine(line(row));
  })());
}

/** csvFromColumns' text, in pieces. */
export function csvPieces<T>(columns: readonly CsvColumn<T>[], rows: readonly T[]): TextPieces {
  return gathered((function* () {
    yield csvLine(columns.map((c) => c.name));
    for (const row of rows) yield csvLine(columns.map((c) => c.value(row)));
  })());
}

/**
 * Writes a report given whole or in pieces; between pieces it waits while the stream is full
 * (a pipe to a slower reader), so what is not yet read is never queued in memory.
 */
export async function writeText(stream: OutputStream, text: string | TextPieces): Promise<void> {
  if (typeof text === "string") {
    stream.write(text);
    return;
  }
  for (const piece of text) if (stream.write(piece) === false && stream.drain) await stream.drain();
}
