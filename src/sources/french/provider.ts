import { lstatSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { SERIES_DERIVATION, splitSeriesOf, type SizeBookToMarket, type SplitSeries } from "../../core/size-valuation.js";
import { DataError, errorMessage, NetworkError } from "../../errors.js";
import { replaceCacheFile } from "../../fs-write.js";
import { defaultRetryPolicy, retryingFetch } from "../http.js";
import type { HttpAnswer } from "../answer.js";
import type { DatasetRequest } from "../source.js";
import { parseFrenchCsv, sectionTitled, type FrenchFile } from "./format.js";
import { sha256Hex } from "../../sha256.js";

/**
 * Kenneth French's Data Library (Fama/French portfolios from CRSP and Compustat): a named
 * dataset is downloaded as `<NAME>_CSV.zip`, unzipped, read whole (format.ts) and cached as the
 * CSV it held, with its CRSP vintage and SHA-256; it is downloaded again at most once a month
 * (the library updates monthly), never when offline, and a download that fails leaves the cache
 * in use, said in a warning.
 */
export const DEFAULT_FRENCH_DATASET = "25_Portfolios_5x5";
/** A cached file younger than this is used without asking the library. */
export const FRENCH_REFRESH_DAYS = 30;
/** The library's zips are about 1 MB; anything far larger is not one of them. */
const MAX_ZIP_BYTES = 32 * 1024 * 1024;
const MAX_CSV_BYTES = 64 * 1024 * 1024;

export interface FrenchDataset {
  name: string;
  vintage: string | null;
  /** SHA-256 of the CSV text, hex. */
  sha256: string;
  fetchedAt: string;
  url: string;
  /** The small-versus-large series of each split the file allows. */
  series: SplitSeries[];
}

export interface FrenchRequest extends DatasetRequest {
  name: string;
}

export interface FrenchLoad {
  dataset: FrenchDataset | null;
  warnings: string[];
}

/** The URL as it may be printed: no user, password, query or fragment. */
function shown(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

/** The three sections the valuation series reads, months aligned. */
export function sizeBookToMarketOf(file: FrenchFile, name: string): SizeBookToMarket {
  const firms = sectionTitled(file, "Number of Firms in Portfolios", name);
  const caps = sectionTitled(file, "Average Market Cap", name);
  const bookToMarket = sectionTitled(file, "BE_FYt-1/ME_June t", name);
  for (const section of [firms, caps, bookToMarket]) {
    if (section.columns.join(",") !== firms.columns.join(",")) throw new DataError(`French data ${name}, line ${section.line} (section "${section.title}"): its portfolios differ from those of "${firms.title}"`);
    if (!/^\d{4}-\d{2}$/.test(section.periods[0] ?? "")) throw new DataError(`French data ${name}, line ${section.line} (section "${section.title}"): yearly rows where months were expected`);
  }
  const capAt = new Map(caps.periods.map((month, i) => [month, caps.values[i]]));
  const bookAt = new Map(bookToMarket.periods.map((month, i) => [month, bookToMarket.values[i]]));
  const months = firms.periods.filter((month) => capAt.has(month) && bookAt.has(month));
  const firmsAt = new Map(firms.periods.map((month, i) => [month, firms.values[i]]));
  return {
    columns: firms.columns,
    months,
    firms: months.map((m) => firmsAt.get(m) as (number | null)[]),
    averageCap: months.map((m) => capAt.get(m) as (number | null)[]),
    bookToMarketJune: months.map((m) => bookAt.get(m) as (number | null)[]),
  };
}

/**
 * The cache: `<NAME>.csv`, the file as the library sent it (kept to be derived again), and
 * `<NAME>.json`, its record (vintage, SHA-256 of the CSV, when and where it was fetched) with
 * the monthly series derived from it, which is all a run reads (a few milliseconds, where
 * reading the CSV takes ~100).
 */
type CacheRecord = FrenchDataset & { format: 1; derivation: number };


/** Only a regular file of ours, not writable by others, is read back (never a link, a FIFO or a device); else why not. */
function untrusted(file: string): string | null {
  const stat = lstatSync(file);
  if (!stat.isFile()) return `${file} is not a regular file`;
  if ((stat.mode & 0o022) !== 0) return `${file} is writable by other users`;
  return null;
}

function isRecord(value: unknown, name: string): value is CacheRecord {
  const record = value as CacheRecord;
  return (
    typeof record === "object" && record !== null && record.format === 1 && record.name === name && typeof record.sha256 === "string" &&
    typeof record.fetchedAt === "string" && !Number.isNaN(Date.parse(record.fetchedAt)) && typeof record.url === "string" && Array.isArray(record.series) &&
    record.series.every((s) => typeof s?.id === "string" && typeof s.label === "string" && Array.isArray(s.points) && s.points.every((p) => typeof p?.month === "string" && Number.isFinite(p.ratio) && Number.isFinite(p.smallBookToMarket) && Number.isFinite(p.largeBookToMarket) && typeof p.formedIn === "string"))
  );
}

/** The cached dataset, or null with why (a problem is a warning: the file is fetched again). */
function readCache(dir: string, name: string): { dataset: FrenchDataset | null; problem?: string } {
  const recordFile = path.join(dir, `${name}.json`);
  let record: unknown;
  try {
    const why = untrusted(recordFile);
    if (why) return { dataset: null, problem: `${why}; not trusted, fetching it again` };
    record = JSON.parse(readFileSync(recordFile, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { dataset: null };
    return { dataset: null, problem: `the cached French data ${name} could not be read (${errorMessage(error)}); fetching it again` };
  }
  if (!isRecord(record, name)) return { dataset: null, problem: `the cached French data ${name} is not a record this version wrote (edited or torn); fetching it again` };
  if (record.derivation !== SERIES_DERIVATION) {
    // Derived by another version of the formula: derived again from the CSV beside it, if it is the one recorded.
    try {
      const csvFile = path.join(dir, `${name}.csv`);
      if (untrusted(csvFile) !== null) return { dataset: null };
      const text = readFileSync(csvFile, "latin1");
      if (sha256Hex(text) !== record.sha256) return { dataset: null };
      const series = splitSeriesOf(sizeBookToMarketOf(parseFrenchCsv(text, name), name));
      const dataset = { name, vintage: record.vintage, sha256: record.sha256, fetchedAt: record.fetchedAt, url: record.url, series };
      writeRecord(dir, dataset);
      return { dataset };
    } catch {
      return { dataset: null };
    }
  }
  return { dataset: { name, vintage: record.vintage, sha256: record.sha256, fetchedAt: record.fetchedAt, url: record.url, series: record.series } };
}

function writeRecord(dir: string, dataset: FrenchDataset): boolean {
  const record: CacheRecord = { format: 1, derivation: SERIES_DERIVATION, ...dataset };
  return replaceCacheFile(path.join(dir, `${dataset.name}.json`), new TextEncoder().encode(`${JSON.stringify(record)}\n`));
}

/** Downloads, unzips and reads the dataset; refuses anything that is not the library's zip of one CSV. */
async function download(request: FrenchRequest): Promise<{ dataset: FrenchDataset; text: string }> {
  const url = `${request.baseUrl}${request.name}_CSV.zip`;
  // A mirror's user and password go in an Authorization header, never in the URL fetched (or shown).
  const target = new URL(url);
  const headers: Record<string, string> = {};
  if (target.username !== "" || target.password !== "") {
    headers.authorization = `Basic ${btoa(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`)}`;
    target.username = "";
    target.password = "";
  }
  const fetcher = retryingFetch(request.fetch, { ...defaultRetryPolicy, timeoutMs: request.timeoutMs, ...request.retry });
  let response: HttpAnswer;
  try {
    response = await fetcher(target.href, { headers });
  } catch (error) {
    throw error instanceof NetworkError ? new NetworkError(`French data library (${shown(url)}): ${error.message}`) : error;
  }
  if (response.status !== 200) throw new NetworkError(`French data library: ${shown(url)} answered HTTP ${response.status}${response.status === 404 ? " (no such dataset)" : ""}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length > MAX_ZIP_BYTES) throw new DataError(`French data library: ${shown(url)} sent ${bytes.length} bytes, more than a dataset's zip ever holds`);
  // A zip starts "PK\x03\x04"; a proxy's or a portal's web page does not.
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04)) {
    const head = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart().toLowerCase();
    throw new DataError(`French data library: ${shown(url)} sent ${head.startsWith("<") ? "a web page" : "something"} instead of a zip`);
  }
  let files: Record<string, Uint8Array>;
  // fflate only when a zip is at hand: a run that reads the cache never loads it.
  const { unzipSync } = await import("fflate");
  try {
    files = unzipSync(bytes, { filter: (file) => /\.csv$/i.test(file.name) && file.originalSize <= MAX_CSV_BYTES });
  } catch (error) {
    throw new DataError(`French data library: the zip from ${shown(url)} is damaged (${errorMessage(error).replace(/\s+/g, " ").slice(0, 80)}); was the download cut short?`);
  }
  const names = Object.keys(files);
  if (names.length !== 1) throw new DataError(`French data library: the zip from ${shown(url)} holds ${names.length} CSV files, expected one`);
  const text = new TextDecoder("latin1").decode(files[names[0] as string]);
  const file = parseFrenchCsv(text, request.name);
  const series = splitSeriesOf(sizeBookToMarketOf(file, request.name));
  if (series.length === 0) throw new DataError(`French data ${request.name}: its portfolios are not split by size quintiles or halves (SMALL, MEk, BIG)`);
  return { dataset: { name: request.name, vintage: file.vintage, sha256: sha256Hex(text), fetchedAt: request.now().toISOString(), url: shown(url), series }, text };
}

/** The dataset from the cache when it is young enough (or offline), else downloaded; null when neither has it. */
export async function loadFrenchDataset(request: FrenchRequest): Promise<FrenchLoad> {
  const dir = path.join(request.cacheDir, "french");
  const warnings: string[] = [];
  const cached = readCache(dir, request.name);
  if (cached.problem) warnings.push(cached.problem);
  const ageDays = cached.dataset ? (request.now().getTime() - Date.parse(cached.dataset.fetchedAt)) / 86_400_000 : Infinity;
  if (cached.dataset && (request.offline || request.quiet || ageDays < FRENCH_REFRESH_DAYS)) return { dataset: cached.dataset, warnings };
  if (request.quiet) return { dataset: null, warnings };
  if (request.offline) {
    warnings.push(`French data ${request.name} is not cached and this run is offline; no valuation history (an online \`rotation valuation\` downloads it)`);
    return { dataset: null, warnings };
  }
  try {
    const { dataset, text } = await download(request);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      // The CSV first: a record never vouches for a file that is not there.
      if (replaceCacheFile(path.join(dir, `${request.name}.csv`), Buffer.from(text, "latin1"))) writeRecord(dir, dataset);
    } catch {
      // A cache only saves time: the dataset is used all the same.
    }
    return { dataset, warnings };
  } catch (error) {
    if (!(error instanceof DataError || error instanceof NetworkError)) throw error;
    if (cached.dataset) {
      warnings.push(`${error.message}; using the cached copy (CRSP vintage ${cached.dataset.vintage ?? "unknown"}, fetched ${cached.dataset.fetchedAt.slice(0, 10)})`);
      return { dataset: cached.dataset, warnings };
    }
    warnings.push(`${error.message}; no valuation history`);
    return { dataset: null, warnings };
  }
}
