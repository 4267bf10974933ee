import { isIsoDate, type IsoDate } from "../../core/dates.js";
import type { PriceSeries } from "../../core/series.js";
import { DataError } from "../../errors.js";
import { DECIMAL_PATTERN, printable } from "../../core/text.js";
import { eachCsvRecord, type CsvRecord } from "./records.js";
import { sharedCalendar } from "../calendars.js";

export interface CsvParseOptions {
  /** Skip bad rows with a warning instead of refusing the file. */
  lenient: boolean;
  /**
   * The latest date a row may carry (today somewhere on earth: see latestDateAnywhere); a row
   * dated later is a typo or a clock, never a price. Unset, only the earliest date is checked.
   */
  latest?: IsoDate | undefined;
}

/**
 * No daily price is older than this: a row dated earlier is a typo (0050 for 2050). With the
 * latest date, it also bounds a file's rows (about 83,000 dates), and so the memory of a file
 * of millions of distinct dates (years 0001 to 9999 took 890 MB for two files).
 */
export const EARLIEST_PRICE_DATE = "1800-01-01";

export interface ParsedCsv {
  series: PriceSeries;
  warnings: string[];
}

const shown = printable;
const NUMBER = DECIMAL_PATTERN;

/** Quotes or old Mac line ends (a CR not before an LF) need the full CSV parser. */
function needsFullParser(text: string): boolean {
  if (text.includes('"')) return true;
  for (let cr = text.indexOf("\r"); cr >= 0; cr = text.indexOf("\r", cr + 1)) {
    if (text.charCodeAt(cr + 1) !== 10) return true;
  }
  return false;
}

/**
 * Every series of a run shares one string per calendar date (keyed by yyyymmdd): a thousand
 * funds over the same 26 years then hold 6,600 date strings, not 6.6 million, and each row's
 * date is checked and turned into a string once per run rather than once per file.
 */
const datesByKey = new Map<number, IsoDate>();
/**
 * Dates of 1900-2099 by (year, month, day) slot: a direct index for the hot path. Made on the
 * first CSV row read: a run served by snapshots never reads a CSV and need not allocate 600 KB.
 */
const FIRST_YEAR = 1900;
let datesBySlot: (IsoDate | undefined)[] | undefined;

/** The digits of text at `at`..`at + count` as a number, or -1 if any is not a digit. */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const c = text.charCodeAt(i) - 48;
    // Every character is checked on its own: a sum of signed parts once let "2024-03-x5" pass as 2023-03-05.
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}

/**
 * The interned ISO date of a key yyyymmdd (digits already checked), or undefined when it is not
 * a calendar date: each date's text is made and checked once per run.
 */
export function isoDateOfKey(key: number): IsoDate | undefined {
  const year = Math.floor(key / 10_000);
  const slot = year >= FIRST_YEAR && year < FIRST_YEAR + 200 ? (year - FIRST_YEAR) * 372 + (Math.floor(key / 100) % 100) * 31 + (key % 100) - 32 : -1;
  const slots = (datesBySlot ??= new Array(200 * 12 * 31));
  const known = slot >= 0 ? slots[slot] : datesByKey.get(key);
  if (known !== undefined) return known;
  const digits = String(key).padStart(8, "0");
  const date = `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`;
  if (!isIsoDate(date)) return undefined;
  if (slot >= 0) slots[slot] = date;
  else datesByKey.set(key, date);
  return date;
}

/** The interned ISO date in text[start, end), or undefined when it is not a calendar date. */
function dateAt(text: string, start: number, end: number): IsoDate | undefined {
  if (end - start !== 10 || text.charCodeAt(start + 4) !== 45 || text.charCodeAt(start + 7) !== 45) return undefined;
  const year = digitsAt(text, start, 4);
  const month = digitsAt(text, start + 5, 2);
  const day = digitsAt(text, start + 8, 2);
  return year < 0 || month < 0 || day < 0 ? undefined : isoDateOfKey(year * 10_000 + month * 100 + day);
}

const X = 120;
const B = 98;
const O = 111;

export const POWERS_OF_TEN = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * A plain decimal (digits, at most one point). Up to 15 digits, the integer of the digits and
 * the power of ten are both exact doubles, so one division gives the correctly rounded value,
 * the very number Number() would give; longer ones go to Number(), which the scan has shown
 * holds nothing but digits and a point. Anything else (signs, exponents, junk) is undefined.
 */
export function shortDecimal(text: string, start = 0, end = text.length): number | undefined {
  let mantissa = 0;
  let digits = 0;
  let point = -1;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 && point < 0) point = i;
    else if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
    } else return undefined;
  }
  if (digits === 0) return undefined;
  if (digits > 15) return Number(text.slice(start, end));
  return point < 0 ? mantissa : mantissa / (POWERS_OF_TEN[end - point - 1] as number);
}

/** A plain decimal number (as the NUMBER pattern), or NaN; no hex, binary, octal or Infinity. */
function priceOf(text: string): number {
  const value = Number(text);
  if (Number.isNaN(value) || text.length === 0) return Number.NaN;
  const second = text.charCodeAt(1) | 32;
  if (second === X || second === B || second === O || !NUMBER.test(text)) return Number.NaN;
  return value;
}

/** Warnings about skipped rows, per file, before they are only counted. */
const MAX_ROW_WARNINGS = 20;

/** Collects rows, validating each; the same rules whichever way the file was split. */
class RowCollector {
  readonly dates: IsoDate[] = [];
  /**
   * Closes straight into a typed array (doubled as it fills): thousands of files parsed in one
   * run then hold their closes outside the garbage-collected heap, which at 12,000 files was
   * where most of a first run's time went (the collector walking millions of boxed numbers).
   */
  private closes = new Float64Array(1024);
  /**
   * Once rows turn out unordered, the first line of every date seen: a duplicate is rejected as
   * it is read, so a file of a million repeated dates holds each date once, never a million rows.
   */
  private firstLineOf: Map<IsoDate, number> | null = null;
  readonly warnings: string[] = [];
  private unsaid = 0;

  /** `lineOf(i)`: the line of the i-th kept row (known for every row kept so far). */
  constructor(
    private readonly file: string,
    private readonly lenient: boolean,
    private readonly lineOf: (index: number) => number,
    private readonly latest: IsoDate | undefined,
  ) {}

  reject(line: number, reason: string): void {
    if (!this.lenient) throw new DataError(`${this.file}:${line}: ${reason}`);
    // A file of a million bad rows must not become a million warnings: the first ones, then a count.
    if (this.warnings.length < MAX_ROW_WARNINGS) this.warnings.push(`${this.file}:${line}: ${reason}; row skipped (--lenient)`);
    else this.unsaid++;
  }

  /**
   * A row whose date is already known good (or undefined, with its text for the message). The
   * price comes as text[priceStart, priceEnd), so that the common short decimals need no slice.
   * Returns whether the row was kept.
   */
  add(line: number, date: IsoDate | undefined, dateText: () => string, text: string, priceStart: number, priceEnd: number): boolean {
    if (date === undefined) {
      this.reject(line, `date "${shown(dateText())}" is not a YYYY-MM-DD calendar date`);
      return false;
    }
    if (date < EARLIEST_PRICE_DATE || (this.latest !== undefined && date > this.latest)) {
      this.reject(line, date < EARLIEST_PRICE_DATE ? `date ${date} is before ${EARLIEST_PRICE_DATE}, the earliest a price file may hold` : `date ${date} is after today (${this.latest})`);
      return false;
    }
    let close = shortDecimal(text, priceStart, priceEnd);
    const priceText = close === undefined ? text.slice(priceStart, priceEnd) : "";
    close ??= priceOf(priceText);
    if (Number.isNaN(close)) {
      this.reject(line, `price "${shown(priceText)}" is not a number`);
      return false;
    }
    if (!(close > 0) || close === Number.POSITIVE_INFINITY) {
      this.reject(line, `price ${shown(text.slice(priceStart, priceEnd))} is not positive`);
      return false;
    }
    const last = this.dates.length - 1;
    if (this.firstLineOf === null && last >= 0 && date <= (this.dates[last] as IsoDate)) {
      // The first row out of order: from here on every date is looked up (ordered files never pay).
      this.firstLineOf = new Map();
      for (let i = 0; i <= last; i++) this.firstLineOf.set(this.dates[i] as IsoDate, this.lineOf(i));
    }
    if (this.firstLineOf !== null) {
      const first = this.firstLineOf.get(date);
      if (first !== undefined) {
        this.reject(line, `duplicate date ${date} (first on line ${first})`);
        return false;
      }
      this.firstLineOf.set(date, line);
    }
    const at = this.dates.length;
    if (at === this.closes.length) {
      const grown = new Float64Array(this.closes.length * 2);
      grown.set(this.closes);
      this.closes = grown;
    }
    this.closes[at] = close;
    this.dates.push(date);
    return true;
  }

  private said(): string[] {
    if (this.unsaid > 0) this.warnings.push(`${this.file}: ${this.unsaid} more bad row${this.unsaid === 1 ? "" : "s"} skipped (--lenient)`);
    this.unsaid = 0;
    return this.warnings;
  }

  finish(symbol: string): ParsedCsv {
    const { dates, closes } = this;
    if (dates.length === 0) throw new DataError(`${this.file}: no price rows`);
    // Funds of one calendar share one dates array (see sharedCalendar): a thousand funds hold one.
    if (this.firstLineOf === null) return { series: { symbol, dates: sharedCalendar(dates), closes: closes.slice(0, dates.length) }, warnings: this.said() };
    // Out of order (duplicates were already turned away): sort by date.
    const order = dates.map((_, i) => i).sort((x, y) => ((dates[x] as IsoDate) < (dates[y] as IsoDate) ? -1 : 1));
    return { series: { symbol, dates: sharedCalendar(order.map((i) => dates[i] as IsoDate)), closes: Float64Array.from(order, (i) => closes[i] as number) }, warnings: this.said() };
  }
}

interface Columns {
  date: number;
  price: number;
}

export function findColumns(cells: string[], file: string, line: number): Columns {
  const names = cells.map((cell) => cell.toLowerCase().replace(/[\s_]+/g, " ").trim());
  const date = names.indexOf("date");
  const adjusted = names.findIndex((name) => name === "adj close" || name === "adjclose");
  const price = adjusted >= 0 ? adjusted : names.indexOf("close");
  if (date < 0 || price < 0) {
    throw new DataError(`${file}:${line}: header needs Date and Close (or Adj Close) columns, found "${shown(cells.join(","))}"`);
  }
  return { date, price };
}

/** Bounds [from, to) of the n-th comma-separated cell of text[start, end), trimmed of blanks. */
function cellBounds(text: string, start: number, end: number, n: number, out: [number, number]): void {
  let from = start;
  for (let i = 0; i < n; i++) {
    const comma = text.indexOf(",", from);
    if (comma < 0 || comma >= end) {
      out[0] = out[1] = end;
      return;
    }
    from = comma + 1;
  }
  const comma = text.indexOf(",", from);
  let to = comma < 0 || comma > end ? end : comma;
  while (from < to && (text.charCodeAt(from) === 32 || text.charCodeAt(from) === 9)) from++;
  while (to > from && (text.charCodeAt(to - 1) === 32 || text.charCodeAt(to - 1) === 9)) to--;
  out[0] = from;
  out[1] = to;
}

function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 44 && c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/**
 * A row with more cells than the header, past blank trailing ones: a price like 2,956.35 or a
 * decimal comma (295,64) split in two. Taking the first part would be silently wrong.
 */
function hasExtraCells(text: string, start: number, end: number, headerCells: number): boolean {
  let at = start;
  for (let i = 0; i < headerCells; i++) {
    const comma = text.indexOf(",", at);
    if (comma < 0 || comma >= end) return false;
    at = comma + 1;
  }
  return !isBlank(text, at, end);
}

function extraCellsReason(headerCells: number): string {
  return `more cells than the ${headerCells} of the header: an unquoted thousands separator or decimal comma?`;
}

/**
 * Plain files (no quotes) are read straight from the text, with no per-row arrays, piece by
 * piece: each piece's complete lines are parsed and the unfinished last line carried over, so
 * a large file never needs its whole text in memory.
 */
class PlainParser {
  private carry = "";
  private started = false;
  private line = 0;
  private headerCells: string[] | null = null;
  /** The header was blank: an error unless the file ends there ("file is empty"). */
  private blankHeader = false;
  private columns: Columns | null = null;
  private readonly keptLines: number[] = [];
  private readonly rows: RowCollector;
  private readonly dateCell: [number, number] = [0, 0];
  private readonly priceCell: [number, number] = [0, 0];

  constructor(
    private readonly file: string,
    private readonly symbol: string,
    private readonly options: CsvParseOptions,
  ) {
    // Without --lenient every row after the header is kept (or the file refused), so row i sits
    // on line i + 2; with it, skipped rows shift the count and kept rows' lines are recorded.
    this.rows = new RowCollector(file, options.lenient, (index) => (options.lenient ? (this.keptLines[index] as number) : index + 2), options.latest);
  }

  feed(piece: string): void {
    const text = this.carry + piece;
    let start = 0;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) start = 1;
    }
    for (let end = text.indexOf("\n", start); end >= 0; end = text.indexOf("\n", start)) {
      this.lineAt(text, start, end);
      start = end + 1;
    }
    this.carry = text.slice(start);
  }

  finish(): ParsedCsv {
    const text = this.carry;
    this.carry = "";
    // The last line, without a line end: a blank one is no row (the file ended with its newline).
    if (this.headerCells === null || !isBlank(text, 0, text.length)) this.lineAt(text, 0, text.length);
    if (this.blankHeader) {
      if (text.length > 0) findColumns(this.headerCells ?? [], this.file, 1);
      throw new DataError(`${this.file}: file is empty`);
    }
    return this.rows.finish(this.symbol);
  }

  private lineAt(text: string, start: number, end: number): void {
    this.line++;
    const contentEnd = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    if (this.headerCells === null) {
      this.headerCells = text.slice(start, contentEnd).split(",").map((c) => c.trim());
      if (this.headerCells.every((c) => c === "")) this.blankHeader = true;
      else this.columns = findColumns(this.headerCells, this.file, 1);
      return;
    }
    // Something follows a blank header: the header is what is wrong.
    if (this.blankHeader) findColumns(this.headerCells, this.file, 1);
    const line = this.line;
    const { rows, dateCell, priceCell } = this;
    if (isBlank(text, start, contentEnd)) {
      rows.reject(line, "blank line");
      return;
    }
    const width = this.headerCells.length;
    if (hasExtraCells(text, start, contentEnd, width)) {
      rows.reject(line, extraCellsReason(width));
      return;
    }
    const columns = this.columns as Columns;
    cellBounds(text, start, contentEnd, columns.date, dateCell);
    cellBounds(text, start, contentEnd, columns.price, priceCell);
    const kept = rows.add(line, dateAt(text, dateCell[0], dateCell[1]), () => text.slice(dateCell[0], dateCell[1]), text, priceCell[0], priceCell[1]);
    if (this.options.lenient && kept) this.keptLines.push(line);
  }
}

/** `blank`: the whole file is blanks and line ends (then it is "empty", whatever its records). */
function parseQuoted(pieces: Iterable<string>, file: string, symbol: string, options: CsvParseOptions, blank: boolean): ParsedCsv {
  if (blank) throw new DataError(`${file}: file is empty`);
  let header: CsvRecord | null = null;
  let columns: Columns | null = null;
  const keptLines: number[] = [];
  const rows = new RowCollector(file, options.lenient, (index) => keptLines[index] as number, options.latest);
  // A blank record is an error unless it is the last one (a trailing line end): held until the next.
  let pendingBlank: number | null = null;
  eachCsvRecord(pieces, file, ({ record, info }) => {
    if (header === null) {
      header = { record, info };
      columns = record.every((cell) => cell === "") ? null : findColumns(record, file, info.lines);
      return;
    }
    // A blank header with more after it: the header is what is wrong.
    if (columns === null) columns = findColumns(header.record, file, header.info.lines);
    if (pendingBlank !== null) rows.reject(pendingBlank, "blank line");
    pendingBlank = null;
    if (record.every((cell) => cell === "")) {
      pendingBlank = info.lines;
      return;
    }
    const width = (header as CsvRecord).record.length;
    if (record.length > width && record.slice(width).some((cell) => cell !== "")) {
      rows.reject(info.lines, extraCellsReason(width));
      return;
    }
    const { date, price } = columns as Columns;
    const dateText = (record[date] ?? "").trim();
    const priceText = record[price] ?? "";
    if (rows.add(info.lines, isIsoDate(dateText) ? dateAt(dateText, 0, dateText.length) : undefined, () => dateText, priceText, 0, priceText.length)) keptLines.push(info.lines);
  });
  if (header === null) throw new DataError(`${file}: file is empty`);
  if (columns === null) findColumns((header as CsvRecord).record, file, (header as CsvRecord).info.lines);
  return rows.finish(symbol);
}

/**
 * Reads one price file in any of the accepted layouts: `Date,Close` (already adjusted),
 * Yahoo's download (`...,Close,Adj Close,...`: the adjusted column wins) or Stooq's
 * (`Date,Open,High,Low,Close,Volume`). Rows may come in any order.
 */
export function parsePriceCsv(text: string, file: string, symbol: string, options: CsvParseOptions): ParsedCsv {
  return parsePriceCsvPieces(() => [text], file, symbol, options);
}

/**
 * The same, from a file read piece by piece: `pieces()` gives the text from its start each time
 * it is called. A file of several pieces is scanned once for quotes (which need the full parser)
 * and then parsed; one piece is parsed at once. Either way, no more than a piece and the rows
 * kept are in memory.
 */
export function parsePriceCsvPieces(pieces: () => Iterable<string>, file: string, symbol: string, options: CsvParseOptions): ParsedCsv {
  let quoted = false;
  let empty = true;
  let blank = true;
  let previousEndsInCr = false;
  for (const piece of pieces()) {
    if (piece.length === 0) continue;
    empty = false;
    if (blank && piece.trim() !== "") blank = false;
    if (quoted) {
      if (!blank) break;
      continue;
    }
    // A CR ending one piece may be followed by the next one's LF: that is a CRLF, not a lone CR.
    if (previousEndsInCr && piece.charCodeAt(0) !== 10) quoted = true;
    previousEndsInCr = piece.charCodeAt(piece.length - 1) === 13;
    if (needsFullParser(previousEndsInCr ? piece.slice(0, -1) : piece)) quoted = true;
  }
  // A CR that ends the file ends no line: a lone one.
  if (previousEndsInCr) quoted = true;
  if (empty) throw new DataError(`${file}: file is empty`);
  if (quoted) return parseQuoted(pieces(), file, symbol, options, blank);
  const parser = new PlainParser(file, symbol, options);
  for (const piece of pieces()) parser.feed(piece);
  return parser.finish();
}
