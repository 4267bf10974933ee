import { isIsoDate, type IsoDate } from "../../core/dates.js";
import { plausiblePrice } from "../../core/series.js";
import { DataError, NetworkError, UsageError, errorMessage } from "../../errors.js";
import { CachedFeedSource, withoutFutureBars, type CachedFeedOptions } from "../cached-feed.js";
import type { FetchedHistory } from "../history-merge.js";
import { defaultRetryPolicy, retryingFetch, type FetchFunction } from "../http.js";
import type { HttpAnswer } from "../answer.js";

/** Tiingo covers US listings: its dates are New York sessions. */
const TIINGO_TIMEZONE = "America/New_York";

const TOKEN_HELP = "a free personal token is at https://www.tiingo.com/account/api/token";

export interface TiingoSourceOptions extends CachedFeedOptions {
  /** Tiingo's API or a mirror, with its trailing slash. */
  baseUrl: string;
  token: string | null;
}

/** One bar of Tiingo's daily prices answer (its documented JSON); only these fields are read. */
interface TiingoBar {
  date: string;
  close: number | null;
  adjClose: number | null;
  divCash?: number;
  splitFactor?: number;
}

/**
 * Tiingo's end-of-day prices (`GET tiingo/daily/<ticker>/prices?startDate=`), with the token
 * in the Authorization header (so that no URL, message or log can carry it).
 */
export class TiingoSource extends CachedFeedSource {
  protected readonly kind = "tiingo";
  protected readonly title = "Tiingo";
  private readonly fetchWithRetries: FetchFunction;

  constructor(protected override readonly options: TiingoSourceOptions) {
    super(options);
    this.fetchWithRetries = retryingFetch(options.fetch, {
      ...defaultRetryPolicy,
      ...options.retry,
      onAttempt: () => {
        this.requests++;
      },
      breaker: this.breaker,
      expectsData: () => true,
    });
  }

  protected async fetchHistory(symbol: string, from: Date, now: Date, warnings: string[]): Promise<FetchedHistory> {
    const { token, baseUrl } = this.options;
    if (token === null) throw new UsageError(`Tiingo needs your API token in TIINGO_API_KEY (${TOKEN_HELP}); or use --offline for the cache`);
    const url = new URL(`tiingo/daily/${encodeURIComponent(symbol.toLowerCase())}/prices`, baseUrl);
    url.searchParams.set("startDate", from.toISOString().slice(0, 10));
    let response: HttpAnswer;
    try {
      response = await this.fetchWithRetries(url, { headers: { Authorization: `Token ${token}`, Accept: "application/json" } });
    } catch (error) {
      if (error instanceof NetworkError) throw new NetworkError(`${symbol}: ${error.message}`, error.unreachable);
      throw new NetworkError(`${symbol}: Tiingo request failed (${errorMessage(error).split("\n")[0]})`);
    }
    if (response.status === 401) throw new UsageError(`Tiingo refused the token in TIINGO_API_KEY (HTTP 401); ${TOKEN_HELP}`);
    if (response.status === 403) throw new NetworkError(`${symbol}: Tiingo refused this client (HTTP 403: a plan that does not cover this ticker, or an address it blocks)`);
    if (response.status === 404) throw new DataError(`${symbol}: unknown symbol on Tiingo`);
    if (!response.ok) throw new NetworkError(`${symbol}: Tiingo answered HTTP ${response.status}`);
    let answer: unknown;
    try {
      answer = JSON.parse(await response.text());
    } catch {
      throw new DataError(`${symbol}: Tiingo sent an unreadable answer (not JSON)`);
    }
    const { history, skipped } = readTiingoPrices(symbol, answer);
    if (skipped > 0) warnings.push(`${symbol}: ${skipped} bar${skipped === 1 ? "" : "s"} without a usable adjusted close skipped`);
    return withoutFutureBars(symbol, history, now, warnings);
  }
}

function isBar(value: unknown): value is TiingoBar {
  return typeof value === "object" && value !== null && typeof (value as { date?: unknown }).date === "string";
}

/**
 * Tiingo's answer (a list of daily bars) as a history: adjusted closes only (a bar without one is
 * skipped and counted, never filled with its raw close), one bar per date, dividends and splits
 * as events so that the cache knows when adjustments moved.
 */
export function readTiingoPrices(symbol: string, answer: unknown): { history: FetchedHistory; skipped: number } {
  if (!Array.isArray(answer)) {
    throw new DataError(`${symbol}: Tiingo sent an answer of an unexpected shape (${answer === null ? "null" : typeof answer}, not a list of daily bars)`);
  }
  const byDate = new Map<IsoDate, { close: number; adjclose: number }>();
  const events: string[] = [];
  let skipped = 0;
  for (const bar of answer) {
    if (!isBar(bar)) throw new DataError(`${symbol}: Tiingo sent a daily bar without a date`);
    const date = bar.date.slice(0, 10);
    if (!isIsoDate(date) || !/^\d{4}-\d{2}-\d{2}(T|$)/.test(bar.date)) throw new DataError(`${symbol}: Tiingo sent a bar dated "${bar.date.slice(0, 30).replace(/[^\x20-\x7e]/g, "?")}"`);
    const { close, adjClose } = bar;
    if (typeof close !== "number" || typeof adjClose !== "number" || !plausiblePrice(close) || !plausiblePrice(adjClose)) {
      skipped++;
      continue;
    }
    if (byDate.has(date)) throw new DataError(`${symbol}: Tiingo sent two bars for ${date}`);
    byDate.set(date, { close, adjclose: adjClose });
    if (typeof bar.divCash === "number" && bar.divCash > 0) events.push(`${date}:div:${bar.divCash}`);
    if (typeof bar.splitFactor === "number" && bar.splitFactor !== 1) events.push(`${date}:split:${bar.splitFactor}`);
  }
  const dates = [...byDate.keys()].sort();
  return {
    history: {
      timezone: TIINGO_TIMEZONE,
      dates,
      close: dates.map((date) => byDate.get(date)!.close),
      adjclose: dates.map((date) => byDate.get(date)!.adjclose),
      events: events.sort(),
    },
    skipped,
  };
}

