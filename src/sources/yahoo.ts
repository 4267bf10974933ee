import pLimit from "p-limit";
import { addDays, type IsoDate } from "../core/dates.js";
import { exchangeDate, isFresh } from "../core/market.js";
import type { PriceSeries } from "../core/series.js";
import { DataError, NetworkError, RotationError, errorMessage } from "../errors.js";
import { CACHE_FORMAT, type CacheEntry, type PriceCache } from "./cache.js";
import { OVERLAP_BARS, mergeIncremental, type FetchedHistory } from "./history-merge.js";
import { defaultRetryPolicy, type CircuitBreaker, type FetchFunction, type RetryPolicy } from "./http.js";
import { createYahooClient } from "./yahoo-client.js";
import type { LoadProgress, LoadResult, PriceSource } from "./source.js";

export interface YahooSourceOptions {
  cache: PriceCache | null;
  /** Use the cache only; a ticker not in it is an error. */
  offline: boolean;
  /** Ignore the cache and download every history in full. */
  refresh: boolean;
  /** The transport; the real one is globalThis.fetch, tests pass their own. */
  fetch: FetchFunction;
  retry: Partial<RetryPolicy>;
  now: () => Date;
  concurrency: number;
  /** Where the library's own notices go (never stdout). */
  log: (line: string) => void;
  /**
   * When a download fails (network, 429, 5xx, 404, an unusable answer), use the cached prices
   * however old, with a warning naming the ticker, its last date and the download's age.
   */
  fallback: boolean;
  /** ROTATION_YAHOO_URL: another origin for every request (null: Yahoo's own hosts). */
  yahooUrl?: string | null;
}

/** A ticker shown from the cache because its download failed (part of the JSON contract). */
export interface StaleTicker {
  symbol: string;
  lastDate: IsoDate;
  fetchedAt: string;
  reason: string;
}

/** Yahoo's daily history starts in 1962; asking from 1970 returns each fund's whole life. */
const HISTORY_START = new Date("1970-01-02T00:00:00Z");

type YahooClient = {
  chart: (symbol: string, options: Record<string, unknown>) => Promise<ChartAnswer>;
};

interface ChartAnswer {
  meta: { exchangeTimezoneName?: string; symbol?: string };
  quotes: { date: Date; close?: number | null; adjclose?: number | null }[];
  events?: {
    dividends?: { date: Date; amount: number }[];
    splits?: { date: Date; numerator: number; denominator: number }[];
  };
}

export class YahooSource implements PriceSource {
  private client: Promise<YahooClient> | null = null;
  private requests = 0;
  private readonly stale: StaleTicker[] = [];
  private readonly breaker: CircuitBreaker = { tripped: null };

  constructor(private readonly options: YahooSourceOptions) {}

  async load(symbols: readonly string[], onProgress?: (progress: LoadProgress) => void): Promise<LoadResult> {
    const limit = pLimit(this.options.concurrency);
    const warnings: string[] = [];
    let done = 0;
    const failures: LoadResult["failures"] = [];
    const loaded = await Promise.all(
      symbols.map((symbol) =>
        limit(async () => {
          try {
            const series = await this.loadOne(symbol, warnings);
            return series;
          } catch (error) {
            failures.push({ symbol, error: error instanceof RotationError ? error : new DataError(`${symbol}: ${errorMessage(error)}`) });
            return null;
          } finally {
            done++;
            onProgress?.({ done, total: symbols.length, symbol });
          }
        }),
      ),
    );
    const series = new Map<string, PriceSeries>();
    for (const item of loaded) if (item) series.set(item.symbol, item);
    // Downloads finish in any order; failures are reported in the order the tickers were asked.
    failures.sort((x, y) => symbols.indexOf(x.symbol) - symbols.indexOf(y.symbol));
    return {
      series,
      warnings,
      info: {
        kind: "yahoo",
        cacheDir: this.options.cache?.dir ?? null,
        offline: this.options.offline,
        requests: this.requests,
        stale: [...this.stale].sort((x, y) => symbols.indexOf(x.symbol) - symbols.indexOf(y.symbol)),
      },
      failures,
    };
  }

  private async loadOne(symbol: string, warnings: string[]): Promise<PriceSeries> {
    const { cache, offline, refresh } = this.options;
    const now = this.options.now();
    let cached: CacheEntry | null = null;
    if (cache && !refresh) {
      const read = await cache.read(symbol);
      if (read.problem) warnings.push(`${read.problem}; ${offline ? "cannot use it offline" : "fetching again"}`);
      cached = read.entry;
    }
    if (offline) {
      if (!cached) throw new DataError(`${symbol}: not in the cache${cache ? ` (${cache.dir})` : ""}; run once without --offline`);
      return toSeries(cached);
    }
    if (cached && isFresh(new Date(cached.fetchedAt), now)) return toSeries(cached);

    let entry: CacheEntry;
    try {
      entry = await this.download(symbol, cached, now, warnings);
    } catch (error) {
      if (!(error instanceof RotationError) || !this.options.fallback || !cached) throw error;
      const hours = Math.round((now.getTime() - Date.parse(cached.fetchedAt)) / 3_600_000);
      const age = hours < 48 ? `${hours} hour${hours === 1 ? "" : "s"}` : `${Math.round(hours / 24)} days`;
      const lastDate = cached.dates.at(-1) as IsoDate;
      warnings.push(`${error.message}; using the cached prices fetched ${age} ago (last date ${lastDate})`);
      this.stale.push({ symbol, lastDate, fetchedAt: cached.fetchedAt, reason: error.message });
      return toSeries(cached);
    }
    if (cache) {
      try {
        await cache.write(entry);
      } catch (error) {
        // The prices are good; only the next run loses its head start.
        warnings.push(`${errorMessage(error)}; continuing without caching ${symbol}`);
      }
    }
    return toSeries(entry);
  }

  /** An incremental download merged into the cache when possible, else the whole history. */
  private async download(symbol: string, cached: CacheEntry | null, now: Date, warnings: string[]): Promise<CacheEntry> {
    if (cached) {
      const from = cached.dates[Math.max(0, cached.dates.length - OVERLAP_BARS)] as IsoDate;
      // A day earlier than the first overlap bar, so no time zone can make Yahoo skip it.
      const fetched = await this.fetchHistory(symbol, new Date(`${addDays(from, -1)}T00:00:00Z`), now, warnings);
      const outcome = mergeIncremental(cached, fetched, now.toISOString());
      if (outcome.kind === "merged") return outcome.entry;
    }
    const fetched = await this.fetchHistory(symbol, HISTORY_START, now, warnings);
    if (fetched.dates.length === 0) throw new DataError(`${symbol}: Yahoo Finance returned no daily bars`);
    return { format: CACHE_FORMAT, symbol, fetchedAt: now.toISOString(), ...fetched };
  }

  private yahoo(): Promise<YahooClient> {
    this.client ??= this.createClient();
    return this.client;
  }

  private async createClient(): Promise<YahooClient> {
    const policy: RetryPolicy = {
      ...defaultRetryPolicy,
      ...this.options.retry,
      onAttempt: () => {
        this.requests++;
      },
      breaker: this.breaker,
    };
    return (await createYahooClient(this.options.fetch, policy, this.options.log, this.options.yahooUrl ?? null)) as YahooClient;
  }

  private async fetchHistory(symbol: string, from: Date, now: Date, warnings: string[]): Promise<FetchedHistory> {
    const client = await this.yahoo();
    let answer: ChartAnswer;
    try {
      answer = await client.chart(symbol, { period1: from, period2: now, interval: "1d", events: "div|split" });
    } catch (error) {
      throw describeYahooFailure(symbol, error);
    }
    const { history, skipped } = toFetchedHistory(answer);
    if (skipped > 0) warnings.push(`${symbol}: ${skipped} bar${skipped === 1 ? "" : "s"} without a close skipped`);
    return history;
  }
}

/** Bars on exchange dates; bars without a usable close are counted, not invented. */
export function toFetchedHistory(answer: ChartAnswer): { history: FetchedHistory; skipped: number } {
  const timezone = answer.meta?.exchangeTimezoneName ?? "America/New_York";
  const byDate = new Map<IsoDate, { close: number; adjclose: number }>();
  let skipped = 0;
  for (const quote of answer.quotes ?? []) {
    const close = quote.close;
    const adjclose = quote.adjclose ?? close;
    if (typeof close !== "number" || typeof adjclose !== "number" || !(close > 0) || !(adjclose > 0)) {
      skipped++;
      continue;
    }
    // Later bars for the same session (Yahoo sometimes repeats the live one) replace earlier.
    byDate.set(exchangeDate(quote.date, timezone), { close, adjclose });
  }
  const dates = [...byDate.keys()].sort();
  const events: string[] = [];
  for (const dividend of answer.events?.dividends ?? []) {
    events.push(`${exchangeDate(dividend.date, timezone)}:div:${dividend.amount}`);
  }
  for (const split of answer.events?.splits ?? []) {
    events.push(`${exchangeDate(split.date, timezone)}:split:${split.numerator}/${split.denominator}`);
  }
  events.sort();
  return {
    history: {
      timezone,
      dates,
      close: dates.map((date) => byDate.get(date)!.close),
      adjclose: dates.map((date) => byDate.get(date)!.adjclose),
      events,
    },
    skipped,
  };
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

export function describeYahooFailure(symbol: string, error: unknown): RotationError {
  if (error instanceof NetworkError) return new NetworkError(`${symbol}: ${error.message}`, error.unreachable);
  if (error instanceof RotationError) return error;
  const message = errorMessage(error);
  const status = (error as { code?: unknown }).code;
  if (status === 404 || /no data found|not found|delisted/i.test(message)) {
    return new DataError(`${symbol}: unknown symbol on Yahoo Finance (${firstLine(message)})`);
  }
  // yahoo-finance2 refuses an answer with no timestamps (a symbol with no bars in the range).
  if (/^No timestamp/.test(message)) return new DataError(`${symbol}: Yahoo Finance returned no daily bars`);
  if (/not parsable|unexpected token|json/i.test(message)) {
    return new DataError(`${symbol}: Yahoo Finance sent an unreadable answer (malformed JSON)`);
  }
  if ((error as { name?: string }).name === "FailedYahooValidationError") {
    const first = (error as { errors?: { instancePath?: string; message?: string }[] | null }).errors?.[0];
    const detail = first ? ` (${first.instancePath || "/"}: ${first.message ?? "invalid"})` : "";
    return new DataError(`${symbol}: Yahoo Finance sent an answer of an unexpected shape${detail}`);
  }
  if (typeof status === "number") return new NetworkError(`${symbol}: Yahoo Finance answered HTTP ${status}`);
  return new DataError(`${symbol}: Yahoo Finance request failed (${firstLine(message)})`);
}

function toSeries(entry: CacheEntry): PriceSeries {
  return { symbol: entry.symbol, dates: entry.dates, closes: entry.adjclose };
}
