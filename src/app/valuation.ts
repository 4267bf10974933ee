import type { IsoDate } from "../core/dates.js";
import type { Lookback } from "../core/lookback.js";
import { exchangeDate, MARKET_TIMEZONE } from "../core/market.js";
import type { PairSpec } from "../core/universe.js";
import { valuationReport, type ValuationRecord, type ValuationReport } from "../core/valuation.js";
import type { Runtime } from "../runtime.js";
import type { ValuationHistoryKind } from "../sources/providers.js";
import { fetchValuations } from "../sources/yahoo/valuation.js";
import { ValuationStore } from "../store/valuation-store.js";

export interface ValuationRequest {
  pairs: PairSpec[];
  store: string;
  minHistory: number;
  /** Fetch today's multiples live (and record them); otherwise read the store alone. */
  live: boolean;
  asOf: IsoDate | undefined;
  timeoutMs: number;
  /** ROTATION_YAHOO_URL, or null for Yahoo's own hosts. */
  yahooUrl: string | null;
  /** Days beyond which a pair's figures are stale (see PairValuation.stale). */
  maxAgeDays: number;
  /** The history beside the spreads (Fama/French), or none. */
  history?: ValuationHistoryKind | "none";
  historyLookback?: Lookback | undefined;
  cacheDir?: string;
  /** --offline: the history's cache only. */
  offline?: boolean;
}

/** Reads the store, adds today's live figures (recording them), and builds the report. */
export async function computeValuation(request: ValuationRequest, runtime: Runtime): Promise<ValuationReport> {
  // The history first: a Yahoo that refuses this client (and fails the command) must not keep
  // the Fama/French data from reaching the cache, where check and log read it.
  const asOfDate = request.asOf ?? exchangeDate(runtime.now(), MARKET_TIMEZONE);
  const french =
    request.history !== undefined && request.history !== "none" && request.cacheDir !== undefined
      ? await (await import("./valuation-history.js")).computeValuationHistory({ asOf: asOfDate, lookback: request.historyLookback, cacheDir: request.cacheDir, offline: request.offline ?? false, timeoutMs: request.timeoutMs }, runtime)
      : null;
  const store = new ValuationStore(request.store);
  const symbols = [...new Set(request.pairs.flatMap((p) => [p.symbol, p.benchmark]))];
  // Only the pairs' funds: a store of millions of records need not be held for a few.
  const { records, warnings } = await store.read(symbols);
  let history = records;
  let notes: Record<string, { trailingPE?: string; forwardPE?: string }> = {};
  if (request.live) {
    const live = await fetchValuations(symbols, { fetch: runtime.fetch, yahooUrl: request.yahooUrl, retry: { timeoutMs: request.timeoutMs, ...runtime.retry }, now: runtime.now, log: (line) => runtime.stderr.write(`${line}\n`) });
    notes = live.notes;
    const usable = live.records.filter((r) => r.trailingPE !== null || r.forwardPE !== null);
    if (usable.length > 0) {
      try {
        await store.upsert(usable);
      } catch (error) {
        warnings.push(`${(error as Error).message}; today's valuations were not recorded`);
      }
    }
    const key = (r: ValuationRecord) => `${r.date}|${r.symbol}`;
    const replaced = new Set(usable.map(key));
    history = [...records.filter((r) => !replaced.has(key(r))), ...usable];
  }
  const asOf = asOfDate;
  const report = valuationReport(history, request.pairs, asOf, request.minHistory, notes, request.maxAgeDays);
  const result: ValuationReport = { asOf, store: request.store, live: request.live, funds: report.funds, pairs: report.pairs, warnings: [...warnings, ...report.warnings] };
  if (french !== null) {
    result.history = french.history;
    result.warnings.push(...french.warnings);
  }
  return result;
}
