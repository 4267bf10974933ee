import { readFile, stat } from "node:fs/promises";
import pLimit from "p-limit";
import path from "node:path";
import { DataError } from "../errors.js";
import type { PriceSeries } from "../core/series.js";
import { parsePriceCsv } from "./csv-format.js";
import type { LoadResult, PriceSource } from "./source.js";

/** Larger price files are refused rather than read: 50 years of daily bars is under 1 MiB. */
export const MAX_CSV_BYTES = 64 * 1024 * 1024;

/** Reads DIR/TICKER.csv for each ticker. */
export class CsvFolderSource implements PriceSource {
  constructor(
    private readonly dir: string,
    private readonly options: { lenient: boolean } = { lenient: false },
  ) {}

  async load(symbols: readonly string[]): Promise<LoadResult> {
    const folder = path.resolve(this.dir);
    const folderStat = await stat(folder).catch(() => null);
    if (!folderStat?.isDirectory()) throw new DataError(`data folder ${this.dir} does not exist or is not a folder`);

    const missing: string[] = [];
    // A bounded number of files in flight keeps memory flat when a thousand funds are read.
    const limit = pLimit(16);
    const results = await Promise.all(
      symbols.map((symbol) => limit(async () => {
        const file = path.join(folder, `${symbol}.csv`);
        const fileStat = await stat(file).catch(() => null);
        if (!fileStat?.isFile()) {
          missing.push(symbol);
          return null;
        }
        if (fileStat.size > MAX_CSV_BYTES) {
          throw new DataError(`${file}: ${fileStat.size} bytes is larger than the ${MAX_CSV_BYTES / 1024 / 1024} MiB limit for a price file`);
        }
        const text = await readFile(file, "utf8");
        return parsePriceCsv(text, file, symbol, this.options);
      })),
    );
    if (missing.length > 0) {
      throw new DataError(`no data for ${missing.sort().join(", ")} in ${folder} (expected ${missing.length === 1 ? "file" : "files"} ${missing.map((s) => `${s}.csv`).join(", ")})`);
    }
    const series = new Map<string, PriceSeries>();
    const warnings: string[] = [];
    for (const result of results) {
      if (!result) continue;
      series.set(result.series.symbol, result.series);
      warnings.push(...result.warnings);
    }
    return { series, warnings, info: { kind: "csv", dir: folder } };
  }
}
