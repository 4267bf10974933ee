import { Worker } from "node:worker_threads";
import type { IsoDate } from "../core/dates.js";
import type { PointInTime, PriceSeries } from "../core/series.js";
import type { PairSpec } from "../core/universe.js";
import { PACKAGE_ROOT } from "../package-root.js";
import { CalendarSender, type EpisodeChunkSettings } from "./episode-lines.js";
import type { EpisodeJob, EpisodeJobResult, EpisodeWorkerSetup } from "./episode-worker.js";

/** Chunks a worker may hold at once: one being computed, one waiting, so it never idles. */
const JOBS_PER_WORKER = 2;

interface Slot {
  worker: Worker;
  sender: CalendarSender;
  inFlight: number;
}

/**
 * Worker threads that compute chunks of a streamed `episodes --format ndjson` beside the main
 * thread (which reads the chunks, computes some itself, and writes every chunk's lines in
 * order). A worker that fails fails the run, with its reason.
 */
export class EpisodePool {
  private readonly slots: Slot[];
  private readonly pending = new Map<number, { resolve: (lines: Uint8Array) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private failure: Error | null = null;
  private closing = false;

  constructor(count: number, settings: EpisodeChunkSettings, asOf: IsoDate | undefined, drivers: readonly PriceSeries[] | null) {
    const script = new URL("dist/app/episode-worker.js", PACKAGE_ROOT);
    this.slots = Array.from({ length: count }, () => {
      const sender = new CalendarSender();
      const workerData: EpisodeWorkerSetup = { settings, asOf, drivers: drivers === null ? null : sender.pack(drivers) };
      const worker = new Worker(script, { workerData });
      const slot: Slot = { worker, sender, inFlight: 0 };
      worker.on("message", (answer: EpisodeJobResult) => {
        slot.inFlight--;
        const waiting = this.pending.get(answer.id);
        this.pending.delete(answer.id);
        if ("error" in answer) waiting?.reject(new Error(`a worker thread failed: ${answer.error}`));
        else waiting?.resolve(answer.lines);
      });
      worker.on("error", (error) => this.fail(new Error(`a worker thread failed: ${error.message}`)));
      worker.on("exit", (code) => {
        if (code !== 0 && !this.closing) this.fail(new Error(`a worker thread stopped (exit code ${code})`));
      });
      return slot;
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  /** How many chunks the workers hold at most at once. */
  get capacity(): number {
    return this.slots.length * JOBS_PER_WORKER;
  }

  /** A worker with room for another chunk, if any. */
  idle(): Slot | undefined {
    if (this.failure !== null) throw this.failure;
    return this.slots.reduce<Slot | undefined>((best, slot) => (slot.inFlight < JOBS_PER_WORKER && (best === undefined || slot.inFlight < best.inFlight) ? slot : best), undefined);
  }

  /** The chunk's NDJSON lines (UTF-8), computed by the slot's worker from the chunk's prices (copied to it). */
  run(slot: Slot, pairs: readonly PairSpec[], known: PointInTime): Promise<Uint8Array> {
    const id = this.nextId++;
    const symbols = [...new Set(pairs.flatMap((p) => [p.symbol, p.benchmark]))];
    const job: EpisodeJob = { id, pairs: [...pairs], prices: slot.sender.pack(symbols.map((s) => known.series(s))) };
    slot.inFlight++;
    return new Promise<Uint8Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      slot.worker.postMessage(job);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }
}
