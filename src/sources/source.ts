import type { PriceSeries } from "../core/series.js";

/** What the command needs to know about where prices came from (part of the JSON contract). */
export interface SourceInfo {
  kind: "csv" | "yahoo";
  [detail: string]: unknown;
}

export interface LoadResult {
  series: Map<string, PriceSeries>;
  warnings: string[];
  info: SourceInfo;
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
