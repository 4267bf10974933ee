import type { IsoDate } from "../core/dates.js";
import { rrgOf, type RrgOptions } from "../core/rrg.js";
import type { RrgReport } from "../output/rrg.js";
import type { Runtime } from "../runtime.js";
import type { LoadProgress } from "../sources/source.js";
import type { SourceChoice } from "../settings/source.js";
import { combineFailures, failedSymbols, loadPrices } from "./prices.js";

export interface RrgRequest {
  benchmark: string;
  symbols: string[];
  options: RrgOptions;
  tail: number;
  asOf: IsoDate | undefined;
  source: SourceChoice;
}

export async function computeRrg(request: RrgRequest, runtime: Runtime, onProgress?: (progress: LoadProgress) => void): Promise<RrgReport> {
  const loaded = await loadPrices([request.benchmark, ...request.symbols], request.source, runtime, request.asOf, onProgress);
  const failed = failedSymbols(loaded);
  if (failed.has(request.benchmark)) throw combineFailures(loaded.failures.filter((f) => f.symbol === request.benchmark));
  const computed = rrgOf(loaded.prices, { ...request, symbols: request.symbols.filter((s) => !failed.has(s)) });
  return {
    asOf: computed.asOf,
    benchmark: request.benchmark,
    source: loaded.info,
    parameters: { ...request.options, tail: request.tail },
    symbols: computed.symbols,
    warnings: [...loaded.warnings, ...computed.warnings],
  };
}
