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
}

export async function computeEpisodes(request: EpisodesRequest, runtime: Runtime, onProgress?: (progress: LoadProgress) => void): Promise<EpisodesReport> {
  const symbols = request.universe.pairs.flatMap((p) => [p.symbol, p.benchmark]);
  const loaded = await loadPrices(symbols, request.source, runtime, request.asOf, onProgress);
  const universe = withoutSymbols(request.universe, failedSymbols(loaded));
  const { episodes, summary } = episodeReportOf(loaded.prices, { ...request, pairs: universe.pairs });
  return {
    asOf: loaded.prices.lastDate(universe.pairs.flatMap((p) => [p.symbol, p.benchmark])) ?? "",
    source: loaded.info,
    parameters: { window: request.window, threshold: request.threshold, lookback: lookbackText(request.lookback), gap: request.gap, since: request.since ?? null, until: request.until ?? null, intervals: INTERVAL_METHOD },
    episodes,
    summary,
    warnings: loaded.warnings,
  };
}
