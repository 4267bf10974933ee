import { namesList } from "../../core/text.js";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DataError } from "../../errors.js";
import { PACKAGE_ROOT } from "../../package-root.js";
import { CsvFolderSource } from "../csv/folder.js";
import type { LoadResult, PriceSource } from "../source.js";
import type { PriceSeries } from "../../core/series.js";

/** The bundled sample ships in the package beside dist/ (and is what the tests read too). */
export const SAMPLE_DIR = fileURLToPath(new URL("fixtures/sample/", PACKAGE_ROOT));

export interface SampleManifest {
  lastDate: string;
  tickers: string[];
}

let manifest: SampleManifest | undefined;

export function sampleManifest(): SampleManifest {
  manifest ??= JSON.parse(readFileSync(`${SAMPLE_DIR}sample.json`, "utf8")) as SampleManifest;
  return manifest;
}

/**
 * Real closes of the default funds to a fixed date, for demos and for a machine that cannot
 * reach Yahoo Finance. Every answer says it is the sample, so it is never mistaken for today.
 */
export class SampleSource implements PriceSource {
  /** `reason`: why the sample is shown (asked for with --sample, or Yahoo unreachable). */
  constructor(private readonly reason: string) {}

  async load(symbols: readonly string[], _onProgress?: unknown, keep?: (series: PriceSeries) => PriceSeries): Promise<LoadResult> {
    const { lastDate, tickers } = sampleManifest();
    const missing = symbols.filter((s) => !tickers.includes(s));
    if (missing.length > 0) {
      throw new DataError(`the bundled sample has no ${namesList(missing)}; it covers ${tickers.join(", ")} (daily closes to ${lastDate})`);
    }
    const loaded = await new CsvFolderSource(SAMPLE_DIR, { lenient: false, snapshotDir: null }).load(symbols, undefined, keep);
    return { ...loaded, info: { kind: "sample", lastDate, reason: this.reason } };
  }
}
