import type { IsoDate } from "../core/dates.js";
import { availableParallelism } from "node:os";
import { episodeReportOf, INTERVAL_METHOD } from "../core/episodes.js";
import { chunkEpisodeLines, type EpisodeChunkSettings } from "./episode-lines.js";
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
 * computeEpisodes' episodes, a chunk of pairs at a time (--format ndjson): each chunk's NDJSON
 * lines are handed to `write`, in order, as soon as they are known, and only a few chunks'
 * closes are ever in memory (surveyPrices). The episodes, their forward returns and their
 * drivers are computeEpisodes' (the driver funds are read once, as it reads them); the
 * summaries are not part of the lines and are not computed. `workers` threads (see
 * episodeWorkers) compute chunks beside the main thread. Returns computeEpisodes' warnings.
 */
export async function streamEpisodes(request: EpisodesRequest & { workers?: number | undefined }, runtime: Runtime, write: (lines: string | Uint8Array) => void, onProgress?: (progress: LoadProgress) => void): Promise<{ warnings: string[] }> {
  const symbols = request.universe.pairs.flatMap((p) => [p.symbol, p.benchmark]);
  const survey = await surveyPrices(symbols, request.source, runtime, request.asOf, onProgress);
  const universe = withoutSymbols(request.universe, survey.failed);
  const asOf = survey.dates.lastDate(universe.pairs.flatMap((p) => [p.symbol, p.benchmark])) ?? "";
  const { withPricesAtHand, episodeAnnotator } = await import("./drivers.js");
  const { DEFAULT_DRIVER_SPECS, driverSymbols } = await import("../core/drivers.js");
  // The driver funds as computeEpisodes has them: those of the universe as the universe judged
  // them, the others read beside it (never a download).
  const wanted = [...new Set(DEFAULT_DRIVER_SPECS.flatMap(driverSymbols))];
  const drivers = asOf === "" ? null : await withPricesAtHand(await survey.load(wanted.filter((s) => survey.dates.has(s) && !survey.failed.has(s))), wanted, request.source, runtime, asOf);
  const annotate = drivers === null ? undefined : episodeAnnotator(drivers, request.lookback);
  const settings: EpisodeChunkSettings = { window: request.window, threshold: request.threshold, gap: request.gap, lookback: request.lookback, since: request.since, until: request.until };
  // A pair named twice is reported once.
  const done = new Set<string>();
  const chunks = pairChunks(universe.pairs.filter((spec) => !done.has(pairName(spec)) && done.add(pairName(spec))));
  const workers = episodeWorkers(request.workers, chunks.length, survey.live);
  const { EpisodePool } = workers > 0 ? await import("./episode-pool.js") : { EpisodePool: null };
  const pool = EpisodePool === null ? null : new EpisodePool(workers, settings, request.asOf, drivers === null ? null : wanted.filter((s) => drivers.has(s)).map((s) => drivers.series(s)));
  // Chunks in order: each either computed here at once or by a worker; lines are written in
  // chunk order, and no more chunks wait than the workers can hold.
  const queue: Promise<string | Uint8Array>[] = [];
  try {
    for (const chunk of chunks) {
      const known = await survey.load([...new Set(chunk.flatMap((p) => [p.symbol, p.benchmark]))]);
      // The workers' answers are events: heard only when this thread turns to its event loop,
      // which computing and writing chunks never do. Heard now, a worker that has finished is
      // seen to have room, and is given this chunk instead of waiting while this thread computes it.
      if (pool !== null) await new Promise<void>((resolve) => setImmediate(resolve));
      const slot = pool?.idle();
      queue.push(slot === undefined || pool === null ? Promise.resolve(chunkEpisodeLines(known, chunk, settings, annotate)) : pool.run(slot, chunk, known));
      while (queue.length > (pool?.capacity ?? 0) + 1) write(await (queue.shift() as Promise<string | Uint8Array>));
    }
    while (queue.length > 0) write(await (queue.shift() as Promise<string | Uint8Array>));
  } finally {
    await pool?.close();
  }
  return { warnings: survey.warnings };
}

/**
 * Worker threads for a streamed run: `requested` (ROTATION_WORKERS) when given; else, for a
 * universe of more than four chunks read from local files, one per core beyond the first, at
 * most three (a live feed's universe is small, and a thread takes ~140 ms to answer its first chunk).
 */
export function episodeWorkers(requested: number | undefined, chunks: number, live: boolean): number {
  if (requested !== undefined) return requested;
  if (live || chunks <= 4) return 0;
  return Math.max(0, Math.min(3, availableParallelism() - 1));
}

/** Splits in the order they are read: calendar windows, then drivers; inside before outside, top before bottom. */
function splitRank(split: { by: string; group: string }): number {
  const by = ["russell-reconstitution", "january"].indexOf(split.by);
  const group = ["inside", "outside", "top third", "middle third", "bottom third"].indexOf(split.group);
  return (by < 0 ? 10 + split.by.length : by) * 10 + group;
}
