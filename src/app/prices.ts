import type { IsoDate } from "../core/dates.js";
import { pointInTime, type PointInTime } from "../core/series.js";
import type { Universe } from "../core/universe.js";
import { DataError, NetworkError, NotCachedError, UsageError, type RotationError, type Unreachable } from "../errors.js";
import type { Runtime } from "../runtime.js";
import { priceProvider } from "../sources/providers.js";
import type { LoadProgress, LoadResult } from "../sources/source.js";
import type { SourceChoice } from "../settings/source.js";

/** Loaded prices, already cut to the as-of date: the only form in which use cases see them. */
export interface LoadedPrices extends LoadResult {
  prices: PointInTime;
}

/** What a user can do when a live feed cannot be reached at all. */
export const UNREACHABLE_ADVICE = "check the network or HTTPS_PROXY, use cached prices with --offline, or read CSV files with --data DIR";

/** The one reason every failure shares when no server answered any of them, else null. */
export function sharedUnreachable(failures: LoadResult["failures"]): Unreachable | null {
  const first = failures[0]?.error;
  if (!(first instanceof NetworkError) || first.unreachable === null) return null;
  const { code, host } = first.unreachable;
  const same = failures.every((f) => f.error instanceof NetworkError && f.error.unreachable?.code === code && f.error.unreachable.host === host);
  return same ? first.unreachable : null;
}

/**
 * One line for every ticker that failed: distinct reasons joined, network-only stays a network
 * error. When every ticker failed for the same unreachable host, the reason is said once.
 */
export function combineFailures(failures: LoadResult["failures"], title = "the price feed"): RotationError {
  const unreachable = sharedUnreachable(failures);
  if (unreachable !== null && failures.length > 1) {
    return new NetworkError(
      `cannot reach ${title} (${unreachable.code} ${unreachable.host}) for ${failures.map((f) => f.symbol).join(", ")} — ${UNREACHABLE_ADVICE}`,
      unreachable,
    );
  }
  if (failures.length > 1 && failures.every((f) => f.error instanceof NotCachedError)) {
    const dir = (failures[0]!.error as NotCachedError).cacheDir;
    return new DataError(
      `nothing cached for ${failures.map((f) => f.symbol).join(", ")}${dir ? ` in ${dir}` : ""} — run once without --offline to download, use --sample for the bundled sample, or read CSV files with --data DIR`,
    );
  }
  const messages = [...new Set(failures.map((f) => f.error.message))];
  const text = messages.join("; ");
  // A usage fault (a token missing or refused) keeps its exit code: the command must change.
  if (failures.some((f) => f.error instanceof UsageError)) return new UsageError(text);
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
  const provider = priceProvider(choice.kind);
  const source = await provider.open(choice, runtime);
  let loaded = await source.load([...new Set(symbols)], onProgress);
  // The fallback chain, the same for every live feed: the cache (inside the source), then the
  // bundled sample when the feed could not be reached at all and nothing was cached.
  const fallback = provider.live && "fallback" in choice && choice.fallback === true;
  const unreachable = fallback && loaded.series.size === 0 ? sharedUnreachable(loaded.failures) : null;
  if (unreachable !== null) loaded = await loadSample([...new Set(symbols)], unreachable, provider.title);
  if (loaded.failures.length > 0) {
    if (!choice.partial || loaded.series.size === 0) throw combineFailures(loaded.failures, provider.title);
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

/**
 * A live feed could not be reached for any ticker and nothing was cached: show the bundled
 * sample rather than nothing, and say so loudly (stderr, the table's title, the JSON).
 */
async function loadSample(symbols: string[], unreachable: Unreachable, title: string): Promise<LoadResult> {
  const { SampleSource, sampleManifest } = await import("../sources/sample/source.js");
  const reason = `${title} unreachable (${unreachable.code} ${unreachable.host})`;
  const loaded = await new SampleSource(reason).load(symbols);
  loaded.warnings.unshift(
    `${reason}; showing the bundled sample, daily closes to ${sampleManifest().lastDate}. Connect, set HTTPS_PROXY, or read your own files with --data DIR.`,
  );
  return loaded;
}
