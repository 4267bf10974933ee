import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { acquireLock } from "./lock.js";
import { writeWholeFile } from "../fs-write.js";
import { isIsoDate } from "../core/dates.js";
import { PE_RANGE, type ValuationRecord } from "../core/valuation.js";
import { DECIMAL_PATTERN, printable, TICKER_PATTERN } from "../core/text.js";
import { readCsvRecords } from "../sources/csv/records.js";
import { DataError, errorMessage } from "../errors.js";

/**
 * Valuation history, one JSON line per (date, symbol). Changes happen under an exclusive lock
 * and replace the whole file atomically, so an import is all or nothing and a crash leaves the
 * old file. A later record for the same (date, symbol) replaces the earlier one.
 */
export class ValuationStore {
  constructor(readonly file: string) {}

  async read(): Promise<{ records: ValuationRecord[]; warnings: string[] }> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { records: [], warnings: [] };
      throw new DataError(`cannot read valuation store ${this.file} (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})`);
    }
    const records: ValuationRecord[] = [];
    const warnings: string[] = [];
    text.split("\n").forEach((line, index) => {
      if (line.trim() === "") return;
      try {
        const value = JSON.parse(line) as ValuationRecord;
        if (typeof value.symbol === "string" && typeof value.date === "string" && isIsoDate(value.date)) records.push(value);
        else warnings.push(`${this.file}:${index + 1}: not a valuation record; skipped`);
      } catch {
        warnings.push(`${this.file}:${index + 1}: not valid JSON; skipped`);
      }
    });
    return { records, warnings };
  }

  /** Adds or replaces records; returns how many were written. */
  async upsert(incoming: readonly ValuationRecord[]): Promise<number> {
    try {
      await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new DataError(`cannot write valuation store ${this.file} (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})`);
    }
    const lock = await acquireLock(this.file, "valuation store");
    try {
      const { records } = await this.read();
      const merged = new Map(records.map((r) => [`${r.date}|${r.symbol}`, r]));
      for (const record of incoming) merged.set(`${record.date}|${record.symbol}`, record);
      const sorted = [...merged.values()].sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : x.symbol.localeCompare(y.symbol)));
      lock.assertOwned();
      await writeWholeFile(this.file, sorted.map((r) => JSON.stringify(r)).join("\n") + "\n", { what: "valuation store", mode: 0o600 });
      return incoming.length;
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
 * as price files (quoted fields accepted). Every line is checked before anything is stored:
 * the first bad line refuses the whole file. Within the file, a later line for the same
 * (date, symbol) wins; rows may be in any order.
 */
export function parseValuationCsv(text: string, file: string, today?: string): ValuationRecord[] {
  const rows = readCsvRecords(text, file);
  const header = (rows[0]?.record ?? []).map((c) => c.toLowerCase());
  const expected = ["date", "symbol", "trailingpe", "forwardpe"];
  if (expected.some((name, i) => header[i] !== name)) {
    throw new DataError(`${file}:1: header must be Date,Symbol,TrailingPE,ForwardPE`);
  }
  const records = new Map<string, ValuationRecord>();
  for (let r = 1; r < rows.length; r++) {
    const { record: cells, info } = rows[r] as (typeof rows)[number];
    const line = info.lines;
    if (cells.every((cell) => cell === "")) {
      if (r === rows.length - 1) continue;
      throw new DataError(`${file}:${line}: blank line`);
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
    records.set(`${date}|${symbol}`, { date, symbol, trailingPE, forwardPE, source: "import" });
  }
  if (records.size === 0) throw new DataError(`${file}: no valuation rows`);
  return [...records.values()];
}
