import type { FetchFunction } from "../http.js";

/**
 * ROTATION_YAHOO_URL points every request `rotation` makes to Yahoo (chart, cookie, crumb,
 * quote) at another origin: a mirror, a company proxy's gateway, or a test server. The path and
 * query are kept, so the other side answers exactly what Yahoo's hosts would.
 */
export function withYahooBase(fetch: FetchFunction, base: string | null): FetchFunction {
  if (base === null) return fetch;
  const origin = new URL(base);
  const prefix = origin.pathname.replace(/\/$/, "");
  return (input, init) => {
    // A Request (only yahoo-finance2 makes them) is recognised without naming the class: the
    // first mention of Node's Request loads its fetch machinery, ~30 ms of every download.
    const plain = typeof input === "string" || input instanceof URL;
    const url = new URL(plain ? String(input) : input.url);
    if (!/(^|\.)yahoo\.com$/i.test(url.hostname)) return fetch(input, init);
    const target = `${origin.origin}${prefix}${url.pathname}${url.search}`;
    return fetch(plain ? target : new Request(target, input), init);
  };
}
