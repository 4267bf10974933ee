import { chartData, type ChartData } from "../core/chart-data.js";
import { addDays, type IsoDate } from "../core/dates.js";
import type { Lookback } from "../core/lookback.js";
import { DataError } from "../errors.js";
import type { Runtime } from "../runtime.js";
import type { LoadProgress } from "../sources/source.js";
import type { SourceChoice } from "../settings/source.js";
import { loadPrices } from "./prices.js";

export interface ChartRequest {
  symbol: string;
  benchmark: string;
  since: IsoDate | undefined;
  asOf: IsoDate | undefined;
  window: number;
  threshold: number;
  lookback: Lookback;
  gap: number;
  source: SourceChoice;
}

/** Without --since, the last year is shown. */
export const CHART_DEFAULT_DAYS = 365;

export async function computeChart(request: ChartRequest, runtime: Runtime, onProgress?: (progress: LoadProgress) => void): Promise<{ data: ChartData; last: IsoDate; warnings: string[] }> {
  const loaded = await loadPrices([request.symbol, request.benchmark], { ...request.source, partial: false }, runtime, request.asOf, onProgress);
  const aligned = loaded.prices.pair(request.symbol, request.benchmark);
  const last = aligned.dates.at(-1);
  if (last === undefined) throw new DataError(`${request.symbol} and ${request.benchmark} have no trading date in common`);
  const since = request.since ?? addDays(last, -CHART_DEFAULT_DAYS);
  if (since > last) throw new DataError(`--since ${since} is after the last common date ${last}`);
  const data = chartData(`${request.symbol}:${request.benchmark}`, aligned, { window: request.window, threshold: request.threshold, lookback: request.lookback, gap: request.gap, since });
  return { data, last, warnings: loaded.warnings };
}
