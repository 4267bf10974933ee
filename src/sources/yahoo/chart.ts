import { VERSION } from "../../version.js";
import type { FetchFunction } from "../http.js";

/**
 * Yahoo's chart request, made as yahoo-finance2's `chart(symbol, {..., return: "object"},
 * {validateResult: false})` makes it, without loading the library: importing it cost ~125 ms
 * of every run that downloads prices (a cron job's next-day run: most of its time). The same
 * URL and query, the same reading of the answer, and the same errors, each as the library
 * raises it (message, name, HTTP code), so that describeYahooFailure words them as before; the
 * fault tests hold the two to that. The library is still used for quotes (--valuation).
 */

/** Yahoo's host for data; ROTATION_YAHOO_URL moves it (withYahooBase). */
const QUERY_HOST = "query2.finance.yahoo.com";

/** A user agent of the form Yahoo serves (the library found it), naming this program honestly. */
const USER_AGENT = `Mozilla/5.0 (compatible; size-rotation/${VERSION})`;

/** The chart's URL for daily bars with dividends and splits, from `from` to `now` (seconds, as the library rounds them). */
export function chartUrl(symbol: string, from: Date, now: Date): string {
  const period1 = Math.floor(from.getTime() / 1000);
  const period2 = Math.floor(now.getTime() / 1000);
  const query = new URLSearchParams({ useYfid: "true", interval: "1d", includePrePost: "true", events: "div|split", lang: "en-US", period1: String(period1), period2: String(period2) });
  return `https://${QUERY_HOST}/v8/finance/chart/${symbol}?${query.toString()}`;
}

/** An error as the library throws it: a message, a name, and an HTTP code for an HTTP error. */
function libraryError(message: string, name = "Error", code?: number): Error {
  const error = new Error(message);
  error.name = name;
  if (code !== undefined) Object.assign(error, { code });
  return error;
}

/**
 * The chart's result for one symbol (`chart.result[0]`, unvalidated: readChart checks what is
 * used), or the error the library would throw for the same answer.
 */
export async function requestChart(fetch: FetchFunction, symbol: string, from: Date, now: Date): Promise<unknown> {
  if (from.getTime() === now.getTime()) throw libraryError("yahooFinance.chart() options `period1` and `period2` cannot share the same value.");
  const response = await fetch(chartUrl(symbol, from, now), { headers: { "User-Agent": USER_AGENT } });
  const text = await response.text();
  let answer: unknown = null;
  try {
    answer = JSON.parse(text);
  } catch (error) {
    if (response.ok) throw libraryError(`Response.ok where we expect JSON, but the response was not parsable.  Response: "${text}".  Error: "${(error as Error).message}"`);
  }
  // An answer of one key with an error in it ({"chart": {"result": null, "error": {...}}}).
  if (answer !== null && typeof answer === "object") {
    const keys = Object.keys(answer);
    if (keys.length === 1) {
      const inner = (answer as Record<string, unknown>)[keys[0] as string];
      const reported = inner !== null && typeof inner === "object" ? (inner as { error?: unknown }).error : undefined;
      if (reported) {
        const { code, description } = reported as { code?: unknown; description?: unknown };
        if (typeof code !== "string") throw new TypeError("the answer's error has no code");
        throw libraryError(String(description), `${code.replace(/ /g, "")}Error`);
      }
    }
  }
  if (!response.ok) throw libraryError(text || response.statusText, "HTTPError", response.status);
  const chart = (answer as { chart?: { result?: unknown } } | null)?.chart;
  if (!chart) throw libraryError(`Unexpected result: ${JSON.stringify(answer)}`);
  const result = (chart.result as unknown[] | null | undefined)?.[0];
  if (result === undefined || result === null || typeof result !== "object") throw new TypeError("the chart answer has no result[0]");
  const bars = result as { timestamp?: unknown; indicators?: { quote?: unknown[] } };
  // No bars in the range: Yahoo sends no timestamps and one empty quote, which reads as no bars.
  if (!bars.timestamp) {
    const quotes = bars.indicators?.quote;
    if (!Array.isArray(quotes)) throw new TypeError("the chart answer has no indicators.quote");
    if (quotes.length !== 1) throw libraryError("No timestamp with quotes.length !== 1, please report with your query");
    if (Object.keys(quotes[0] ?? {}).length !== 0) throw libraryError(`No timestamp with unexpected quote, please report with your query${JSON.stringify(quotes[0])}`);
    quotes.pop();
  }
  return result;
}
