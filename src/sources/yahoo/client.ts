import { importYahooCookieJar, importYahooFinance } from "../../boot/external.js";
import { withYahooBase } from "./url.js";
import { toWebResponse } from "../answer.js";
import { retryingFetch, type FetchFunction, type RetryPolicy } from "../http.js";

/** Answers expected to be data (JSON): the chart, quote and quoteSummary endpoints. */
function isYahooData(url: string): boolean {
  return /\/v\d+\/finance\//.test(url);
}

/**
 * The fetch every request to Yahoo goes through: ROTATION_YAHOO_URL's host (applied first, so
 * that retries and messages name the host really asked), retries, and the data check.
 */
export function yahooFetch(fetch: FetchFunction, policy: RetryPolicy, yahooUrl: string | null): FetchFunction {
  return withYahooBase(retryingFetch(fetch, { ...policy, expectsData: isYahooData }), yahooUrl);
}

/**
 * yahoo-finance2, loaded on first use (importing it costs ~100 ms that CSV runs never need),
 * with our retrying fetch and a logger that never writes to stdout.
 */
export async function createYahooClient(fetch: FetchFunction, policy: RetryPolicy, log: (line: string) => void, yahooUrl: string | null = null, concurrency = 4): Promise<unknown> {
  const [{ default: YahooFinance }, { ExtendedCookieJar }] = await Promise.all([importYahooFinance(), importYahooCookieJar()]);
  const quiet = (...args: unknown[]): void => {
    const text = args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ");
    // The library warns that Node 20 is older than it would like; it works, as the tests show.
    if (/Unsupported environment/.test(text)) return;
    log(`yahoo-finance2: ${text}`);
  };
  const clientFetch = yahooFetch(fetch, policy, yahooUrl);
  return new YahooFinance({
    // The library reads a Web Response; the transport's own answers are converted for it.
    fetch: (async (input: string | URL | Request, init?: RequestInit) => toWebResponse(await clientFetch(input, init))) as typeof globalThis.fetch,
    logger: { info: () => undefined, debug: () => undefined, dir: () => undefined, warn: quiet, error: quiet },
    versionCheck: false,
    // The caller's limit, not the library's default of 4 (which would hold back a fifth request).
    queue: { concurrency },
    // A jar of its own: the library keys its crumb by jar, so a new client is a truly fresh
    // session (cookie and crumb), which is what a 401 for a stale crumb needs.
    cookieJar: new ExtendedCookieJar(),
    suppressNotices: ["yahooSurvey", "ripHistorical"],
    validation: { logErrors: false, logOptionsErrors: false },
  });
}
