import { rmSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { DATE_BYTES, aligned, float64Column, readIntoScratch } from "./binary-columns.js";
import { calendarOf } from "./calendars.js";
import { untrustedCacheFile } from "./cache-trust.js";
import { replaceFile } from "../fs-write.js";
import { plausiblePrice, type Closes } from "../core/series.js";
import path from "node:path";
import { isIsoDate, type IsoDate } from "../core/dates.js";
import { DataError, errorMessage } from "../errors.js";

export const CACHE_FORMAT = 1;
/** A fund's 8,000 days are ~210 KB (~600 KB as JSON): a cache file far larger is not one of ours. */
const MAX_CACHE_FILE_BYTES = 64 * 1024 * 1024;

/**
 * One ticker's history as Yahoo gave it. The raw close is kept beside the adjusted one so that
 * a later fetch can tell whether the adjustment factors (dividends, splits) have changed.
 */
export interface CacheEntry {
  format: typeof CACHE_FORMAT;
  symbol: string;
  fetchedAt: string;
  timezone: string;
  dates: IsoDate[];
  /** Arrays when downloaded; Float64Arrays when read back from the binary file. */
  close: Closes;
  adjclose: Closes;
  /** Corporate actions seen so far, as "date:kind:value" strings. */
  events: string[];
  /**
   * When the whole history was last downloaded (absent in entries from 0.1): a dividend posted
   * late, dated before the incremental overlap, is picked up by the weekly full download.
   */
  fullAt?: string;
  /**
   * The exchange's regular session current when the answer was made (the feed's own trading
   * period, seconds since 1970): a bar of that date is provisional until `end`, whatever the
   * exchange. Absent when the feed does not say.
   */
  session?: { date: IsoDate; start: number; end: number };
  /** Sessions its peers have that a full download of this ticker confirmed missing, and when (not asked for again within a day). */
  checkedGaps?: { dates: IsoDate[]; at: string };
}

export interface CacheRead {
  entry: CacheEntry | null;
  /** Set when a file existed but could not be used; the caller refetches. */
  problem?: string;
}

export class PriceCache {
  constructor(readonly dir: string) {}

  /** Where a ticker's history is kept: binary since 0.6.0. */
  fileFor(symbol: string): string {
    return path.join(this.dir, `${symbol}.bin`);
  }

  /** Where 0.5 and earlier kept it, as JSON: read once, written again in binary, then removed. */
  legacyFileFor(symbol: string): string {
    return path.join(this.dir, `${symbol}.json`);
  }

  async read(symbol: string): Promise<CacheRead> {
    const file = this.fileFor(symbol);
    let bytes: Buffer;
    try {
      // Only a regular file of ours is read back: a link, a FIFO (which would block the read)
      // or a device, a file or folder others may write, or a file too large to be a history is
      // not trusted, said in a warning, and fetched again (the write replaces it).
      const problem = untrustedCacheFile(file, MAX_CACHE_FILE_BYTES, "history");
      if (problem !== null) return { entry: null, problem };
      bytes = readIntoScratch(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // No file, or no folder where one is needed: nothing cached in binary; perhaps in JSON.
      if (code === "ENOENT" || code === "ENOTDIR") return this.migrate(symbol);
      return { entry: null, problem: `cache file ${file} is unreadable (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})` };
    }
    const decoded = decodeEntry(bytes, symbol);
    if (typeof decoded === "string") return { entry: null, problem: `cache file ${file} ${decoded}` };
    return { entry: decoded };
  }

  /**
   * A history cached as JSON by 0.5 or earlier, read under the same rules, written again in
   * binary and the JSON file removed (once, silently: the prices are the same). A JSON file that
   * cannot be used is said as before, and fetched again.
   */
  private async migrate(symbol: string): Promise<CacheRead> {
    const file = this.legacyFileFor(symbol);
    let text: string;
    try {
      const problem = untrustedCacheFile(file, MAX_CACHE_FILE_BYTES, "history");
      if (problem !== null) return { entry: null, problem };
      text = await readFile(file, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return { entry: null };
      return { entry: null, problem: `cache file ${file} is unreadable (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})` };
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      return { entry: null, problem: `cache file ${file} is corrupt (not JSON)` };
    }
    const problem = validateEntry(data, symbol);
    if (problem) return { entry: null, problem: `cache file ${file} ${problem}` };
    const entry = data as CacheEntry;
    try {
      await this.write(entry);
    } catch {
      // Read-only: the JSON file stays, and is read again next time.
    }
    return { entry };
  }

  async write(entry: CacheEntry): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      // A temporary file created exclusively, fsynced and renamed over the old one: a link
      // planted where the cache file goes is replaced, never written through.
      replaceFile(this.fileFor(entry.symbol), encodeEntry(entry), { fsync: true });
      // The JSON file of 0.5 or earlier, if any, is superseded (a link there is removed, never followed).
      rmSync(this.legacyFileFor(entry.symbol), { force: true });
    } catch (error) {
      throw new DataError(`cannot write cache file ${this.fileFor(entry.symbol)} (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})`);
    }
  }
}

/**
 * The binary layout: "RPC1", the header's length (u32, little-endian), the header as JSON (every
 * field of the entry but its three columns, and `count`), zeros to a multiple of 8, then the
 * adjusted closes and the raw closes (float64, little-endian, `count` each) and the dates (ISO
 * text, 10 bytes each). A file whose length is not exactly that, or whose columns are not what
 * rotation writes (dates strictly increasing, prices plausible), is not used.
 */
const MAGIC = "RPC1";

type CacheHeader = Omit<CacheEntry, "dates" | "close" | "adjclose"> & { count: number };

export function encodeEntry(entry: CacheEntry): Uint8Array {
  const { dates, close, adjclose, ...rest } = entry;
  const count = dates.length;
  const header = Buffer.from(JSON.stringify({ ...rest, count } satisfies CacheHeader), "utf8");
  const offset = aligned(8 + header.length);
  const bytes = Buffer.alloc(offset + count * (16 + DATE_BYTES));
  bytes.write(MAGIC, 0, "latin1");
  bytes.writeUInt32LE(header.length, 4);
  header.copy(bytes, 8);
  Buffer.from(Float64Array.from(adjclose).buffer).copy(bytes, offset);
  Buffer.from(Float64Array.from(close).buffer).copy(bytes, offset + count * 8);
  bytes.write(dates.join(""), offset + count * 16, "latin1");
  return bytes;
}

/** The entry in a file's bytes, checked, or what is wrong with them. */
export function decodeEntry(bytes: Buffer, symbol: string): CacheEntry | string {
  if (bytes.length < 8 || bytes.toString("latin1", 0, 4) !== MAGIC) return "is corrupt (not a price history of rotation's)";
  const headerLength = bytes.readUInt32LE(4);
  if (8 + headerLength > bytes.length) return "is corrupt (cut short)";
  let header: CacheHeader;
  try {
    header = JSON.parse(bytes.toString("utf8", 8, 8 + headerLength)) as CacheHeader;
  } catch {
    return "is corrupt (header)";
  }
  if (typeof header !== "object" || header === null || !Number.isInteger(header.count) || header.count < 1) return "is corrupt (header)";
  const { count } = header;
  const offset = aligned(8 + headerLength);
  if (bytes.length !== offset + count * (16 + DATE_BYTES)) return "is corrupt (cut short)";
  // Dates valid and strictly increasing (calendarOf checks), shared with the run's other funds.
  const dates = calendarOf(bytes.subarray(offset + count * 16), count);
  if (dates === null) return "is corrupt (dates)";
  const adjclose = float64Column(bytes, offset, count);
  const close = float64Column(bytes, offset + count * 8, count);
  for (let i = 0; i < count; i++) if (!plausiblePrice(adjclose[i] as number) || !plausiblePrice(close[i] as number)) return `is corrupt (prices at row ${i})`;
  const { count: _count, ...rest } = header;
  const entry = { ...rest, dates, close, adjclose } as CacheEntry;
  const problem = validateEntry(entry, symbol, false);
  return problem ?? entry;
}

/** What is wrong with an entry read back, or null; `columns` false: its columns are already checked. */
function validateEntry(data: unknown, symbol: string, columns = true): string | null {
  if (typeof data !== "object" || data === null) return "is corrupt (not an object)";
  const entry = data as Partial<CacheEntry>;
  if (entry.format !== CACHE_FORMAT) return `has format ${String(entry.format)}, not ${CACHE_FORMAT} (older or newer version)`;
  if (entry.symbol !== symbol) return `belongs to ${String(entry.symbol)}`;
  if (typeof entry.fetchedAt !== "string" || Number.isNaN(Date.parse(entry.fetchedAt))) return "is corrupt (fetchedAt)";
  if (typeof entry.timezone !== "string") return "is corrupt (timezone)";
  const { dates, close, adjclose, events } = entry;
  if (!Array.isArray(events)) return "is corrupt (events)";
  if (columns && (!Array.isArray(dates) || !Array.isArray(close) || !Array.isArray(adjclose))) return "is corrupt (missing arrays)";
  if (!dates || !close || !adjclose || dates.length === 0 || close.length !== dates.length || adjclose.length !== dates.length) return "is corrupt (array lengths)";
  for (let i = 0; columns && i < dates.length; i++) {
    const date = dates[i];
    if (typeof date !== "string" || !isIsoDate(date) || (i > 0 && date <= (dates[i - 1] as string))) return `is corrupt (dates at row ${i})`;
    const raw = close[i];
    const adjusted = adjclose[i];
    if (typeof raw !== "number" || !plausiblePrice(raw) || typeof adjusted !== "number" || !plausiblePrice(adjusted)) return `is corrupt (prices at row ${i})`;
  }
  if (!events.every((event) => typeof event === "string")) return "is corrupt (events)";
  if (entry.fullAt !== undefined && (typeof entry.fullAt !== "string" || Number.isNaN(Date.parse(entry.fullAt)))) return "is corrupt (fullAt)";
  const session = entry.session as { date?: unknown; start?: unknown; end?: unknown } | undefined;
  const gaps = entry.checkedGaps as { dates?: unknown; at?: unknown } | undefined;
  if (gaps !== undefined && (typeof gaps !== "object" || gaps === null || !Array.isArray(gaps.dates) || !gaps.dates.every((date) => typeof date === "string" && isIsoDate(date)) || typeof gaps.at !== "string" || Number.isNaN(Date.parse(gaps.at)))) return "is corrupt (checkedGaps)";
  if (session !== undefined && (typeof session !== "object" || session === null || !isIsoDate(String(session.date)) || typeof session.start !== "number" || typeof session.end !== "number")) return "is corrupt (session)";
  return null;
}
