import type { CheckResult } from "../core/check.js";
import type { SourceInfo } from "../sources/source.js";
import type { ValuationReport } from "../core/valuation.js";

/** Bumped only when a field is removed or changes meaning; additions keep the version. */
export const CHECK_SCHEMA_VERSION = 1;

export interface CheckJsonContext {
  source: SourceInfo;
  window: number;
  threshold: number;
  valuation: ValuationReport | null;
}

export function checkToJson(result: CheckResult, context: CheckJsonContext): string {
  const document = {
    schemaVersion: CHECK_SCHEMA_VERSION,
    asOf: result.asOf,
    source: context.source,
    parameters: { window: context.window, threshold: context.threshold },
    tickers: result.tickers,
    pairs: result.pairs.map((pair) => ({
      pair: pair.pair,
      symbol: pair.symbol,
      benchmark: pair.benchmark,
      date: pair.date,
      relative: pair.relative,
      surge: pair.surge,
      signal: pair.signal,
      rrg: pair.rrg,
    })),
    signals: result.signals,
    valuation: context.valuation ? { asOf: context.valuation.asOf, live: context.valuation.live, funds: context.valuation.funds, pairs: context.valuation.pairs } : null,
    warnings: result.warnings,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
