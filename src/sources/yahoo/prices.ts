import type { IsoDate } from "../../core/dates.js";
import { exchangeDate } from "../../core/market.js";
import { plausiblePrice } from "../../core/series.js";
import { DataError, NetworkError, RotationError, errorMessage } from "../../errors.js";
import { CachedFeedSource, withoutFutureBars, type CachedFeedOptions } from "../cached-feed.js";
import type { FetchedHistory } from "../history-merge.js";
import { defaultRetryPolicy, type FetchFunction, type RetryPolicy } from "../http.js";
import { requestChart } from "./chart.js";
import { yahooFetch } from "./client.js";

export { FULL_REFRESH_MS, type StaleTicker } from "../cached-feed.js";

export interface YahooSourceOptions extends CachedFeedOptions {
  /** ROTATION_YAHOO_URL: another origin for every request (null: Yahoo's own hosts). */
  yahooUrl?: string | null;
}


/**
 * Requests in flight at once: the five default funds in one round trip (a next-day run waits for
 * one answer's latency, not two), and no more than a browser opens to one host (6), which Yahoo
 * serves without a 429.
 */
export const YAHOO_CONCURRENCY = 6;

/** Yahoo Finance's chart endpoint (chart.ts: the request yahoo-finance2 makes, without loading it). */
export class YahooSource extends CachedFeedSource {
  protected readonly kind = "yahoo";
  protected readonly title = "Yahoo Finance";
  private fetcher: FetchFunction | null = null;

  constructor(protected override readonly options: YahooSourceOptions) {
    super(options);
  }

  /** An index's close is its adjusted close (no dividends): the only raw closes ever used. */
  protected override closesAsAdjusted(symbols: readonly string[]): string[] {
    return symbols.filter(isIndex);
  }

  /** The retrying fetch of this source's requests, made on the first download. */
  private fetchOf(): FetchFunction {
    const policy: RetryPolicy = {
      ...defaultRetryPolicy,
      ...this.options.retry,
      onAttempt: () => {
        this.requests++;
      },
      breaker: this.breaker,
    };
    this.fetcher ??= yahooFetch(this.options.fetch, policy, this.options.yahooUrl ?? null);
    return this.fetcher;
  }

  protected async fetchHistory(symbol: string, from: Date, now: Date, warnings: string[]): Promise<FetchedHistory> {
    let answer: unknown;
    try {
      // The answer is not validated whole: Yahoo changes fields that rotation never reads every
      // few months, and that must not fail a run. readChart checks exactly what is used.
      answer = await requestChart(this.fetchOf(), symbol, from, now);
    } catch (error) {
      throw describeYahooFailure(symbol, error);
    }
    const { history, skipped, unadjusted, conflicts } = toFetchedHistory(readChart(symbol, answer));
    if (skipped > 0) warnings.push(`${symbol}: ${skipped} bar${skipped === 1 ? "" : "s"} without a usable close skipped`);
    if (unadjusted > 0) warnings.push(`${symbol}: ${unadjusted} bar${unadjusted === 1 ? "" : "s"} without an adjusted close left out (${history.dates.length > 0 ? "the raw close is never used in its place" : "no bar left"})`);
    for (const conflict of conflicts) warnings.push(`${symbol}: ${conflict}`);
    return withoutFutureBars(symbol, history, now, warnings);
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
  /** meta.currentTradingPeriod.regular, when present and readable (start, end: seconds). */
  regular: { start: number; end: number } | null;
}

/** An index ticker (^RUT, ^GSPC): its close is its adjusted close by definition. */
export function isIndex(symbol: string): boolean {
  return symbol.startsWith("^");
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
    meta?: { exchangeTimezoneName?: unknown; currentTradingPeriod?: { regular?: { start?: unknown; end?: unknown } } };
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
  // An index (^RUT) pays no dividends: its close is its adjusted close by definition, and Yahoo
  // may leave the adjusted series out. A fund's raw close is never taken for its adjusted one.
  const index = isIndex(symbol);
  const adjclose = timestamps.length === 0 || (index && adjusted === undefined) ? close : adjusted;
  if (adjclose === undefined) throw new DataError(`${symbol}: Yahoo Finance's chart answer has no adjusted closes (indicators.adjclose); raw closes are not used in their place`);
  if (!numbersOrNull(adjclose) || adjclose.length !== timestamps.length) {
    throw missing(`adjusted closes (indicators.adjclose[0].adjclose: ${Array.isArray(adjclose) ? `${adjclose.length} for ${timestamps.length} timestamps` : "not numbers"})`);
  }
  if (!index && adjclose.length > 0 && adjclose.every((value) => value === null) && close.some((value) => value !== null)) {
    throw new DataError(`${symbol}: Yahoo Finance's chart answer has no adjusted close on any bar; raw closes are not used in their place`);
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
  // The session in course, from the exchange's own trading period: any exchange, not only New York's.
  const period = chart.meta?.currentTradingPeriod?.regular;
  const regularStart = seconds(period?.start);
  const regularEnd = seconds(period?.end);
  const regular = regularStart !== null && regularEnd !== null && regularEnd > regularStart ? { start: regularStart, end: regularEnd } : null;
  return { timezone, timestamps: timestamps as number[], close, adjclose, dividends, splits, regular };
}

/** Bars on exchange dates; bars without a usable close are counted, not invented. */
export function toFetchedHistory(answer: ChartAnswer): { history: FetchedHistory; skipped: number; unadjusted: number; conflicts: string[] } {
  const { timezone } = answer;
  const byDate = new Map<IsoDate, { close: number; adjclose: number }>();
  const conflicting = new Map<IsoDate, number[]>();
  let skipped = 0;
  let unadjusted = 0;
  for (let i = 0; i < answer.timestamps.length; i++) {
    const close = answer.close[i];
    const adjclose = answer.adjclose[i];
    // A bar whose adjusted close is missing is left out and counted, never filled with its raw close.
    if (typeof close === "number" && adjclose === null) {
      unadjusted++;
      continue;
    }
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
  const session = answer.regular ? { date: exchangeDate(new Date(answer.regular.start * 1000), timezone), ...answer.regular } : undefined;
  return {
    history: {
      timezone,
      ...(session ? { session } : {}),
      dates,
      close: dates.map((date) => byDate.get(date)!.close),
      adjclose: dates.map((date) => byDate.get(date)!.adjclose),
      events,
    },
    skipped,
    unadjusted,
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
