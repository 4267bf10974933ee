import { parse } from "csv-parse/sync";
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

/**
 * Reads one price file in any of the accepted layouts: `Date,Close` (already adjusted),
 * Yahoo's download (`...,Close,Adj Close,...`: the adjusted column wins) or Stooq's
 * (`Date,Open,High,Low,Close,Volume`). Rows may come in any order.
 */
interface CsvRow {
  cells: string[];
  /** 1-based line number where the row ends, for error messages. */
  line: number;
}

/** Quotes or old Mac line ends need the full CSV parser; plain files are split directly. */
const NEEDS_FULL_PARSER = /"|\r(?!\n)/;

function splitPlainCsv(text: string): CsvRow[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split("\n");
  const rows: CsvRow[] = new Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const cells = (line.endsWith("\r") ? line.slice(0, -1) : line).split(",");
    for (let c = 0; c < cells.length; c++) cells[c] = (cells[c] as string).trim();
    rows[i] = { cells, line: i + 1 };
  }
  return rows;
}

function parseFullCsv(text: string, file: string): CsvRow[] {
  try {
    const records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: false,
      trim: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
    return records.map(({ record, info }) => ({ cells: record, line: info.lines }));
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    const reason = error instanceof Error ? (error.message.split(/[:\n]/)[0] ?? "unreadable") : "unreadable";
    throw new DataError(`${file}${line ? `:${line}` : ""}: not a readable CSV file (${reason.replace(/^Invalid/, "invalid")})`);
  }
}

/**
 * Reads one price file in any of the accepted layouts: `Date,Close` (already adjusted),
 * Yahoo's download (`...,Close,Adj Close,...`: the adjusted column wins) or Stooq's
 * (`Date,Open,High,Low,Close,Volume`). Rows may come in any order.
 */
export function parsePriceCsv(text: string, file: string, symbol: string, options: CsvParseOptions): ParsedCsv {
  const rows = NEEDS_FULL_PARSER.test(text) ? parseFullCsv(text, file) : splitPlainCsv(text);
  const header = rows[0];
  if (!header || (rows.length <= 2 && header.cells.every((cell) => cell === ""))) throw new DataError(`${file}: file is empty`);
  const names = header.cells.map((cell) => cell.toLowerCase().replace(/[\s_]+/g, " ").trim());
  const dateColumn = names.indexOf("date");
  const adjusted = names.findIndex((name) => name === "adj close" || name === "adjclose");
  const priceColumn = adjusted >= 0 ? adjusted : names.indexOf("close");
  if (dateColumn < 0 || priceColumn < 0) {
    throw new DataError(`${file}:${header.line}: header needs Date and Close (or Adj Close) columns, found "${header.cells.join(",").slice(0, 80)}"`);
  }

  const warnings: string[] = [];
  const reject = (line: number, reason: string): void => {
    if (!options.lenient) throw new DataError(`${file}:${line}: ${reason}`);
    warnings.push(`${file}:${line}: ${reason}; row skipped (--lenient)`);
  };

  const dates: IsoDate[] = [];
  const closes: number[] = [];
  const lines: number[] = [];
  let ascending = true;
  for (let r = 1; r < rows.length; r++) {
    const { cells, line } = rows[r] as CsvRow;
    if (cells.every((cell) => cell === "")) {
      // A trailing newline is not a blank row; anything after it is.
      if (r === rows.length - 1) continue;
      reject(line, "blank line");
      continue;
    }
    const date = cells[dateColumn] ?? "";
    const priceText = cells[priceColumn] ?? "";
    if (!isIsoDate(date)) {
      reject(line, `date "${date.slice(0, 40)}" is not a YYYY-MM-DD calendar date`);
      continue;
    }
    if (!NUMBER.test(priceText)) {
      reject(line, `price "${priceText.slice(0, 40)}" is not a number`);
      continue;
    }
    const close = Number(priceText);
    if (!(close > 0) || !Number.isFinite(close)) {
      reject(line, `price ${priceText} is not positive`);
      continue;
    }
    if (dates.length > 0 && date <= (dates[dates.length - 1] as IsoDate)) ascending = false;
    dates.push(date);
    closes.push(close);
    lines.push(line);
  }
  if (dates.length === 0) throw new DataError(`${file}: no price rows`);
  if (ascending) return { series: { symbol, dates, closes }, warnings };

  // Out of order or duplicated: sort by date, keeping file order among equal dates.
  const order = dates.map((_, index) => index).sort((x, y) => ((dates[x] as IsoDate) < (dates[y] as IsoDate) ? -1 : (dates[x] as IsoDate) > (dates[y] as IsoDate) ? 1 : x - y));
  const sorted: PriceSeries = { symbol, dates: [], closes: [] };
  let previous = -1;
  for (const index of order) {
    const date = dates[index] as IsoDate;
    if (previous >= 0 && dates[previous] === date) {
      reject(lines[index] as number, `duplicate date ${date} (first on line ${lines[previous]})`);
      continue;
    }
    sorted.dates.push(date);
    sorted.closes.push(closes[index] as number);
    previous = index;
  }
  return { series: sorted, warnings };
}
