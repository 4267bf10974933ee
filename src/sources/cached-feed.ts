import pLimit from "p-limit";
import { addDays, type IsoDate } from "../core/dates.js";
import { exchangeDate, isFresh } from "../core/market.js";
import { byCalendar, type PriceSeries } from "../core/series.js";
import { missingSessions } from "../core/sessions.js";
import { DataError, NetworkError, NotCachedError, RotationError, UsageError, errorMessage } from "../errors.js";
import { OVERLAP_BARS, mergeIncremental, type FetchedHistory } from "./history-merge.js";
import type { CircuitBreaker, FetchFunction, RetryPolicy } from "./http.js";
import { CACHE_FORMAT, type CacheEntry, type PriceCache } from "./price-cache.js";
import type { LoadProgress, LoadResult, PriceSource } from "./source.js";
import type { PriceSourceKind } from "./providers.js";

/** What every live feed is given: its cache, the run's mode, the transport and the clock. */
export interface CachedFeedOptions {
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
  /**
   * When a download fails (network, 429, 5xx, 404, an unusable answer), use the cached prices
   * however old, with a warning naming the ticker, its last date and the download's age.
   */
  fallback: boolean;
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

/** A session a full download confirmed missing is asked for again after this long. */
export const GAP_RECHECK_MS = 20 * 3_600_000;

/** Daily histories start in the 1960s at the earliest; asking from 1970 returns each fund's whole life. */
export const HISTORY_START = new Date("1970-01-02T00:00:00Z");

/**
 * A live feed behind a cache, the same for every provider: a fresh cache is used as it is; else
 * the days since it are downloaded and merged (the whole history when adjustments moved, and
 * weekly in any case); a failed download falls back to the cache, said in a warning. A provider
 * supplies only how to download one ticker's bars from a date (`fetchHistory`).
 */
export abstract class CachedFeedSource implements PriceSource {
  protected requests = 0;
  private readonly stale: StaleTicker[] = [];
  /** Shared by the run's requests: a host that proved unreachable is not asked again. */
  protected readonly breaker: CircuitBreaker = { tripped: null };

  protected abstract readonly kind: PriceSourceKind;
  /** The provider's name in messages: "Yahoo Finance". */
  protected abstract readonly title: string;

  constructor(protected readonly options: CachedFeedOptions) {}

  /** The tickers whose raw close is their adjusted close by definition (an index), said in the source's info. */
  protected closesAsAdjusted(_symbols: readonly string[]): string[] {
    return [];
  }

  /** One ticker's daily bars from `from` to `now`, checked; a RotationError when the download fails. */
  protected abstract fetchHistory(symbol: string, from: Date, now: Date, warnings: string[]): Promise<FetchedHistory>;

  async load(symbols: readonly string[], onProgress?: (progress: LoadProgress) => void): Promise<LoadResult> {
    const limit = pLimit(this.options.concurrency);
    const warnings: string[] = [];
    let done = 0;
    const failures: LoadResult["failures"] = [];
    const loaded = await Promise.all(
      symbols.map((symbol) =>
        limit(async () => {
          try {
            return await this.loadOne(symbol, warnings);
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
    if (!this.options.offline) await this.fillMissingSessions(series, warnings);
    // Downloads finish in any order; failures are reported in the order the tickers were asked.
    failures.sort((x, y) => symbols.indexOf(x.symbol) - symbols.indexOf(y.symbol));
    return {
      series,
      warnings,
      info: {
        kind: this.kind,
        cacheDir: this.options.cache?.dir ?? null,
        offline: this.options.offline,
        requests: this.requests,
        stale: [...this.stale].sort((x, y) => symbols.indexOf(x.symbol) - symbols.indexOf(y.symbol)),
        ...(this.closesAsAdjusted(symbols).length > 0 ? { closesAsAdjusted: this.closesAsAdjusted(symbols) } : {}),
      },
      failures,
    };
  }

  private async loadOne(symbol: string, warnings: string[]): Promise<PriceSeries> {
    const { cache, offline, refresh } = this.options;
    const now = this.options.now();
    let cached: CacheEntry | null = null;
    // Under --refresh the cache is not used for the download, but stays the fallback when it fails.
    if (cache) {
      const read = await cache.read(symbol);
      if (read.problem && !refresh) warnings.push(`${read.problem}; ${offline ? "cannot use it offline" : "fetching again"}`);
      cached = read.entry;
    }
    if (offline) {
      if (!cached) throw new NotCachedError(symbol, cache?.dir ?? null);
      return toSeries(cached);
    }
    if (cached && !refresh && isFresh(new Date(cached.fetchedAt), now)) return toSeries(cached);

    let entry: CacheEntry;
    let kept: number | undefined;
    try {
      ({ entry, kept } = await this.download(symbol, refresh ? null : cached, now, warnings));
    } catch (thrown) {
      const error = this.oncePerRefusal(symbol, thrown);
      // A usage fault (a token missing or refused) is fixed by the user, never papered over with old prices.
      if (!(error instanceof RotationError) || error instanceof UsageError || !this.options.fallback || !cached) throw error;
      const hours = Math.round((now.getTime() - Date.parse(cached.fetchedAt)) / 3_600_000);
      const age = hours < 48 ? `${hours} hour${hours === 1 ? "" : "s"}` : `${Math.round(hours / 24)} days`;
      const lastDate = cached.dates.at(-1) as IsoDate;
      warnings.push(`${error.message}; using the cached prices fetched ${age} ago (last date ${lastDate})`);
      this.stale.push({ symbol, lastDate, fetchedAt: cached.fetchedAt, reason: error.message });
      return toSeries(cached);
    }
    if (cache) {
      try {
        // An incremental download is appended to the fund's log; anything else written whole.
        await cache.update(entry, refresh ? null : cached, kept);
      } catch (error) {
        // The prices are good; only the next run loses its head start.
        warnings.push(`${errorMessage(error)}; continuing without caching ${symbol}`);
      }
    }
    return toSeries(entry);
  }

  private refusalSaid = false;

  /**
   * A ticker that lacks a session its peers (same exchange calendar) have is fetched again in
   * full, once: a feed that dropped a bar in one answer usually has it in the next. What is
   * still missing afterwards is the caller's to say (app/prices.ts warns and marks figures).
   */
  private async fillMissingSessions(series: Map<string, PriceSeries>, warnings: string[]): Promise<void> {
    const missing = new Map<string, IsoDate[]>();
    for (const group of byCalendar(series.values())) for (const [symbol, dates] of missingSessions(group)) missing.set(symbol, dates);
    for (const [symbol, dates] of missing) {
      if (this.breaker.tripped || this.breaker.refused) return;
      // Sessions a full download found missing in the last GAP_RECHECK_MS are not asked for
      // again (a fund halted for a day keeps its gap; reruns of one evening cost nothing), but
      // a day later they are: a feed that mends its answer is heard the next day.
      const cached = this.options.cache ? (await this.options.cache.read(symbol)).entry : null;
      const checked = cached?.checkedGaps;
      const recent = checked !== undefined && this.options.now().getTime() - Date.parse(checked.at) < GAP_RECHECK_MS;
      if (recent && dates.every((date) => checked.dates.includes(date))) continue;
      try {
        const now = this.options.now();
        const fetched = await this.fetchHistory(symbol, HISTORY_START, now, warnings);
        if (fetched.dates.length === 0) continue;
        const entry: CacheEntry = { format: CACHE_FORMAT, symbol, fetchedAt: now.toISOString(), ...fetched, fullAt: now.toISOString() };
        const stillMissing = dates.filter((date) => !entry.dates.includes(date));
        if (stillMissing.length > 0) entry.checkedGaps = { dates: stillMissing, at: now.toISOString() };
        if (stillMissing.length < dates.length) series.set(symbol, toSeries(entry));
        await this.options.cache?.write(entry).catch(() => undefined);
      } catch {
        // The first answer stands; the gap is said by the caller.
      }
    }
  }

  /**
   * When the feed refused this client (the breaker's `refused`), the first ticker's failure says
   * so in full, with what to do; the others, never asked, say only that.
   */
  private oncePerRefusal(symbol: string, error: unknown): unknown {
    if (!this.breaker.refused || !(error instanceof NetworkError)) return error;
    if (!this.refusalSaid) {
      this.refusalSaid = true;
      return error;
    }
    return new NetworkError(`${symbol}: not asked again (${this.title} refuses this client)`);
  }

  /** An incremental download merged into the cache when possible, else the whole history. */
  private async download(symbol: string, cached: CacheEntry | null, now: Date, warnings: string[]): Promise<{ entry: CacheEntry; kept?: number }> {
    const fullIsDue = cached !== null && (cached.fullAt === undefined || now.getTime() - Date.parse(cached.fullAt) > FULL_REFRESH_MS);
    if (cached && !fullIsDue) {
      const from = cached.dates[Math.max(0, cached.dates.length - OVERLAP_BARS)] as IsoDate;
      // A day earlier than the first overlap bar, so no time zone can make the feed skip it.
      const fetched = await this.fetchHistory(symbol, new Date(`${addDays(from, -1)}T00:00:00Z`), now, warnings);
      const outcome = mergeIncremental(cached, fetched, now.toISOString());
      if (outcome.kind === "merged") return { entry: outcome.entry, kept: outcome.kept };
    }
    const fetched = await this.fetchHistory(symbol, HISTORY_START, now, warnings);
    if (fetched.dates.length === 0) throw new DataError(`${symbol}: ${this.title} returned no daily bars`);
    return { entry: { format: CACHE_FORMAT, symbol, fetchedAt: now.toISOString(), ...fetched, fullAt: now.toISOString() } };
  }
}

/** Bars dated after the exchange's today are no prices yet, whatever the feed says: left out, said in a warning. */
export function withoutFutureBars(symbol: string, history: FetchedHistory, now: Date, warnings: string[]): FetchedHistory {
  const today = exchangeDate(now, history.timezone);
  const future = history.dates.filter((date) => date > today);
  if (future.length === 0) return history;
  warnings.push(`${symbol}: ${future.length} bar${future.length === 1 ? "" : "s"} dated after today (${future[0]}) left out`);
  const keep = history.dates.length - future.length;
  return { ...history, dates: history.dates.slice(0, keep), close: history.close.slice(0, keep), adjclose: history.adjclose.slice(0, keep) };
}

function toSeries(entry: CacheEntry): PriceSeries {
  const splitDates = entry.events.filter((event) => event.includes(":split:")).map((event) => event.slice(0, 10));
  // Float64Array whether downloaded or read back from the cache: one shape for every series of a feed.
  const closes = entry.adjclose instanceof Float64Array ? entry.adjclose : Float64Array.from(entry.adjclose);
  return { symbol: entry.symbol, dates: entry.dates, closes, timezone: entry.timezone, ...(splitDates.length > 0 ? { splitDates } : {}), ...(entry.session ? { session: entry.session } : {}) };
}
