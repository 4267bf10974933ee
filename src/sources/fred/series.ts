import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { isIsoDate, type IsoDate } from "../../core/dates.js";
import { printable } from "../../core/text.js";
import { DataError, errorMessage, NetworkError } from "../../errors.js";
import { replaceCacheFile } from "../../fs-write.js";
import { untrustedCacheFile } from "../cache-trust.js";
import { defaultRetryPolicy, retryingFetch } from "../http.js";
import type { HttpAnswer } from "../answer.js";
import type { DatasetRequest } from "../source.js";
import { sha256Hex } from "../../sha256.js";

/**
 * A FRED daily series (DGS10: the 10-year Treasury's constant-maturity yield, in percent),
 * downloaded as FRED's keyless CSV, checked whole, and cached as the CSV it was with a record
 * of when and where. A day's value is published the next day: the series says so
 * (`publishedNextDay`), and the figures use a day's value only from the day after it.
 */
export interface FredSeries {
  id: string;
  dates: IsoDate[];
  values: number[];
  fetchedAt: string;
  /** The URL without its query's secrets (FRED takes none; a mirror's path is kept). */
  url: string;
  sha256: string;
  /** Days FRED marked missing ("." or an empty cell: a holiday, a day without a quote), left out. */
  missingDays: number;
}

export interface FredRequest extends DatasetRequest {
  id: string;
}

/** A cached series younger than this is used without asking FRED (it publishes once a day). */
export const FRED_REFRESH_HOURS = 12;
const MAX_FRED_BYTES = 8 * 1024 * 1024;
export const FRED_ID_PATTERN = /^[A-Z0-9_]{1,30}$/;

function shown(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

/**
 * Reads FRED's CSV: a header `DATE,ID` or `observation_date,ID`, then `YYYY-MM-DD,value` rows,
 * where `.` or an empty cell is a missing day. Anything else refuses the file, naming the line.
 */
export function parseFredCsv(text: string, id: string, where: string): { dates: IsoDate[]; values: number[]; missingDays: number } {
  const lines = text.replace(/^\ufeff/, "").split(/\r?\n/);
  const header = (lines[0] ?? "").split(",").map((c) => c.trim());
  if (header.length !== 2 || !["date", "observation_date"].includes((header[0] ?? "").toLowerCase())) {
    throw new DataError(`FRED ${id} (${where}), line 1: expected a header "DATE,${id}" or "observation_date,${id}", found "${printable(lines[0] ?? "", 60)}"${(lines[0] ?? "").trimStart().startsWith("<") ? " (a web page?)" : ""}`);
  }
  const dates: IsoDate[] = [];
  const values: number[] = [];
  let missingDays = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === "" && i === lines.length - 1) break;
    const cells = line.split(",").map((c) => c.trim());
    const [date, value] = cells as [string, string | undefined];
    if (cells.length !== 2 || !isIsoDate(date)) throw new DataError(`FRED ${id} (${where}), line ${i + 1}: not "YYYY-MM-DD,value": "${printable(line, 60)}"`);
    if (dates.length > 0 && date <= (dates[dates.length - 1] as IsoDate)) throw new DataError(`FRED ${id} (${where}), line ${i + 1}: date ${date} is not after the line before's`);
    if (value === "." || value === "" || value === undefined) {
      missingDays++;
      continue;
    }
    const number = Number(value);
    if (!/^-?\d+(\.\d+)?$/.test(value) || !Number.isFinite(number) || Math.abs(number) > 1000) throw new DataError(`FRED ${id} (${where}), line ${i + 1}: value "${printable(value, 20)}" is not a number`);
    dates.push(date);
    values.push(number);
  }
  if (dates.length === 0) throw new DataError(`FRED ${id} (${where}): no values`);
  return { dates, values, missingDays };
}

interface CacheRecord {
  format: 1;
  id: string;
  fetchedAt: string;
  url: string;
  sha256: string;
}


/** The cached series, or null with why (a problem is a warning: the series is fetched again). */
function readCache(dir: string, id: string): { series: FredSeries | null; problem?: string } {
  const recordFile = path.join(dir, `${id}.json`);
  const csvFile = path.join(dir, `${id}.csv`);
  const why = untrustedCacheFile(recordFile, 1 << 16, "FRED record") ?? untrustedCacheFile(csvFile, MAX_FRED_BYTES, "FRED series");
  if (why) return { series: null, problem: `${why}; fetching it again` };
  try {
    const record = JSON.parse(readFileSync(recordFile, "utf8")) as CacheRecord;
    const text = readFileSync(csvFile, "utf8");
    if (record.format !== 1 || record.id !== id || typeof record.fetchedAt !== "string" || Number.isNaN(Date.parse(record.fetchedAt)) || sha256Hex(text) !== record.sha256) {
      return { series: null, problem: `the cached FRED ${id} does not match its record (edited or torn); fetching it again` };
    }
    return { series: { id, ...parseFredCsv(text, id, csvFile), fetchedAt: record.fetchedAt, url: record.url, sha256: record.sha256 } };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { series: null };
    return { series: null, problem: `the cached FRED ${id} could not be read (${errorMessage(error)}); fetching it again` };
  }
}

async function download(request: FredRequest): Promise<{ series: FredSeries; text: string }> {
  const url = `${request.baseUrl}${request.baseUrl.includes("?") ? "&" : "?"}id=${encodeURIComponent(request.id)}`;
  const fetcher = retryingFetch(request.fetch, { ...defaultRetryPolicy, timeoutMs: request.timeoutMs, ...request.retry });
  let response: HttpAnswer;
  try {
    response = await fetcher(url);
  } catch (error) {
    throw error instanceof NetworkError ? new NetworkError(`FRED ${request.id} (${shown(url)}): ${error.message}`) : error;
  }
  if (response.status !== 200) throw new NetworkError(`FRED ${request.id}: ${shown(url)} answered HTTP ${response.status}${response.status === 404 ? " (no such series?)" : ""}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length > MAX_FRED_BYTES) throw new DataError(`FRED ${request.id}: ${shown(url)} sent ${bytes.length} bytes, more than a daily series ever holds`);
  const text = new TextDecoder().decode(bytes);
  const parsed = parseFredCsv(text, request.id, shown(url));
  return { series: { id: request.id, ...parsed, fetchedAt: request.now().toISOString(), url: shown(url), sha256: sha256Hex(text) }, text };
}

/** The series from the cache when young enough (or offline), else downloaded; null, with a warning, when neither has it. */
export async function loadFredSeries(request: FredRequest): Promise<{ series: FredSeries | null; warnings: string[] }> {
  const dir = path.join(request.cacheDir, "fred");
  const warnings: string[] = [];
  const cached = readCache(dir, request.id);
  if (cached.problem) warnings.push(cached.problem);
  const ageHours = cached.series ? (request.now().getTime() - Date.parse(cached.series.fetchedAt)) / 3_600_000 : Infinity;
  if (cached.series && (request.offline || request.quiet || (ageHours >= 0 && ageHours < FRED_REFRESH_HOURS))) return { series: cached.series, warnings };
  if (request.quiet) return { series: null, warnings };
  if (request.offline) {
    warnings.push(`FRED ${request.id} is not cached and this run is offline; left out (an online \`rotation drivers\` downloads it)`);
    return { series: null, warnings };
  }
  try {
    const { series, text } = await download(request);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      // The CSV first: a record never vouches for a file that is not there.
      if (replaceCacheFile(path.join(dir, `${request.id}.csv`), new TextEncoder().encode(text))) {
        const record: CacheRecord = { format: 1, id: series.id, fetchedAt: series.fetchedAt, url: series.url, sha256: series.sha256 };
        replaceCacheFile(path.join(dir, `${request.id}.json`), new TextEncoder().encode(`${JSON.stringify(record)}\n`));
      }
    } catch {
      // A cache only saves time.
    }
    return { series, warnings };
  } catch (error) {
    if (!(error instanceof DataError || error instanceof NetworkError)) throw error;
    if (cached.series) {
      warnings.push(`${error.message}; using the cached copy fetched ${cached.series.fetchedAt.slice(0, 16).replace("T", " ")} UTC`);
      return { series: cached.series, warnings };
    }
    warnings.push(`${error.message}; left out`);
    return { series: null, warnings };
  }
}
