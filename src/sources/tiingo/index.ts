import path from "node:path";
import { originFromEnv } from "../../settings/urls.js";
import { cachedFeedOptions, describeLive, liveChoice, liveProvenance } from "../live.js";
import { definePriceProvider, type Env, type LiveChoice } from "../source.js";

const TITLE = "Tiingo";

/** Tiingo's API, where `tiingo/daily/<ticker>/prices` is served. */
export const TIINGO_API_URL = "https://api.tiingo.com/";

/** ROTATION_TIINGO_URL (a mirror or a test server), with its trailing slash; Tiingo's own by default. */
export function tiingoBaseUrl(env: Env): string {
  const url = originFromEnv(env, "ROTATION_TIINGO_URL", "http://127.0.0.1:8767/");
  if (url === null) return TIINGO_API_URL;
  return url.endsWith("/") ? url : `${url}/`;
}

export interface TiingoChoice extends LiveChoice {
  baseUrl: string;
  /** TIINGO_API_KEY: the user's token. A secret: never printed, never in an error or a report. */
  token: string | null;
}

/** Tiingo's end-of-day prices: adjusted daily closes with the user's free token; cached in the cache folder's tiingo/. */
export const tiingoProvider = definePriceProvider<TiingoChoice>({
  serves: "prices",
  title: TITLE,
  summary: "Tiingo's adjusted daily closes (a free personal token in TIINGO_API_KEY; ROTATION_TIINGO_URL for a mirror)",
  live: true,
  choose(context) {
    const live = liveChoice(context);
    const token = context.env.TIINGO_API_KEY;
    return { ...live, cacheDir: path.join(live.cacheDir, "tiingo"), baseUrl: tiingoBaseUrl(context.env), token: token === undefined || token.trim() === "" ? null : token.trim() };
  },
  async open(choice, runtime) {
    const { TiingoSource } = await import("./prices.js");
    // The free plan allows a few requests a second at most: two tickers at once.
    return new TiingoSource({ ...(await cachedFeedOptions(choice, runtime, 2)), baseUrl: choice.baseUrl, token: choice.token });
  },
  describe: (choice) => `${TITLE}${choice.baseUrl === TIINGO_API_URL ? "" : ` through ${choice.baseUrl}`} (token ${choice.token === null ? "not set: TIINGO_API_KEY" : "set in TIINGO_API_KEY"}), ${describeLive(choice, TITLE)}`,
  settings: (choice) => ({ tiingoUrl: choice.baseUrl, token: choice.token === null ? "unset" : "set" }),
  provenance: (info) => liveProvenance(TITLE, info),
});
