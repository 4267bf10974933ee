import { createRequire } from "node:module";
import { isIsoDate, type IsoDate } from "../core/dates.js";
import type { PriceSeries } from "../core/series.js";
import { DataError } from "../errors.js";

export interface CsvParseOptions {
  /** Skip bad rows with a warning instead of refusing the file. */
  lenient: boolean;
}

export interface ParsedCsv {
  series: PriceSeries;
  warnings: string[];
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Quotes or old Mac line ends need the full CSV parser; plain files are scanned directly. */
const NEEDS_FULL_PARSER = /"|\r(?!\n)/;

/**
 * Every series of a run shares one string per calendar date: a thousand funds over the same
 * 26 years then hold 6,600 date strings, not 6.6 million.
 */
const internedDates = new Map<string, IsoDate>();
function intern(date: string): IsoDate {
  const known = internedDates.get(date);
  if (known !== undefined) return known;
  // Ten characters are below V8's sliced-string minimum, so `date` is already its own copy.
  internedDates.set(date, date);
  return date;
}

/** Collects rows, validating each; the same rules whichever way the file was split. */
class RowCollector {
  readonly dates: IsoDate[] = [];
  readonly closes: number[] = [];
  readonly lines: number[] = [];
  readonly warnings: string[] = [];
  private ascending = true;

  constructor(
    private readonly file: string,
    private readonly lenient: boolean,
  ) {}

  reject(line: number, reason: string): void {
    if (!this.lenient) throw new DataError(`${this.file}:${line}: ${reason}`);
    this.warnings.push(`${this.file}:${line}: ${reason}; row skipped (--lenient)`);
  }

  add(line: number, date: string, priceText: string): void {
    if (!isIsoDate(date)) {
      this.reject(line, `date "${date.slice(0, 40)}" is not a YYYY-MM-DD calendar date`);
      return;
    }
    if (!NUMBER.test(priceText)) {
      this.reject(line, `price "${priceText.slice(0, 40)}" is not a number`);
      return;
    }
    const close = Number(priceText);
    if (!(close > 0) || !Number.isFinite(close)) {
      this.reject(line, `price ${priceText} is not positive`);
      return;
    }
    const last = this.dates.length - 1;
    if (last >= 0 && date <= (this.dates[last] as IsoDate)) this.ascending = false;
    this.dates.push(intern(date));
    this.closes.push(close);
    this.lines.push(line);
  }

  finish(symbol: string): ParsedCsv {
    if (this.dates.length === 0) throw new DataError(`${this.file}: no price rows`);
    if (this.ascending) return { series: { symbol, dates: this.dates, closes: this.closes }, warnings: this.warnings };
    // Out of order or duplicated: sort by date, keeping file order among equal dates.
    const { dates, closes, lines } = this;
    const order = dates.map((_, i) => i).sort((x, y) => ((dates[x] as IsoDate) < (dates[y] as IsoDate) ? -1 : (dates[x] as IsoDate) > (dates[y] as IsoDate) ? 1 : x - y));
    const sorted: PriceSeries = { symbol, dates: [], closes: [] };
    let previous = -1;
    for (const index of order) {
      const date = dates[index] as IsoDate;
      if (previous >= 0 && dates[previous] === date) {
        this.reject(lines[index] as number, `duplicate date ${date} (first on line ${lines[previous]})`);
        continue;
      }
      sorted.dates.push(date);
      sorted.closes.push(closes[index] as number);
      previous = index;
    }
    return { series: sorted, warnings: this.warnings };
  }
}

interface Columns {
  date: number;
  price: number;
}

function findColumns(cells: string[], file: string, line: number): Columns {
  const names = cells.map((cell) => cell.toLowerCase().replace(/[\s_]+/g, " ").trim());
  const date = names.indexOf("date");
  const adjusted = names.findIndex((name) => name === "adj close" || name === "adjclose");
  const price = adjusted >= 0 ? adjusted : names.indexOf("close");
  if (date < 0 || price < 0) {
    throw new DataError(`${file}:${line}: header needs Date and Close (or Adj Close) columns, found "${cells.join(",").slice(0, 80)}"`);
  }
  return { date, price };
}

/** The n-th comma-separated cell of text[start, end), trimmed; "" when the row is shorter. */
function cellAt(text: string, start: number, end: number, n: number): string {
  let from = start;
  for (let i = 0; i < n; i++) {
    const comma = text.indexOf(",", from);
    if (comma < 0 || comma >= end) return "";
    from = comma + 1;
  }
  const comma = text.indexOf(",", from);
  return text.slice(from, comma < 0 || comma > end ? end : comma).trim();
}

function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 44 && c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/** Plain files (no quotes) are read straight from the text, with no per-row arrays. */
function parsePlain(text: string, file: string, symbol: string, options: CsvParseOptions): ParsedCsv {
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let end = text.indexOf("\n", start);
  if (end < 0) end = text.length;
  const headerEnd = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
  const headerCells = text.slice(start, headerEnd).split(",").map((c) => c.trim());
  if (headerCells.every((c) => c === "") && text.length - end <= 1) throw new DataError(`${file}: file is empty`);
  const columns = findColumns(headerCells, file, 1);
  const rows = new RowCollector(file, options.lenient);
  let line = 1;
  while (end < text.length) {
    start = end + 1;
    line++;
    end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const contentEnd = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    if (isBlank(text, start, contentEnd)) {
      // A trailing newline is not a blank row; anything after it is.
      if (end >= text.length - 1 && isBlank(text, start, text.length)) break;
      rows.reject(line, "blank line");
      continue;
    }
    rows.add(line, cellAt(text, start, contentEnd, columns.date), cellAt(text, start, contentEnd, columns.price));
  }
  return rows.finish(symbol);
}

type CsvParseSync = typeof import("csv-parse/sync").parse;
let csvParse: CsvParseSync | undefined;

/** The full CSV parser, loaded the first time a file has quotes (most price files have none). */
function fullParser(): CsvParseSync {
  csvParse ??= (createRequire(import.meta.url)("csv-parse/sync") as { parse: CsvParseSync }).parse;
  return csvParse;
}

function parseQuoted(text: string, file: string, symbol: string, options: CsvParseOptions): ParsedCsv {
  const parse = fullParser();
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: false, trim: true }) as unknown as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    const reason = error instanceof Error ? (error.message.split(/[:\n]/)[0] ?? "unreadable") : "unreadable";
    throw new DataError(`${file}${line ? `:${line}` : ""}: not a readable CSV file (${reason.replace(/^Invalid/, "invalid")})`);
  }
  const header = records[0];
  if (!header || (records.length <= 2 && header.record.every((cell) => cell === ""))) throw new DataError(`${file}: file is empty`);
  const columns = findColumns(header.record, file, header.info.lines);
  const rows = new RowCollector(file, options.lenient);
  for (let r = 1; r < records.length; r++) {
    const { record, info } = records[r] as (typeof records)[number];
    if (record.every((cell) => cell === "")) {
      if (r === records.length - 1) continue;
      rows.reject(info.lines, "blank line");
      continue;
    }
    rows.add(info.lines, record[columns.date] ?? "", record[columns.price] ?? "");
  }
  return rows.finish(symbol);
}

/**
 * Reads one price file in any of the accepted layouts: `Date,Close` (already adjusted),
 * Yahoo's download (`...,Close,Adj Close,...`: the adjusted column wins) or Stooq's
 * (`Date,Open,High,Low,Close,Volume`). Rows may come in any order.
 */
export function parsePriceCsv(text: string, file: string, symbol: string, options: CsvParseOptions): ParsedCsv {
  if (text.length === 0) throw new DataError(`${file}: file is empty`);
  return NEEDS_FULL_PARSER.test(text) ? parseQuoted(text, file, symbol, options) : parsePlain(text, file, symbol, options);
}
