import { mkdir, readFile } from "node:fs/promises";
import { untrustedCacheFile } from "./cache-trust.js";
import { replaceFile } from "../fs-write.js";
import { plausiblePrice } from "../core/series.js";
import path from "node:path";
import { isIsoDate, type IsoDate } from "../core/dates.js";
import { DataError, errorMessage } from "../errors.js";

export const CACHE_FORMAT = 1;
/** A fund's 8,000 days are ~600 KB of JSON: a cache file far larger is not one of ours. */
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
  close: number[];
  adjclose: number[];
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

  fileFor(symbol: string): string {
    return path.join(this.dir, `${symbol}.json`);
  }

  async read(symbol: string): Promise<CacheRead> {
    const file = this.fileFor(symbol);
    let text: string;
    try {
      // Only a regular file of ours is read back: a link, a FIFO (which would block the read)
      // or a device, a file or folder others may write, or a file too large to be a history is
      // not trusted, said in a warning, and fetched again (the write replaces it).
      const problem = untrustedCacheFile(file, MAX_CACHE_FILE_BYTES, "history");
      if (problem !== null) return { entry: null, problem };
      text = await readFile(file, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // No file, or no folder where one is needed: nothing cached (the write will say more).
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
    return { entry: data as CacheEntry };
  }

  async write(entry: CacheEntry): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      // A temporary file created exclusively, fsynced and renamed over the old one: a link
      // planted where the cache file goes is replaced, never written through.
      replaceFile(this.fileFor(entry.symbol), new TextEncoder().encode(JSON.stringify(entry)), { fsync: true });
    } catch (error) {
      throw new DataError(`cannot write cache file ${this.fileFor(entry.symbol)} (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})`);
    }
  }
}

function validateEntry(data: unknown, symbol: string): string | null {
  if (typeof data !== "object" || data === null) return "is corrupt (not an object)";
  const entry = data as Partial<CacheEntry>;
  if (entry.format !== CACHE_FORMAT) return `has format ${String(entry.format)}, not ${CACHE_FORMAT} (older or newer version)`;
  if (entry.symbol !== symbol) return `belongs to ${String(entry.symbol)}`;
  if (typeof entry.fetchedAt !== "string" || Number.isNaN(Date.parse(entry.fetchedAt))) return "is corrupt (fetchedAt)";
  if (typeof entry.timezone !== "string") return "is corrupt (timezone)";
  const { dates, close, adjclose, events } = entry;
  if (!Array.isArray(dates) || !Array.isArray(close) || !Array.isArray(adjclose) || !Array.isArray(events)) return "is corrupt (missing arrays)";
  if (dates.length === 0 || close.length !== dates.length || adjclose.length !== dates.length) return "is corrupt (array lengths)";
  for (let i = 0; i < dates.length; i++) {
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
