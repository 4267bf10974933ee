import pLimit from "p-limit";
import { addDays, type IsoDate } from "../core/dates.js";
import { exchangeDate, isFresh } from "../core/market.js";
import { plausiblePrice, type PriceSeries } from "../core/series.js";
import { DataError, NetworkError, NotCachedError, RotationError, errorMessage } from "../errors.js";
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

/** Each ticker's whole history is downloaded again when its last full download is older than this. */
export const FULL_REFRESH_MS = 7 * 86_400_000;

/** Yahoo's daily history starts in 1962; asking from 1970 returns each fund's whole life. */
const HISTORY_START = new Date("1970-01-02T00:00:00Z");

type YahooClient = {
  chart: (symbol: string, options: Record<string, unknown>, moduleOptions: Record<string, unknown>) => Promise<unknown>;
};

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
      if (!cached) throw new NotCachedError(symbol, cache?.dir ?? null);
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
    const fullIsDue = cached !== null && (cached.fullAt === undefined || now.getTime() - Date.parse(cached.fullAt) > FULL_REFRESH_MS);
    if (cached && !fullIsDue) {
      const from = cached.dates[Math.max(0, cached.dates.length - OVERLAP_BARS)] as IsoDate;
      // A day earlier than the first overlap bar, so no time zone can make Yahoo skip it.
      const fetched = await this.fetchHistory(symbol, new Date(`${addDays(from, -1)}T00:00:00Z`), now, warnings);
      const outcome = mergeIncremental(cached, fetched, now.toISOString());
      if (outcome.kind === "merged") return outcome.entry;
    }
    const fetched = await this.fetchHistory(symbol, HISTORY_START, now, warnings);
    if (fetched.dates.length === 0) throw new DataError(`${symbol}: Yahoo Finance returned no daily bars`);
    return { format: CACHE_FORMAT, symbol, fetchedAt: now.toISOString(), ...fetched, fullAt: now.toISOString() };
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
    let answer: unknown;
    try {
      // The library's own validation of the whole answer is off: Yahoo changes fields that
      // rotation never reads every few months, and that must not fail a run. readChart checks
      // exactly what is used.
      answer = await client.chart(symbol, { period1: from, period2: now, interval: "1d", events: "div|split", return: "object" }, { validateResult: false });
    } catch (error) {
      throw describeYahooFailure(symbol, error);
    }
    const { history, skipped, conflicts } = toFetchedHistory(readChart(symbol, answer));
    if (skipped > 0) warnings.push(`${symbol}: ${skipped} bar${skipped === 1 ? "" : "s"} without a usable close skipped`);
    for (const conflict of conflicts) warnings.push(`${symbol}: ${conflict}`);
    // A bar dated after today's session is no price yet, whatever the feed says.
    const today = exchangeDate(now, history.timezone);
    const future = history.dates.filter((date) => date > today);
    if (future.length > 0) {
      warnings.push(`${symbol}: ${future.length} bar${future.length === 1 ? "" : "s"} dated after today (${future[0]}) left out`);
      const keep = history.dates.length - future.length;
      return { ...history, dates: history.dates.slice(0, keep), close: history.close.slice(0, keep), adjclose: history.adjclose.slice(0, keep) };
    }
    return history;
  }
}

/** What rotation reads of a chart answer, checked: nothing else of Yahoo's answer matters. */
export interface ChartAnswer {
  timezone: string;
  /** Bar times, seconds since the epoch (Yahoo stamps daily bars at the session open). */
  timestamps: number[];
  close: (number | null)[];
  adjclose: (number | null)[];
  dividends: { date: number; amount: number }[];
  splits: { date: number; numerator: number; denominator: number }[];
}

/** Seconds since 1970 of a bar, from 1970 to 2200 only: anything else is not a session's time. */
function seconds(value: unknown): number | null {
  const s = typeof value === "number" ? value : value instanceof Date ? value.getTime() / 1000 : Number.NaN;
  return Number.isFinite(s) && s >= 0 && s < MAX_BAR_SECONDS ? s : null;
}

const MAX_BAR_SECONDS = Date.UTC(2200, 0, 1) / 1000;

function numbersOrNull(value: unknown): value is (number | null)[] {
  return Array.isArray(value) && value.every((v) => v === null || typeof v === "number");
}

/**
 * The chart answer (the library's "object" form, unvalidated) reduced to what rotation uses,
 * or a one-line DataError naming the first thing missing.
 */
export function readChart(symbol: string, answer: unknown): ChartAnswer {
  const missing = (what: string): DataError => new DataError(`${symbol}: Yahoo Finance's chart answer has no usable ${what}`);
  const chart = answer as {
    meta?: { exchangeTimezoneName?: unknown };
    timestamp?: unknown;
    indicators?: { quote?: { close?: unknown }[]; adjclose?: { adjclose?: unknown }[] };
    events?: { dividends?: Record<string, { date?: unknown; amount?: unknown }>; splits?: Record<string, { date?: unknown; numerator?: unknown; denominator?: unknown }> };
  } | null;
  if (typeof chart !== "object" || chart === null) throw missing("result");
  const timezone = chart.meta?.exchangeTimezoneName;
  if (typeof timezone !== "string" || timezone === "") throw missing("exchange time zone (meta.exchangeTimezoneName)");
  const rawTimestamps = chart.timestamp ?? [];
  if (!Array.isArray(rawTimestamps)) throw missing("timestamps (timestamp)");
  const timestamps = rawTimestamps.map(seconds);
  if (timestamps.some((t) => t === null)) throw missing("timestamps (timestamp)");
  const close = timestamps.length === 0 ? [] : chart.indicators?.quote?.[0]?.close;
  if (!numbersOrNull(close) || close.length !== timestamps.length) {
    throw missing(`closes (indicators.quote[0].close: ${Array.isArray(close) ? `${close.length} for ${timestamps.length} timestamps` : "absent"})`);
  }
  const adjusted = chart.indicators?.adjclose?.[0]?.adjclose;
  // Indexes have no dividends: Yahoo may leave the adjusted close out, and the close is it.
  const adjclose = adjusted === undefined || timestamps.length === 0 ? close : adjusted;
  if (!numbersOrNull(adjclose) || adjclose.length !== timestamps.length) {
    throw missing(`adjusted closes (indicators.adjclose[0].adjclose: ${Array.isArray(adjclose) ? `${adjclose.length} for ${timestamps.length} timestamps` : "not numbers"})`);
  }
  const dividends: ChartAnswer["dividends"] = [];
  for (const event of Object.values(chart.events?.dividends ?? {})) {
    const date = seconds(event?.date);
    if (date === null || typeof event.amount !== "number") throw missing("dividend events (events.dividends)");
    dividends.push({ date, amount: event.amount });
  }
  const splits: ChartAnswer["splits"] = [];
  for (const event of Object.values(chart.events?.splits ?? {})) {
    const date = seconds(event?.date);
    if (date === null || typeof event.numerator !== "number" || typeof event.denominator !== "number") throw missing("split events (events.splits)");
    splits.push({ date, numerator: event.numerator, denominator: event.denominator });
  }
  return { timezone, timestamps: timestamps as number[], close, adjclose, dividends, splits };
}

/** Bars on exchange dates; bars without a usable close are counted, not invented. */
export function toFetchedHistory(answer: ChartAnswer): { history: FetchedHistory; skipped: number; conflicts: string[] } {
  const { timezone } = answer;
  const byDate = new Map<IsoDate, { close: number; adjclose: number }>();
  const conflicting = new Map<IsoDate, number[]>();
  let skipped = 0;
  for (let i = 0; i < answer.timestamps.length; i++) {
    const close = answer.close[i];
    const adjclose = answer.adjclose[i] ?? close;
    if (typeof close !== "number" || typeof adjclose !== "number" || !plausiblePrice(close) || !plausiblePrice(adjclose)) {
      skipped++;
      continue;
    }
    const date = exchangeDate(new Date((answer.timestamps[i] as number) * 1000), timezone);
    const earlier = byDate.get(date);
    if (earlier !== undefined && earlier.adjclose !== adjclose) conflicting.set(date, [...(conflicting.get(date) ?? [earlier.adjclose]), adjclose]);
    // Later bars for the same session (Yahoo repeats the live one) replace earlier.
    byDate.set(date, { close, adjclose });
  }
  // Two closes for a past session is bad data: neither is chosen in silence. The last session
  // may be repeated with the live price (the later one is the price so far).
  const last = [...byDate.keys()].sort().at(-1);
  const conflicts: string[] = [];
  for (const [date, values] of conflicting) {
    if (date === last) continue;
    byDate.delete(date);
    conflicts.push(`two different closes for ${date} (${values.join(" and ")}); that session left out`);
  }
  const dates = [...byDate.keys()].sort();
  const events: string[] = [];
  for (const dividend of answer.dividends) {
    events.push(`${exchangeDate(new Date(dividend.date * 1000), timezone)}:div:${dividend.amount}`);
  }
  for (const split of answer.splits) {
    events.push(`${exchangeDate(new Date(split.date * 1000), timezone)}:split:${split.numerator}/${split.denominator}`);
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
    conflicts,
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
  // The library reads result[0] of an answer before anything can check it: an empty result.
  if (error instanceof TypeError || /^Unexpected result/.test(message)) return new DataError(`${symbol}: Yahoo Finance's chart answer has no result (an empty or unexpected answer)`);
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
