import { readFileSync, rmSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { DATE_BYTES, aligned, float64Column, readIntoScratchIdentified } from "./binary-columns.js";
import { calendarOf, sharedCalendar } from "./calendars.js";
import { untrustedCacheFile } from "./cache-trust.js";
import { bytesHash32 } from "./fnv.js";
import { joined } from "./history-merge.js";
import { appendToCacheFile, replaceFile } from "../fs-write.js";
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

/**
 * What an entry read back was made of: the history file's identity (see
 * readIntoScratchIdentified) and its log as read, so that an update can be appended to it.
 */
interface Provenance {
  identity: string;
  /** How many bars the history file itself holds. */
  bars: number;
  records: number;
  /** The log holds records of another (older) history file: the next update replaces the log. */
  stale: boolean;
}

const provenance = new WeakMap<CacheEntry, Provenance>();

/** Updates a log holds at most: then the history is written whole again and the log removed. */
const MAX_LOG_RECORDS = 32;
/** A log of 32 next-day updates is a few kilobytes: one far larger is not one of ours. */
const MAX_LOG_BYTES = 1024 * 1024;

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

  /** Where a ticker's next-day updates are appended, beside its history (see docs/caches.md). */
  logFileFor(symbol: string): string {
    return path.join(this.dir, `${symbol}.log`);
  }

  async read(symbol: string): Promise<CacheRead> {
    const file = this.fileFor(symbol);
    let bytes: Buffer;
    let identity: string;
    try {
      // Only a regular file of ours is read back: a link, a FIFO (which would block the read)
      // or a device, a file or folder others may write, or a file too large to be a history is
      // not trusted, said in a warning, and fetched again (the write replaces it).
      const problem = untrustedCacheFile(file, MAX_CACHE_FILE_BYTES, "history");
      if (problem !== null) return { entry: null, problem };
      ({ bytes, identity } = readIntoScratchIdentified(file, true));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // No file, or no folder where one is needed: nothing cached in binary; perhaps in JSON.
      if (code === "ENOENT" || code === "ENOTDIR") return this.migrate(symbol);
      return { entry: null, problem: `cache file ${file} is unreadable (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})` };
    }
    const decoded = decodeEntry(bytes, symbol);
    if (typeof decoded === "string") return { entry: null, problem: `cache file ${file} ${decoded}` };
    return this.withLog(decoded, identity);
  }

  /** The history with the updates its log holds for it applied; a log that is not sound: the problem, and the history fetched again. */
  private withLog(history: CacheEntry, identity: string): CacheRead {
    const file = this.logFileFor(history.symbol);
    let bytes: Buffer;
    try {
      const problem = untrustedCacheFile(file, MAX_LOG_BYTES, "log of updates");
      if (problem !== null) return { entry: null, problem };
      bytes = readFileSync(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") {
        provenance.set(history, { identity, bars: history.dates.length, records: 0, stale: false });
        return { entry: history };
      }
      return { entry: null, problem: `cache file ${file} is unreadable (${code ?? errorMessage(error)})` };
    }
    const applied = applyLog(history, bytes, identity);
    if (typeof applied === "string") return { entry: null, problem: `cache file ${file} ${applied}` };
    provenance.set(applied.entry, { identity, bars: history.dates.length, records: applied.records, stale: applied.stale });
    return { entry: applied.entry };
  }

  /**
   * Writes `entry`, which extends `previous` (as read from this cache) by replacing its bars
   * from index `kept` on (an incremental download: the bars before `kept` are previous's,
   * unchanged): as one record appended to the fund's log when it can be, so that a next-day
   * run writes a few hundred bytes instead of the fund's whole history; else whole.
   */
  async update(entry: CacheEntry, previous: CacheEntry | null, kept: number | undefined): Promise<void> {
    const origin = previous === null ? undefined : provenance.get(previous);
    const extends_ = previous !== null && kept !== undefined && kept >= 1 && kept <= previous.dates.length && entry.dates.length > kept && entry.dates[kept - 1] === previous.dates[kept - 1];
    // A log replaced (stale) holds this record alone, which must then apply to the history file itself.
    if (origin !== undefined && extends_ && origin.records < MAX_LOG_RECORDS && (!origin.stale || kept <= origin.bars)) {
      const file = this.logFileFor(entry.symbol);
      const record = encodeLogRecord(entry, origin.identity, kept);
      try {
        // A log of an older history (its removal failed, or another version wrote the history) is replaced, not extended.
        if (origin.stale) replaceFile(file, record, { fsync: true });
        else appendToCacheFile(file, record);
        provenance.set(entry, { identity: origin.identity, bars: origin.bars, records: origin.stale ? 1 : origin.records + 1, stale: false });
        return;
      } catch {
        // A log that cannot be appended to (not a private file of ours): the history is written whole, and the log removed.
      }
    }
    await this.write(entry);
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
      // So is the log of updates to the history just replaced. Were it left (a removal that
      // fails), its records name the old file and are never applied to this one.
      try {
        rmSync(this.logFileFor(entry.symbol), { force: true });
      } catch {
        // Left behind, and ignored.
      }
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
  const read = jsonAfterLength<CacheHeader>(bytes, 4);
  if (typeof read === "string") return `is corrupt (${read})`;
  const { value: header, end: headerEnd } = read;
  if (!Number.isInteger(header.count) || header.count < 1) return "is corrupt (header)";
  const { count } = header;
  const offset = aligned(headerEnd);
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

/**
 * A fund's log of updates (`TICKER.log`): records appended one per next-day update, each
 * "RPL1", the payload's length (u32 LE), its 32-bit FNV-1a (u32 LE), then the payload: the
 * header's length (u32 LE), the header as JSON (the entry's fields but its columns, as in the
 * history file, plus `base`: the identity of the history file it applies to, `keep`: how many
 * bars of the history as it stands before the record are kept, and `count`), then `count` bars
 * of 26 bytes (adjusted close and raw close, float64 LE; the date, 10 bytes of ISO text).
 */
const LOG_MAGIC = "RPL1";
const LOG_RECORD_HEAD = 12;
const LOG_BAR_BYTES = 16 + DATE_BYTES;

type LogHeader = Omit<CacheEntry, "dates" | "close" | "adjclose"> & { base: string; keep: number; count: number };

export function encodeLogRecord(entry: CacheEntry, base: string, keep: number): Uint8Array {
  const { dates, close, adjclose, ...rest } = entry;
  const count = dates.length - keep;
  const header = Buffer.from(JSON.stringify({ ...rest, base, keep, count } satisfies LogHeader), "utf8");
  const payloadLength = 4 + header.length + count * LOG_BAR_BYTES;
  const bytes = Buffer.alloc(LOG_RECORD_HEAD + payloadLength);
  bytes.write(LOG_MAGIC, 0, "latin1");
  bytes.writeUInt32LE(payloadLength, 4);
  bytes.writeUInt32LE(header.length, LOG_RECORD_HEAD);
  header.copy(bytes, LOG_RECORD_HEAD + 4);
  let at = LOG_RECORD_HEAD + 4 + header.length;
  for (let i = keep; i < dates.length; i++, at += LOG_BAR_BYTES) {
    bytes.writeDoubleLE(adjclose[i] as number, at);
    bytes.writeDoubleLE(close[i] as number, at + 8);
    bytes.write(dates[i] as string, at + 16, "latin1");
  }
  bytes.writeUInt32LE(bytesHash32(bytes.subarray(LOG_RECORD_HEAD)), 8);
  return bytes;
}

/**
 * The history with its log's records for it applied in order, or what is wrong with the log.
 * A record cut short or garbled (a write interrupted), or one that does not fit the history,
 * makes the whole log unusable: never a history with a torn or patched tail. Records of
 * another history file (one since replaced) are passed over.
 */
export function applyLog(history: CacheEntry, bytes: Buffer, identity: string): { entry: CacheEntry; records: number; stale: boolean } | string {
  let state = history;
  let records = 0;
  let stale = false;
  for (let at = 0; at < bytes.length; ) {
    const number = records + 1;
    if (bytes.length - at < LOG_RECORD_HEAD || bytes.toString("latin1", at, at + 4) !== LOG_MAGIC) return `is corrupt (record ${number})`;
    const length = bytes.readUInt32LE(at + 4);
    if (at + LOG_RECORD_HEAD + length > bytes.length) return `is corrupt (record ${number} cut short)`;
    const payload = bytes.subarray(at + LOG_RECORD_HEAD, at + LOG_RECORD_HEAD + length);
    if (bytesHash32(payload) !== bytes.readUInt32LE(at + 8)) return `is corrupt (record ${number})`;
    at += LOG_RECORD_HEAD + length;
    records = number;
    const next = applyRecord(state, payload, identity);
    if (next === null) {
      stale = true;
      continue;
    }
    if (typeof next === "string") return `is corrupt (record ${number}: ${next})`;
    state = next;
  }
  // Funds of one exchange keep sharing one dates array (calendars.ts).
  return { entry: state === history ? history : { ...state, dates: sharedCalendar(state.dates) }, records, stale };
}

/** `state` with one record applied; null when the record is for another history file. */
function applyRecord(state: CacheEntry, payload: Buffer, identity: string): CacheEntry | string | null {
  if (payload.length < 4) return "header";
  const read = jsonAfterLength<LogHeader>(payload, 0);
  if (typeof read === "string") return "header";
  const { value: header, end: barsAt } = read;
  if (header.base !== identity) return null;
  const { base: _base, keep, count, ...fields } = header;
  if (!Number.isInteger(keep) || !Number.isInteger(count) || keep < 1 || keep > state.dates.length || count < 1) return "header";
  if (payload.length !== barsAt + count * LOG_BAR_BYTES) return "length";
  const dates: IsoDate[] = state.dates.slice(0, keep);
  const adjusted: number[] = [];
  const raw: number[] = [];
  for (let i = 0, at = barsAt; i < count; i++, at += LOG_BAR_BYTES) {
    const date = payload.toString("latin1", at + 16, at + 16 + DATE_BYTES);
    if (!isIsoDate(date) || date <= (dates[dates.length - 1] as string)) return `dates at bar ${i + 1}`;
    adjusted.push(payload.readDoubleLE(at));
    raw.push(payload.readDoubleLE(at + 8));
    if (!plausiblePrice(adjusted[i] as number) || !plausiblePrice(raw[i] as number)) return `prices at bar ${i + 1}`;
    dates.push(date);
  }
  const entry = { ...fields, dates, close: joined(state.close, keep, raw), adjclose: joined(state.adjclose, keep, adjusted) } as CacheEntry;
  const problem = validateEntry(entry, state.symbol, false);
  return problem === null ? entry : problem.replace(/^is corrupt \((.*)\)$/, "$1");
}

/**
 * The JSON object stored after its length (u32 LE at `at`), and where it ends; "cut short" when
 * the bytes end first, "header" when it is not a JSON object. Both files' headers are stored so.
 */
function jsonAfterLength<T extends object>(bytes: Buffer, at: number): { value: T; end: number } | "cut short" | "header" {
  const length = bytes.readUInt32LE(at);
  const end = at + 4 + length;
  if (end > bytes.length) return "cut short";
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8", at + 4, end));
  } catch {
    return "header";
  }
  return typeof value === "object" && value !== null ? { value: value as T, end } : "header";
}
