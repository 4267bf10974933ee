import { accessSync, constants, lstatSync, readFileSync, realpathSync, statSync, type BigIntStats } from "node:fs";
import { decodedPieces, filePieces } from "../../fs-read.js";
import path from "node:path";
import { DataError } from "../../errors.js";
import { requireOnUse } from "../../boot/require-on-use.js";
import { fileError } from "../../fs-errors.js";
import type { PriceSeries } from "../../core/series.js";
import type { IsoDate } from "../../core/dates.js";
import { parsePriceCsvPieces, type CsvParseOptions, type ParsedCsv } from "./format.js";
import { parsePlainBytes } from "./fast-path.js";
import { readSnapshot, writeSnapshot } from "./snapshot.js";
import type { LoadResult, PriceSource } from "../source.js";

/** Larger price files are refused rather than read: 50 years of daily bars is under 1 MiB. */
export const MAX_CSV_BYTES = 64 * 1024 * 1024;

/** Files up to this size are read whole as bytes, so that the common layout is parsed from them directly. */
const WHOLE_FILE_BYTES = 8 * 1024 * 1024;

/**
 * The text of a price file from its start, each time it is called: read piece by piece, or for a
 * .gz file inflated first, its inflated size capped like a plain file's (a bomb is refused).
 */
function piecesOf(file: string, size: number): () => Iterable<string> {
  if (file.endsWith(".gz")) {
    const zlib = requireOnUse("node:zlib") as typeof import("node:zlib");
    const inflated = zlib.gunzipSync(readFileSync(file), { maxOutputLength: MAX_CSV_BYTES });
    return () => {
      let at = 0;
      return decodedPieces((buffer) => {
        const n = inflated.copy(buffer, 0, at, Math.min(at + buffer.length, inflated.length));
        at += n;
        return n;
      });
    };
  }
  return filePieces(file, size, MAX_CSV_BYTES, `${file}: larger than the ${MAX_CSV_BYTES / 1024 / 1024} MiB limit for a price file`);
}

/**
 * A price file parsed: a plain file of up to 8 MiB read whole as bytes and, in the common layout,
 * parsed from them (fast-path.ts); anything else by the general parser, from its text.
 */
function parseFile(file: string, size: number, symbol: string, options: CsvParseOptions): ParsedCsv {
  if (!file.endsWith(".gz") && size <= WHOLE_FILE_BYTES) {
    const bytes = readFileSync(file);
    if (bytes.length <= WHOLE_FILE_BYTES) {
      const fast = parsePlainBytes(bytes, symbol, options);
      if (fast !== null) return fast;
      const text = bytes.toString("utf8");
      return parsePriceCsvPieces(() => [text], file, symbol, options);
    }
  }
  return parsePriceCsvPieces(piecesOf(file, size), file, symbol, options);
}

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** A price file found: its path in the folder, its stat (a link's target's), and its real path. */
interface FoundFile {
  file: string;
  stat: BigIntStats;
  real: string;
}

/**
 * DIR/TICKER.csv, else DIR/TICKER.csv.gz, else null. A plain file's real path is the folder's
 * own followed by its name, so only a link costs a walk of the path (realpath): at 12,000 funds
 * read twice, those system calls were seconds.
 */
function priceFile(folder: string, realFolder: string, symbol: string): FoundFile | null {
  for (const name of [`${symbol}.csv`, `${symbol}.csv.gz`]) {
    const file = path.join(folder, name);
    try {
      const own = lstatSync(file, { throwIfNoEntry: false, bigint: true });
      if (own === undefined) continue;
      if (own.isFile()) return { file, stat: own, real: path.join(realFolder, name) };
      if (!own.isSymbolicLink()) continue;
      const target = statSync(file, { throwIfNoEntry: false, bigint: true });
      if (target?.isFile()) return { file, stat: target, real: realpathSync(file) };
    } catch (error) {
      // A link loop, a permission on the way: the file is there but cannot be reached.
      throw fileError("cannot read price file", file, error);
    }
  }
  return null;
}

/** Parsed files kept as snapshots together (see writeSnapshots). */
const SNAPSHOT_BATCH = 256;

/** A file parsed without a warning, to be kept as a snapshot once every file is read. */
interface Snapshotted {
  real: string;
  stat: BigIntStats;
  series: PriceSeries;
}

/** Reads DIR/TICKER.csv (or DIR/TICKER.csv.gz) for each ticker. */
export class CsvFolderSource implements PriceSource {
  constructor(
    private readonly dir: string,
    private readonly options: { lenient: boolean; snapshotDir?: string | null; latest?: IsoDate | undefined } = { lenient: false },
  ) {}

  /**
   * Files are read one after another, synchronously: local reads of a few hundred KiB are
   * faster that way than through the thread pool, and only one file's text is alive at a time.
   */
  async load(symbols: readonly string[], _onProgress?: unknown, keep?: (series: PriceSeries) => PriceSeries): Promise<LoadResult> {
    const folder = path.resolve(this.dir);
    if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) throw new DataError(`data folder ${this.dir} does not exist or is not a folder`);

    const realFolder = realpathSync(folder);
    const series = new Map<string, PriceSeries>();
    const warnings: string[] = [];
    const failures: LoadResult["failures"] = [];
    const missing: string[] = [];
    const toSnapshot: Snapshotted[] = [];
    for (const symbol of symbols) {
      const found = priceFile(folder, realFolder, symbol);
      try {
        // With `keep`, a snapshot's closes may be lent: keep reads them at once and holds none of them.
        const parsed = found === null ? null : this.readOne(found, symbol, realFolder, toSnapshot, keep !== undefined);
        if (parsed === null) {
          missing.push(symbol);
          continue;
        }
        series.set(symbol, keep === undefined ? parsed.series : keep(parsed.series));
        if (toSnapshot.length >= SNAPSHOT_BATCH) this.writeSnapshots(toSnapshot);
        for (const warning of parsed.warnings) warnings.push(warning);
      } catch (error) {
        if (!(error instanceof DataError)) throw error;
        failures.push({ symbol, error });
      }
    }
    this.writeSnapshots(toSnapshot);
    if (missing.length > 0) {
      // One line naming every missing ticker, as the first failure.
      const error = new DataError(`no data for ${missing.join(", ")} in ${folder} (expected ${missing.length === 1 ? "file" : "files"} ${missing.map((s) => `${s}.csv`).join(", ")})`);
      failures.unshift(...missing.map((symbol) => ({ symbol, error })));
    }
    return { series, warnings, info: { kind: "csv", dir: folder }, failures };
  }

  /**
   * Longest first: a fund listed later then refers to the calendar of an older one (its tail),
   * whatever order the funds were asked for in, and the dates are stored once. Written a batch
   * at a time, so that no more than a batch of parsed files waits in memory.
   */
  private writeSnapshots(pending: Snapshotted[]): void {
    const snapshots = this.options.snapshotDir;
    if (snapshots) for (const one of pending.sort((x, y) => y.series.dates.length - x.series.dates.length)) writeSnapshot(snapshots, one.real, one.stat, one.series);
    pending.length = 0;
  }

  /** One file, or null when there is none; a link that leads out of the folder is refused. */
  private readOne({ file, stat: fileStat, real }: FoundFile, symbol: string, realFolder: string, toSnapshot: Snapshotted[], borrow: boolean): ParsedCsv | null {
    if (!real.startsWith(realFolder + path.sep)) throw new DataError(`${file}: is a link to ${real}, outside the data folder; refused`);
    if (fileStat.size > BigInt(MAX_CSV_BYTES)) {
      throw new DataError(`${file}: ${fileStat.size} bytes is larger than the ${MAX_CSV_BYTES / 1024 / 1024} MiB limit for a price file`);
    }
    const snapshots = this.options.snapshotDir;
    // A snapshot stands in for a file this process could read, never for one it cannot.
    const remembered = snapshots && readable(file) ? readSnapshot(snapshots, real, symbol, fileStat, borrow) : null;
    if (remembered) return { series: remembered, warnings: [] };
    let parsed: ParsedCsv;
    try {
      parsed = parseFile(file, Number(fileStat.size), symbol, this.options);
    } catch (error) {
      // A bad row refuses the file; say once that --lenient would skip it instead.
      if (error instanceof DataError && !this.options.lenient && error.message.startsWith(`${file}:`) && /^:\d+: /.test(error.message.slice(file.length))) {
        throw new DataError(`${error.message} (--lenient skips bad rows, each with a warning)`);
      }
      if (error instanceof DataError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ERR_BUFFER_TOO_LARGE") throw new DataError(`${file}: larger than the ${MAX_CSV_BYTES / 1024 / 1024} MiB limit once inflated (a compressed bomb?); refused`);
      if (code?.startsWith("Z_")) throw new DataError(`${file}: not a readable gzip file (${code})`);
      throw new DataError(`${file}: cannot be read (${code ?? "error"})`);
    }
    if (snapshots && parsed.warnings.length === 0) toSnapshot.push({ real, stat: fileStat, series: parsed.series });
    return parsed;
  }
}
