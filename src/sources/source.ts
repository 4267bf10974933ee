import type { RotationError } from "../errors.js";
import type { PriceSeries } from "../core/series.js";

/** What the command needs to know about where prices came from (part of the JSON contract). */
export interface SourceInfo {
  kind: "csv" | "yahoo" | "sample";
  [detail: string]: unknown;
}


export interface LoadResult {
  series: Map<string, PriceSeries>;
  warnings: string[];
  info: SourceInfo;
  /** Tickers that could not be loaded, each with its one-line reason; the caller decides. */
  failures: { symbol: string; error: RotationError }[];
}

export interface LoadProgress {
  done: number;
  total: number;
  symbol: string;
}

/** Every provider of daily adjusted closes answers this one question. */
export interface PriceSource {
  load(symbols: readonly string[], onProgress?: (progress: LoadProgress) => void): Promise<LoadResult>;
}

