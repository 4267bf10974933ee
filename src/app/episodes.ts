import type { IsoDate } from "../core/dates.js";
import { episodeReportOf, INTERVAL_METHOD } from "../core/episodes.js";
import { lookbackText, type Lookback } from "../core/lookback.js";
import type { Universe } from "../core/universe.js";
import type { EpisodesReport } from "../output/episodes.js";
import type { Runtime } from "../runtime.js";
import type { LoadProgress } from "../sources/source.js";
import type { SourceChoice } from "../settings/source.js";
import { failedSymbols, loadPrices, withoutSymbols } from "./prices.js";

export interface EpisodesRequest {
  universe: Universe;
  window: number;
  threshold: number;
  lookback: Lookback;
  gap: number;
  since: IsoDate | undefined;
  until: IsoDate | undefined;
  asOf: IsoDate | undefined;
  source: SourceChoice;
  /** Summaries of subsets (--split): "calendar", or a default driver's id for its regimes. */
  split?: readonly string[];
}

export async function computeEpisodes(request: EpisodesRequest, runtime: Runtime, onProgress?: (progress: LoadProgress) => void): Promise<EpisodesReport> {
  const symbols = request.universe.pairs.flatMap((p) => [p.symbol, p.benchmark]);
  const loaded = await loadPrices(symbols, request.source, runtime, request.asOf, onProgress);
  const universe = withoutSymbols(request.universe, failedSymbols(loaded));
  const asOf = loaded.prices.lastDate(universe.pairs.flatMap((p) => [p.symbol, p.benchmark])) ?? "";
  // Each episode's drivers and calendar, from the driver funds at hand (never a download).
  const { withPricesAtHand, episodeAnnotator, splitter } = await import("./drivers.js");
  const { DEFAULT_DRIVER_SPECS, driverSymbols } = await import("../core/drivers.js");
  const prices = asOf === "" ? loaded.prices : await withPricesAtHand(loaded.prices, DEFAULT_DRIVER_SPECS.flatMap(driverSymbols), request.source, runtime, asOf);
  const split = request.split ?? [];
  const { episodes, summary, splits } = episodeReportOf(prices, { ...request, pairs: universe.pairs, annotate: episodeAnnotator(prices, request.lookback), ...(split.length > 0 ? { splitOf: splitter(split) } : {}) });
  return {
    asOf,
    source: loaded.info,
    parameters: { window: request.window, threshold: request.threshold, lookback: lookbackText(request.lookback), gap: request.gap, since: request.since ?? null, until: request.until ?? null, intervals: INTERVAL_METHOD },
    episodes,
    summary,
    splits: splits.sort((x, y) => splitRank(x) - splitRank(y)),
    warnings: loaded.warnings,
  };
}

/** Splits in the order they are read: calendar windows, then drivers; inside before outside, top before bottom. */
function splitRank(split: { by: string; group: string }): number {
  const by = ["russell-reconstitution", "january"].indexOf(split.by);
  const group = ["inside", "outside", "top third", "middle third", "bottom third"].indexOf(split.group);
  return (by < 0 ? 10 + split.by.length : by) * 10 + group;
}
