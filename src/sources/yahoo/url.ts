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
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    if (!/(^|\.)yahoo\.com$/i.test(url.hostname)) return fetch(input, init);
    const target = `${origin.origin}${prefix}${url.pathname}${url.search}`;
    return fetch(input instanceof Request ? new Request(target, input) : target, init);
  };
}
