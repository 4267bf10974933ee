import { parentPort, workerData } from "node:worker_threads";
import type { IsoDate } from "../core/dates.js";
import type { PairSpec } from "../core/universe.js";
import { episodeAnnotator } from "./drivers.js";
import { CalendarReceiver, chunkEpisodeLines, type EpisodeChunkSettings, type WirePrices } from "./episode-lines.js";

/**
 * A worker thread of a streamed `episodes --format ndjson` (episode-pool.ts): given the run's
 * settings and driver series once, it turns each chunk of pairs it is sent into NDJSON lines
 * with the very code the main thread uses (chunkEpisodeLines).
 */
export interface EpisodeWorkerSetup {
  settings: EpisodeChunkSettings;
  asOf: IsoDate | undefined;
  drivers: WirePrices | null;
}

export interface EpisodeJob {
  id: number;
  pairs: PairSpec[];
  prices: WirePrices;
}

/** The chunk's lines as UTF-8, encoded here and transferred: the main thread writes them as they are. */
export type EpisodeJobResult = { id: number; lines: Uint8Array } | { id: number; error: string };

const setup = workerData as EpisodeWorkerSetup;
const receiver = new CalendarReceiver();
const drivers = setup.drivers === null ? null : receiver.unpack(setup.drivers, setup.asOf);
const annotate = drivers === null ? undefined : episodeAnnotator(drivers, setup.settings.lookback);

const encoder = new TextEncoder();

parentPort?.on("message", (job: EpisodeJob) => {
  let answer: EpisodeJobResult;
  try {
    answer = { id: job.id, lines: encoder.encode(chunkEpisodeLines(receiver.unpack(job.prices, setup.asOf), job.pairs, setup.settings, annotate)) };
  } catch (error) {
    answer = { id: job.id, error: error instanceof Error ? error.message : String(error) };
  }
  // The encoded lines change hands without a copy (TextEncoder's array has its own memory).
  parentPort?.postMessage(answer, "lines" in answer ? [answer.lines.buffer as ArrayBuffer] : []);
});
