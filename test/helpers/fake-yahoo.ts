import { readFileSync } from "node:fs";
import path from "node:path";
import { FIXTURE_YAHOO } from "./paths.js";

/** A recorded exchange from ../shared/yahoo: what Yahoo really sent. */
export interface Recording {
  request: { url: string };
  response: { status: number; statusText?: string; headers?: Record<string, string>; bodyJson?: unknown; bodyText?: string };
}

export function loadRecording(name: string): Recording {
  return JSON.parse(readFileSync(path.join(FIXTURE_YAHOO, name), "utf8")) as Recording;
}

export function replay(recording: Recording): Response {
  const { status, statusText, headers, bodyJson, bodyText } = recording.response;
  const body = bodyJson !== undefined ? JSON.stringify(bodyJson) : (bodyText ?? "");
  const kept = Object.fromEntries(Object.entries(headers ?? {}).filter(([k]) => k === "content-type" || k === "set-cookie"));
  return new Response(body, { status, statusText: statusText ?? "", headers: kept });
}

export interface Bar {
  date: string;
  close: number;
  /** The adjusted close (the close when absent); null: Yahoo sent null for this bar. */
  adjclose?: number | null;
}

/**
 * A chart answer in Yahoo's real v8 shape (meta, timestamp[], indicators.quote, indicators.adjclose,
 * events keyed by timestamp), for symbols and histories the recordings do not cover.
 */
export function chartBody(symbol: string, bars: Bar[], events: { dividends?: { date: string; amount: number }[]; splits?: { date: string; numerator: number; denominator: number }[] } = {}): unknown {
  const stamp = (date: string): number => Date.parse(`${date}T14:30:00Z`) / 1000;
  const result: Record<string, unknown> = {
    meta: {
      currency: "USD",
      symbol,
      exchangeName: "PCX",
      fullExchangeName: "NYSEArca",
      instrumentType: "ETF",
      firstTradeDate: bars.length > 0 ? stamp(bars[0]!.date) : 1721136600,
      regularMarketTime: bars.length > 0 ? stamp(bars[bars.length - 1]!.date) : 1721136600,
      hasPrePostMarketData: true,
      gmtoffset: -14400,
      timezone: "EDT",
      exchangeTimezoneName: "America/New_York",
      regularMarketPrice: bars[bars.length - 1]?.close ?? 0,
      priceHint: 2,
      currentTradingPeriod: {
        pre: { timezone: "EDT", start: 1721116800, end: 1721136600, gmtoffset: -14400 },
        regular: { timezone: "EDT", start: 1721136600, end: 1721160000, gmtoffset: -14400 },
        post: { timezone: "EDT", start: 1721160000, end: 1721174400, gmtoffset: -14400 },
      },
      dataGranularity: "1d",
      range: "",
      validRanges: ["1d", "5d", "1mo", "max"],
    },
    indicators: {
      quote: [
        bars.length === 0
          ? {}
          : {
              open: bars.map((b) => b.close),
              high: bars.map((b) => b.close),
              low: bars.map((b) => b.close),
              close: bars.map((b) => b.close),
              volume: bars.map(() => 1000),
            },
      ],
      adjclose: [{ adjclose: bars.map((b) => (b.adjclose === undefined ? b.close : b.adjclose)) }],
    },
  };
  if (bars.length > 0) result.timestamp = bars.map((b) => stamp(b.date));
  const keyed: Record<string, Record<string, unknown>> = {};
  if (events.dividends?.length) {
    keyed.dividends = Object.fromEntries(events.dividends.map((d) => [String(stamp(d.date)), { amount: d.amount, date: stamp(d.date) }]));
  }
  if (events.splits?.length) {
    keyed.splits = Object.fromEntries(
      events.splits.map((s) => [String(stamp(s.date)), { date: stamp(s.date), numerator: s.numerator, denominator: s.denominator, splitRatio: `${s.numerator}:${s.denominator}` }]),
    );
  }
  if (Object.keys(keyed).length > 0) result.events = keyed;
  return { chart: { result: [result], error: null } };
}

export const NOT_FOUND_BODY = { chart: { result: null, error: { code: "Not Found", description: "No data found, symbol may be delisted" } } };

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json;charset=utf-8", ...headers } });
}

export type Handler = (url: URL, symbol: string) => Response | Promise<Response>;

/**
 * A fetch that plays Yahoo: chart requests go to `handler` with the symbol, everything is
 * counted, and nothing leaves the machine.
 */
export function fakeYahoo(handler: Handler) {
  const requests: string[] = [];
  const fetch = async (input: string | URL | Request): Promise<Response> => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    requests.push(url.pathname + url.search);
    const match = /\/v8\/finance\/chart\/([^/?]+)/.exec(url.pathname);
    if (!match) return new Response("not served by the fake", { status: 500 });
    return handler(url, decodeURIComponent(match[1]!));
  };
  return { fetch, requests };
}

/** Serves the bars of a symbol from period1 on, as Yahoo does. */
export function serveHistory(histories: Record<string, Bar[]>): Handler {
  return (url, symbol) => {
    const bars = histories[symbol];
    if (!bars) return json(NOT_FOUND_BODY, 404);
    const from = Number(url.searchParams.get("period1")) * 1000;
    const to = Number(url.searchParams.get("period2") ?? Number.MAX_SAFE_INTEGER) * 1000;
    return json(chartBody(symbol, bars.filter((b) => Date.parse(`${b.date}T14:30:00Z`) >= from && Date.parse(`${b.date}T00:00:00Z`) <= to)));
  };
}
