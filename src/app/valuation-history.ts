import type { IsoDate } from "../core/dates.js";
import { lookbackText, type Lookback } from "../core/lookback.js";
import { DEFAULT_VALUATION_LOOKBACK, valuationHistoryOf, type SizeValuationPoint, type ValuationHistory } from "../core/size-valuation.js";
import type { Runtime } from "../runtime.js";
import { frenchBaseUrl } from "../sources/french/index.js";
import { DEFAULT_VALUATION_HISTORY } from "../sources/providers.js";
import { DEFAULT_FRENCH_DATASET, loadFrenchDataset } from "../sources/french/provider.js";

export interface ValuationHistoryRequest {
  asOf: IsoDate;
  /** --lookback when given; the history's own default (20 years) otherwise. */
  lookback: Lookback | undefined;
  cacheDir: string;
  /** Cache only, whatever its age. */
  offline: boolean;
  /** Cache only, and nothing said when there is none. */
  quiet?: boolean;
  timeoutMs: number;
}

/** The Fama/French valuation history at a date: null (with warnings) when neither the cache nor the library has it. */
export async function computeValuationHistory(request: ValuationHistoryRequest, runtime: Runtime): Promise<{ history: ValuationHistory | null; warnings: string[]; points: SizeValuationPoint[] }> {
  const load = await loadFrenchDataset({
    name: DEFAULT_FRENCH_DATASET,
    cacheDir: request.cacheDir,
    baseUrl: frenchBaseUrl(runtime.env),
    offline: request.offline,
    quiet: request.quiet,
    timeoutMs: request.timeoutMs,
    fetch: runtime.fetch,
    now: runtime.now,
    retry: runtime.retry,
  });
  if (load.dataset === null) return { history: null, warnings: load.warnings, points: [] };
  const { series, name, ...source } = load.dataset;
  const lookback = request.lookback ?? DEFAULT_VALUATION_LOOKBACK;
  const history = valuationHistoryOf({ source: DEFAULT_VALUATION_HISTORY, dataset: name, ...source }, series, request.asOf, lookback, lookbackText(lookback));
  if (history === null) load.warnings.push(`French data ${name}: no month published by ${request.asOf}; no valuation history`);
  // The headline split's months, for a chart (report).
  const points = series.find((s) => s.id === history?.split)?.points ?? [];
  return { history, warnings: load.warnings, points };
}
