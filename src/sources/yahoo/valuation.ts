import type { IsoDate } from "../../core/dates.js";
import { exchangeDate, MARKET_TIMEZONE } from "../../core/market.js";
import { usablePE, type ValuationRecord } from "../../core/valuation.js";
import { NetworkError, RotationError, DataError, errorMessage } from "../../errors.js";
import { defaultRetryPolicy, type FetchFunction, type RetryPolicy } from "../http.js";
import { createYahooClient } from "./client.js";

interface QuoteClient {
  quote(symbols: string[], options?: Record<string, unknown>): Promise<{ symbol: string; trailingPE?: number; forwardPE?: number; regularMarketTime?: Date }[]>;
  quoteSummary(symbol: string, options: { modules: string[] }): Promise<{
    summaryDetail?: { trailingPE?: number; forwardPE?: number };
    defaultKeyStatistics?: { forwardPE?: number; trailingPE?: number };
  }>;
}

export interface LiveValuation {
  records: ValuationRecord[];
  /** Per symbol and figure, why it is missing (e.g. Yahoo gives ETFs no forward P/E). */
  notes: Record<string, { trailingPE?: string; forwardPE?: string }>;
  requests: number;
}

export interface ValuationFetchOptions {
  fetch: FetchFunction;
  retry: Partial<RetryPolicy>;
  now: () => Date;
  log: (line: string) => void;
  /** ROTATION_YAHOO_URL: another origin for every request (null: Yahoo's own hosts). */
  yahooUrl?: string | null;
}

/**
 * Trailing and forward P/E of each symbol: one batched `quote` (Yahoo's cookie and crumb are
 * the library's business), then `quoteSummary` (summaryDetail, defaultKeyStatistics) for any
 * symbol still missing a figure. A 401 (stale crumb) is tried once more with a fresh session.
 */
export async function fetchValuations(symbols: readonly string[], options: ValuationFetchOptions): Promise<LiveValuation> {
  let requests = 0;
  const policy: RetryPolicy = { ...defaultRetryPolicy, ...options.retry, onAttempt: () => void requests++ };
  const date: IsoDate = exchangeDate(options.now(), MARKET_TIMEZONE);
  let lastError: unknown;
  for (let attempt = 0; attempt < 2; attempt++) {
    const client = (await createYahooClient(options.fetch, policy, options.log, options.yahooUrl ?? null)) as QuoteClient;
    try {
      const result = await valuationsWith(client, symbols, date);
      return { ...result, requests };
    } catch (error) {
      lastError = error;
      const status = (error as { code?: unknown }).code;
      const unauthorised = status === 401 || /unauthori[sz]ed|invalid crumb|401/i.test(errorMessage(error));
      if (!unauthorised) break;
    }
  }
  throw describeValuationFailure(lastError);
}

async function valuationsWith(client: QuoteClient, symbols: readonly string[], date: IsoDate): Promise<Omit<LiveValuation, "requests">> {
  const quotes = await client.quote([...symbols], { return: "array" });
  const bySymbol = new Map(quotes.map((q) => [q.symbol, q]));
  const records: ValuationRecord[] = [];
  const notes: LiveValuation["notes"] = {};
  for (const symbol of symbols) {
    const quote = bySymbol.get(symbol);
    let trailingPE = usablePE(quote?.trailingPE);
    let forwardPE = usablePE(quote?.forwardPE);
    let source = "yahoo:quote";
    if (trailingPE === null || forwardPE === null) {
      try {
        const summary = await client.quoteSummary(symbol, { modules: ["summaryDetail", "defaultKeyStatistics"] });
        const fromSummary = {
          trailing: usablePE(summary.summaryDetail?.trailingPE ?? summary.defaultKeyStatistics?.trailingPE),
          forward: usablePE(summary.summaryDetail?.forwardPE ?? summary.defaultKeyStatistics?.forwardPE),
        };
        if (trailingPE === null && fromSummary.trailing !== null) source = "yahoo:quoteSummary";
        trailingPE ??= fromSummary.trailing;
        forwardPE ??= fromSummary.forward;
      } catch (error) {
        // The quote answered; the summary is a second chance, not a reason to fail.
        notes[symbol] = { ...notes[symbol], trailingPE: `quoteSummary failed: ${errorMessage(error).split("\n")[0]?.slice(0, 80)}` };
      }
    }
    if (!quote && trailingPE === null && forwardPE === null) {
      notes[symbol] = { trailingPE: "Yahoo Finance returned no quote for this symbol", forwardPE: "Yahoo Finance returned no quote for this symbol" };
    } else {
      if (trailingPE === null) notes[symbol] = { ...notes[symbol], trailingPE: notes[symbol]?.trailingPE ?? "not given by Yahoo Finance (or not positive)" };
      if (forwardPE === null) notes[symbol] = { ...notes[symbol], forwardPE: "not given by Yahoo Finance (common for ETFs)" };
    }
    records.push({ date, symbol, trailingPE, forwardPE, source });
  }
  return { records, notes };
}

function describeValuationFailure(error: unknown): RotationError {
  if (error instanceof NetworkError) return new NetworkError(`valuation: ${error.message}`, error.unreachable);
  if (error instanceof RotationError) return error;
  const status = (error as { code?: unknown }).code;
  if (typeof status === "number") return new NetworkError(`valuation: Yahoo Finance answered HTTP ${status}`);
  return new DataError(`valuation: Yahoo Finance request failed (${errorMessage(error).split("\n")[0]?.slice(0, 160)})`);
}
