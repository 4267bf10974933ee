import type { IsoDate } from "../core/dates.js";
import { pointInTime, type PointInTime } from "../core/series.js";
import type { Universe } from "../core/universe.js";
import { DataError, NetworkError, type RotationError } from "../errors.js";
import type { Runtime } from "../runtime.js";
import { openSource } from "../sources/registry.js";
import type { LoadProgress, LoadResult } from "../sources/source.js";
import type { SourceChoice } from "../settings/source.js";

/** Loaded prices, already cut to the as-of date: the only form in which use cases see them. */
export interface LoadedPrices extends LoadResult {
  prices: PointInTime;
}

/** One line for every ticker that failed: distinct reasons joined, network-only stays a network error. */
export function combineFailures(failures: LoadResult["failures"]): RotationError {
  const messages = [...new Set(failures.map((f) => f.error.message))];
  const text = messages.join("; ");
  return failures.every((f) => f.error instanceof NetworkError) ? new NetworkError(text) : new DataError(text);
}

/** The universe without the tickers that failed to load (--partial). */
export function withoutSymbols(universe: Universe, failed: ReadonlySet<string>): Universe {
  return {
    small: universe.small.filter((s) => !failed.has(s)),
    mid: universe.mid.filter((s) => !failed.has(s)),
    large: universe.large.filter((s) => !failed.has(s)),
    pairs: universe.pairs.filter((p) => !failed.has(p.symbol) && !failed.has(p.benchmark)),
  };
}

/**
 * Loads prices for the symbols and cuts them to the as-of date. A ticker that fails stops the
 * run, unless the source choice says --partial: then it is named in a warning and left out.
 * Refuses an as-of date before every series starts.
 */
export async function loadPrices(
  symbols: readonly string[],
  choice: SourceChoice,
  runtime: Runtime,
  asOf: IsoDate | undefined,
  onProgress?: (progress: LoadProgress) => void,
): Promise<LoadedPrices> {
  const source = await openSource(choice, runtime);
  const loaded = await source.load([...new Set(symbols)], onProgress);
  if (loaded.failures.length > 0) {
    if (!choice.partial || loaded.series.size === 0) throw combineFailures(loaded.failures);
    for (const message of new Set(loaded.failures.map((f) => f.error.message))) loaded.warnings.push(`${message} (left out: --partial)`);
  }
  if (asOf !== undefined) {
    const earliest = [...loaded.series.values()]
      .map((s) => s.dates[0])
      .filter((d): d is string => d !== undefined)
      .sort()[0];
    if (earliest === undefined || earliest > asOf) {
      throw new DataError(`--as-of ${asOf} is before the first price in the data${earliest ? ` (${earliest})` : ""}`);
    }
  }
  return { ...loaded, prices: pointInTime(loaded.series, asOf) };
}

/** The symbols that failed to load (left out under --partial). */
export function failedSymbols(loaded: LoadResult): Set<string> {
  return new Set(loaded.failures.map((f) => f.symbol));
}
