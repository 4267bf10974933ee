import type { IsoDate } from "../core/dates.js";
import { episodeReportOf, INTERVAL_METHOD, pairEpisodes, type Episode } from "../core/episodes.js";
import { pairName } from "../core/universe.js";
import { lookbackText, type Lookback } from "../core/lookback.js";
import type { Universe } from "../core/universe.js";
import type { EpisodesReport } from "../output/episodes.js";
import type { Runtime } from "../runtime.js";
import type { LoadProgress } from "../sources/source.js";
import type { SourceChoice } from "../settings/source.js";
import { failedSymbols, loadPrices, pairChunks, surveyPrices, withoutSymbols } from "./prices.js";

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

/**
 * computeEpisodes' episodes, a chunk of pairs at a time (--format ndjson): each pair's episodes
 * are handed to `emit` as soon as they are found, and only a chunk's closes are in memory
 * (surveyPrices). The episodes, their forward returns and their drivers are computeEpisodes'
 * (the driver funds are read once, as it reads them); the summaries are not part of the lines
 * and are not computed. Returns the warnings computeEpisodes would give.
 */
export async function streamEpisodes(request: EpisodesRequest, runtime: Runtime, emit: (episodes: Episode[]) => void, onProgress?: (progress: LoadProgress) => void): Promise<{ warnings: string[] }> {
  const symbols = request.universe.pairs.flatMap((p) => [p.symbol, p.benchmark]);
  const survey = await surveyPrices(symbols, request.source, runtime, request.asOf, onProgress);
  const universe = withoutSymbols(request.universe, survey.failed);
  const asOf = survey.dates.lastDate(universe.pairs.flatMap((p) => [p.symbol, p.benchmark])) ?? "";
  const { withPricesAtHand, episodeAnnotator } = await import("./drivers.js");
  const { DEFAULT_DRIVER_SPECS, driverSymbols } = await import("../core/drivers.js");
  // The driver funds as computeEpisodes has them: those of the universe as the universe judged
  // them, the others read beside it (never a download).
  const wanted = DEFAULT_DRIVER_SPECS.flatMap(driverSymbols);
  const drivers = asOf === "" ? null : await withPricesAtHand(await survey.load(wanted.filter((s) => survey.dates.has(s) && !survey.failed.has(s))), wanted, request.source, runtime, asOf);
  const annotate = drivers === null ? undefined : episodeAnnotator(drivers, request.lookback);
  const done = new Set<string>();
  for (const chunk of pairChunks(universe.pairs)) {
    // A pair named twice is reported once.
    const pairs = chunk.filter((spec) => !done.has(pairName(spec)) && done.add(pairName(spec)));
    if (pairs.length === 0) continue;
    const known = await survey.load([...new Set(pairs.flatMap((p) => [p.symbol, p.benchmark]))]);
    for (const spec of pairs) {
      const found = pairEpisodes(known, spec, { ...request, pairs: [spec], ...(annotate ? { annotate } : {}) });
      if (found.length > 0) emit(found);
    }
  }
  return { warnings: survey.warnings };
}

/** Splits in the order they are read: calendar windows, then drivers; inside before outside, top before bottom. */
function splitRank(split: { by: string; group: string }): number {
  const by = ["russell-reconstitution", "january"].indexOf(split.by);
  const group = ["inside", "outside", "top third", "middle third", "bottom third"].indexOf(split.group);
  return (by < 0 ? 10 + split.by.length : by) * 10 + group;
}
