import { originFromEnv } from "../../settings/urls.js";
import { cachedFeedOptions, describeLive, liveChoice, liveProvenance } from "../live.js";
import { definePriceProvider, type Env, type LiveChoice } from "../source.js";

const TITLE = "Yahoo Finance";

/** ROTATION_YAHOO_URL, checked: an http(s) origin (a path prefix is allowed); null for Yahoo's own hosts. */
export function yahooBaseUrl(env: Env): string | null {
  return originFromEnv(env, "ROTATION_YAHOO_URL", "http://127.0.0.1:8765");
}

export interface YahooChoice extends LiveChoice {
  /** ROTATION_YAHOO_URL: another origin for every Yahoo request; null for Yahoo's own hosts. */
  yahooUrl: string | null;
}

/** Yahoo Finance's chart endpoint: adjusted daily closes, no key; cached in the cache folder as TICKER.bin (price-cache.ts). */
export const yahooProvider = definePriceProvider<YahooChoice>({
  serves: "prices",
  title: TITLE,
  summary: "Yahoo Finance's adjusted daily closes (no key; ROTATION_YAHOO_URL for a mirror)",
  live: true,
  choose: (context) => ({ ...liveChoice(context), yahooUrl: yahooBaseUrl(context.env) }),
  async open(choice, runtime) {
    const { YahooSource, YAHOO_CONCURRENCY } = await import("./prices.js");
    return new YahooSource({ ...(await cachedFeedOptions(choice, runtime, YAHOO_CONCURRENCY)), yahooUrl: choice.yahooUrl });
  },
  describe: (choice) => `${TITLE}${choice.yahooUrl ? ` through ${choice.yahooUrl}` : ""}, ${describeLive(choice, TITLE)}`,
  settings: (choice) => ({ yahooUrl: choice.yahooUrl }),
  provenance: (info) => liveProvenance(TITLE, info),
});
