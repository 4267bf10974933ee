import { mkdir, stat } from "node:fs/promises";
import path from "node:path";
import { acquireLock } from "./lock.js";
import { writeWholeFile } from "../fs-write.js";
import { filePieces, linesOf } from "../fs-read.js";
import { isIsoDate, type IsoDate } from "../core/dates.js";
import { PE_RANGE, type ValuationRecord } from "../core/valuation.js";
import { DECIMAL_PATTERN, printable, TICKER_PATTERN } from "../core/text.js";
import { eachCsvRecord } from "../sources/csv/records.js";
import { DataError, errorMessage } from "../errors.js";

/** A valuation import or store larger than this is refused: 2.5 million records is 64 MiB of CSV. */
export const MAX_VALUATION_FILE_BYTES = 64 * 1024 * 1024;
/** The store holds its own records and an import's: it may grow to twice an import's cap and more over the years. */
const MAX_STORE_BYTES = 1024 * 1024 * 1024;

/** One id per distinct string, shared by the columns that are merged (so ids compare across them). */
class Interned {
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();
  id(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
    }
    return id;
  }
}

export interface Interning {
  dates: Interned;
  symbols: Interned;
  sources: Interned;
}

export function interning(): Interning {
  return { dates: new Interned(), symbols: new Interned(), sources: new Interned() };
}

/**
 * Valuation records column by column, sized once: 25 bytes a record where an object took about
 * 150 and a whole file's text more (a 63 MiB import of 2.5 million records peaked at 2.3 GB as
 * objects). A P/E that is null is NaN here.
 */
export class ValuationColumns {
  length = 0;
  private readonly dateIds: Uint32Array;
  private readonly symbolIds: Uint32Array;
  private readonly sourceIds: Uint16Array;
  private readonly trailing: Float64Array;
  private readonly forward: Float64Array;

  constructor(
    capacity: number,
    readonly names: Interning = interning(),
  ) {
    this.dateIds = new Uint32Array(capacity);
    this.symbolIds = new Uint32Array(capacity);
    this.sourceIds = new Uint16Array(capacity);
    this.trailing = new Float64Array(capacity);
    this.forward = new Float64Array(capacity);
  }

  static of(records: readonly ValuationRecord[], names?: Interning): ValuationColumns {
    const columns = new ValuationColumns(records.length, names);
    for (const r of records) columns.push(r.date, r.symbol, r.trailingPE, r.forwardPE, r.source);
    return columns;
  }

  push(date: IsoDate, symbol: string, trailingPE: number | null, forwardPE: number | null, source: string): void {
    const i = this.length++;
    this.dateIds[i] = this.names.dates.id(date);
    this.symbolIds[i] = this.names.symbols.id(symbol);
    this.sourceIds[i] = this.names.sources.id(source);
    this.trailing[i] = trailingPE ?? Number.NaN;
    this.forward[i] = forwardPE ?? Number.NaN;
  }

  dateId(i: number): number {
    return this.dateIds[i] as number;
  }

  symbolId(i: number): number {
    return this.symbolIds[i] as number;
  }

  record(i: number): ValuationRecord {
    const pe = (value: number) => (Number.isNaN(value) ? null : value);
    return {
      date: this.names.dates.values[this.dateIds[i] as number] as IsoDate,
      symbol: this.names.symbols.values[this.symbolIds[i] as number] as string,
      trailingPE: pe(this.trailing[i] as number),
      forwardPE: pe(this.forward[i] as number),
      source: this.names.sources.values[this.sourceIds[i] as number] as string,
    };
  }

  /** The record as the store's line: the same text as JSON.stringify of record(i), without the object. */
  line(i: number, quoted: { dates: string[]; symbols: string[]; sources: string[] }): string {
    const pe = (value: number) => (Number.isNaN(value) ? "null" : JSON.stringify(value));
    return `{"date":${quoted.dates[this.dateIds[i] as number]},"symbol":${quoted.symbols[this.symbolIds[i] as number]},"trailingPE":${pe(this.trailing[i] as number)},"forwardPE":${pe(this.forward[i] as number)},"source":${quoted.sources[this.sourceIds[i] as number]}}`;
  }
}

/**
 * The records of several column sets (sharing one Interning) that survive a merge, in the
 * store's order (date, then symbol), one per (date, symbol): the last one given wins, the later
 * sets after the earlier, a later row of a set after an earlier one. The one rule of "later
 * replaces earlier", for an import's own duplicates and for an import over the store alike.
 */
export function* latestPerKey(sets: readonly ValuationColumns[]): Generator<[ValuationColumns, number]> {
  const names = (sets[0] as ValuationColumns).names;
  const rankOf = (values: string[], compare: (x: string, y: string) => number) => {
    const ranks = new Uint32Array(values.length);
    values.map((value, id) => [value, id] as const).sort((x, y) => compare(x[0], y[0])).forEach(([, id], rank) => (ranks[id] = rank));
    return ranks;
  };
  const dateRankById = rankOf(names.dates.values, (x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const symbolRankById = rankOf(names.symbols.values, (x, y) => x.localeCompare(y));
  const total = sets.reduce((n, set) => n + set.length, 0);
  const dateRank = new Uint32Array(total);
  const symbolRank = new Uint32Array(total);
  const starts: number[] = [];
  let at = 0;
  for (const set of sets) {
    starts.push(at);
    for (let i = 0; i < set.length; i++, at++) {
      dateRank[at] = dateRankById[set.dateId(i)] as number;
      symbolRank[at] = symbolRankById[set.symbolId(i)] as number;
    }
  }
  // Two stable counting sorts (symbol, then date): rows in the store's order, and within one
  // (date, symbol) in the order given. Linear, and 16 bytes a row (a comparison sort took 150 MB more).
  const countingSort = (from: Uint32Array | null, rank: Uint32Array, ranks: number): Uint32Array => {
    const next = new Uint32Array(ranks + 1);
    for (let i = 0; i < total; i++) (next[(rank[i] as number) + 1] as number)++;
    for (let r = 1; r <= ranks; r++) next[r] = (next[r] as number) + (next[r - 1] as number);
    const to = new Uint32Array(total);
    for (let k = 0; k < total; k++) {
      const i = from === null ? k : (from[k] as number);
      const r = rank[i] as number;
      to[next[r] as number] = i;
      next[r] = (next[r] as number) + 1;
    }
    return to;
  };
  const order = countingSort(countingSort(null, symbolRank, names.symbols.values.length), dateRank, names.dates.values.length);
  for (let k = 0; k < total; k++) {
    const i = order[k] as number;
    // The last of a run of equal keys is the one that stays.
    if (k + 1 < total) {
      const j = order[k + 1] as number;
      if (dateRank[j] === dateRank[i] && symbolRank[j] === symbolRank[i]) continue;
    }
    let s = starts.length - 1;
    while ((starts[s] as number) > i) s--;
    yield [sets[s] as ValuationColumns, i - (starts[s] as number)];
  }
}

/** Text pieces → the number of line ends in them (the records a file can hold, at most). */
function countLines(pieces: Iterable<string>): number {
  let lines = 1;
  for (const piece of pieces) for (let at = piece.indexOf("\n"); at >= 0; at = piece.indexOf("\n", at + 1)) lines++;
  return lines;
}

/**
 * Valuation history, one JSON line per (date, symbol). Changes happen under an exclusive lock
 * and replace the whole file atomically, so an import is all or nothing and a crash leaves the
 * old file. A later record for the same (date, symbol) replaces the earlier one. The file is
 * read line by line and held column by column, never whole.
 */
export class ValuationStore {
  constructor(readonly file: string) {}

  private async pieces(): Promise<(() => Iterable<string>) | null> {
    try {
      const info = await stat(this.file);
      if (!info.isFile()) throw Object.assign(new Error("not a regular file"), { code: "EINVAL" });
      if (info.size > MAX_STORE_BYTES) throw new DataError(`valuation store ${this.file} is larger than ${MAX_STORE_BYTES / 1024 / 1024} MiB; refused`);
      return filePieces(this.file, info.size, MAX_STORE_BYTES, `valuation store ${this.file} grew past ${MAX_STORE_BYTES / 1024 / 1024} MiB while it was read; refused`);
    } catch (error) {
      if (error instanceof DataError) throw error;
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw new DataError(`cannot read valuation store ${this.file} (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})`);
    }
  }

  /**
   * Every record (or only those of `symbols`) into `columns` (made with room for `extra` more);
   * a line that is not a record is kept as it is in `unreadable`, with a warning.
   */
  private async readColumns(options: { symbols?: ReadonlySet<string>; extra?: number; names?: Interning }): Promise<{ columns: ValuationColumns; unreadable: string[]; warnings: string[] }> {
    const warnings: string[] = [];
    const unreadable: string[] = [];
    const pieces = await this.pieces();
    const columns = new ValuationColumns((pieces ? countLines(pieces()) : 0) + (options.extra ?? 0), options.names);
    if (pieces === null) return { columns, unreadable, warnings };
    try {
      for (const [line, number] of linesOf(pieces())) {
        if (line.trim() === "") continue;
        let value: Partial<Record<keyof ValuationRecord, unknown>> | null;
        try {
          value = JSON.parse(line) as typeof value;
        } catch {
          warnings.push(`${this.file}:${number}: not valid JSON; skipped`);
          unreadable.push(line);
          continue;
        }
        const pe = (x: unknown) => x === null || x === undefined || (typeof x === "number" && Number.isFinite(x));
        if (value === null || typeof value !== "object" || typeof value.symbol !== "string" || typeof value.date !== "string" || !isIsoDate(value.date) || !pe(value.trailingPE) || !pe(value.forwardPE)) {
          warnings.push(`${this.file}:${number}: not a valuation record; skipped`);
          unreadable.push(line);
          continue;
        }
        if (options.symbols && !options.symbols.has(value.symbol)) continue;
        columns.push(value.date, value.symbol, (value.trailingPE as number | null | undefined) ?? null, (value.forwardPE as number | null | undefined) ?? null, typeof value.source === "string" ? value.source : "unknown");
      }
    } catch (error) {
      if (error instanceof DataError) throw error;
      throw new DataError(`cannot read valuation store ${this.file} (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})`);
    }
    return { columns, unreadable, warnings };
  }

  /** The records (of `symbols` only, when given: a report needs no other fund's history). */
  async read(symbols?: readonly string[]): Promise<{ records: ValuationRecord[]; warnings: string[] }> {
    const { columns, warnings } = await this.readColumns(symbols ? { symbols: new Set(symbols) } : {});
    const records: ValuationRecord[] = [];
    for (let i = 0; i < columns.length; i++) records.push(columns.record(i));
    return { records, warnings };
  }

  /**
   * Adds or replaces records; returns how many were given. Lines of the store that are not
   * records are kept as they are, after the records (a store is never made smaller by a write).
   */
  async upsert(incoming: readonly ValuationRecord[] | ValuationColumns): Promise<number> {
    try {
      await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new DataError(`cannot write valuation store ${this.file} (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})`);
    }
    const lock = await acquireLock(this.file, "valuation store");
    try {
      const names = incoming instanceof ValuationColumns ? incoming.names : interning();
      const added = incoming instanceof ValuationColumns ? incoming : ValuationColumns.of(incoming, names);
      const { columns: stored, unreadable } = await this.readColumns({ names });
      const quote = (values: string[]) => values.map((value) => JSON.stringify(value));
      const quoted = { dates: quote(names.dates.values), symbols: quote(names.symbols.values), sources: quote(names.sources.values) };
      const text = function* (): Generator<string> {
        // Lines are gathered into pieces of about 1 MiB: one write each, never the whole file at once.
        let piece = "";
        for (const [set, i] of latestPerKey([stored, added])) {
          piece += `${set.line(i, quoted)}\n`;
          if (piece.length > 1 << 20) {
            yield piece;
            piece = "";
          }
        }
        for (const line of unreadable) piece += `${line}\n`;
        yield piece;
      };
      lock.assertOwned();
      await writeWholeFile(this.file, text, { what: "valuation store", mode: 0o600 });
      return added.length;
    } catch (error) {
      if (error instanceof DataError) throw error;
      throw new DataError(`cannot write valuation store ${this.file} (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})`);
    } finally {
      await lock.release();
    }
  }
}

/**
 * Reads `Date,Symbol,TrailingPE,ForwardPE` (either P/E may be empty), with the same CSV reader
 * as price files (quoted fields accepted), piece by piece. Every line is checked before
 * anything is stored: the first bad line refuses the whole file. Duplicates stay in the columns
 * (the later line wins when they are merged: latestPerKey); rows may be in any order.
 */
export function readValuationCsv(pieces: () => Iterable<string>, file: string, today?: string): ValuationColumns {
  const columns = new ValuationColumns(countLines(pieces()));
  let header = true;
  let pendingBlank: number | null = null;
  eachCsvRecord(pieces(), file, ({ record: cells, info }) => {
    const line = info.lines;
    if (header) {
      header = false;
      const names = cells.map((c) => c.toLowerCase());
      const expected = ["date", "symbol", "trailingpe", "forwardpe"];
      if (expected.some((name, i) => names[i] !== name)) throw new DataError(`${file}:1: header must be Date,Symbol,TrailingPE,ForwardPE`);
      return;
    }
    // A blank line is an error unless it is the last one (a trailing line end).
    if (pendingBlank !== null) throw new DataError(`${file}:${pendingBlank}: blank line`);
    if (cells.every((cell) => cell === "")) {
      pendingBlank = line;
      return;
    }
    if (cells.length !== 4) throw new DataError(`${file}:${line}: expected 4 fields, found ${cells.length}`);
    const [date, symbolRaw, trailing, forward] = cells as [string, string, string, string];
    if (!isIsoDate(date)) throw new DataError(`${file}:${line}: date "${printable(date, 20)}" is not YYYY-MM-DD`);
    if (today !== undefined && date > today) throw new DataError(`${file}:${line}: date ${date} is after today (${today})`);
    const symbol = symbolRaw.toUpperCase();
    if (!TICKER_PATTERN.test(symbol)) throw new DataError(`${file}:${line}: "${printable(symbolRaw, 20)}" is not a ticker`);
    const pe = (value: string, name: string): number | null => {
      if (value === "") return null;
      const n = Number(value);
      if (!DECIMAL_PATTERN.test(value) || !Number.isFinite(n)) throw new DataError(`${file}:${line}: ${name} "${printable(value, 20)}" is not a number`);
      // A P/E is a positive multiple of earnings; zero, negative, denormal or astronomical ones
      // (a loss, a unit slip) would be ranked as if they were valuations.
      if (!(n >= PE_RANGE.min && n <= PE_RANGE.max)) throw new DataError(`${file}:${line}: ${name} ${printable(value, 20)} is not a usable P/E (from ${PE_RANGE.min} to ${PE_RANGE.max}; leave the cell empty when there is none)`);
      return n;
    };
    const trailingPE = pe(trailing, "TrailingPE");
    const forwardPE = pe(forward, "ForwardPE");
    if (trailingPE === null && forwardPE === null) throw new DataError(`${file}:${line}: both P/E are empty`);
    columns.push(date, symbol, trailingPE, forwardPE, "import");
  });
  if (header) throw new DataError(`${file}:1: header must be Date,Symbol,TrailingPE,ForwardPE`);
  if (columns.length === 0) throw new DataError(`${file}: no valuation rows`);
  return columns;
}

/** The same from a whole text: the records that stay, in the store's order. */
export function parseValuationCsv(text: string, file: string, today?: string): ValuationRecord[] {
  const columns = readValuationCsv(() => [text], file, today);
  return [...latestPerKey([columns])].map(([set, i]) => set.record(i));
}
