import type { RotationError } from "../errors.js";
import type { PriceSeries } from "../core/series.js";
import type { Runtime } from "../runtime.js";
import type { PriceSourceKind } from "./providers.js";
import type { FetchFunction, RetryPolicy } from "./http.js";

/**
 * The contract between the tool and its data providers. Each provider lives in its own folder
 * (src/sources/<kind>/, its cache included) and is one line of PROVIDERS (providers.ts); the
 * rest of the tool asks the registry and never names a provider.
 */

/** What the command needs to know about where prices came from (part of the JSON contract). */
export interface SourceInfo {
  kind: PriceSourceKind;
  [detail: string]: unknown;
}

export interface LoadResult {
  series: Map<string, PriceSeries>;
  warnings: string[];
  info: SourceInfo;
  /** Tickers that could not be loaded, each with its one-line reason; the caller decides. */
  failures: { symbol: string; error: RotationError }[];
}

export interface LoadProgress {
  done: number;
  total: number;
  symbol: string;
}

/** Every provider of daily adjusted closes answers this one question. */
export interface PriceSource {
  /**
   * `keep`: what to hold of each series once loaded. A source of local files applies it file by
   * file, so that a universe of thousands of funds is never in memory whole (the streamed runs
   * keep only each fund's dates, and read the closes again pair by pair); a feed may ignore it.
   * `keep` is called as each series is read and must hold nothing of the closes it is given
   * beyond the call: a source may lend them from a buffer it reuses.
   */
  load(symbols: readonly string[], onProgress?: (progress: LoadProgress) => void, keep?: (series: PriceSeries) => PriceSeries): Promise<LoadResult>;
}

/** The source options every price-loading command takes (commander's strings and booleans). */
export interface SourceOptionFlags {
  /** --source KIND, or a config file's "source". */
  source?: string;
  data?: string;
  sample?: boolean;
  offline?: boolean;
  refresh?: boolean;
  lenient?: boolean;
  timeout?: string;
  partial?: boolean;
  /** false with --no-fallback (or a config file's "fallback": false). */
  fallback?: boolean;
  /** Accepted for older scripts: falling back to the cache is now the default. */
  offlineFallback?: boolean;
  /** From a config file; ROTATION_CACHE_DIR wins over it. */
  cacheDir?: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** What a provider reads to make its choice: the flags (config already merged), the environment, the folder. */
export interface ChoiceContext {
  flags: SourceOptionFlags;
  env: Env;
  cwd: string;
  /** The cache folder (ROTATION_CACHE_DIR > config > the user cache folder), resolved when asked. */
  cacheDir(): string;
}

/** The settings every live provider shares (a feed over the network, with a cache on disk). */
export interface LiveChoice {
  cacheDir: string;
  /** The cache only, never the network. */
  offline: boolean;
  /** Download every history again, ignoring the cache. */
  refresh: boolean;
  timeoutMs: number;
  /**
   * When a download fails: the cache however old; when the feed is unreachable and nothing is
   * cached, the bundled sample (said loudly). false with --no-fallback.
   */
  fallback: boolean;
}

/**
 * A provider of daily adjusted closes. `Choice` is its settings as plain data (tested without
 * I/O); `open` loads its code only when a run needs it, so an unused provider costs nothing.
 */
export interface PriceProvider<Choice extends object = object> {
  serves: "prices";
  /** Its name in sentences: "Yahoo Finance". */
  title: string;
  /** One line for `--source`'s help and the README. */
  summary: string;
  /** Downloads over the network with a cache: --offline, --refresh, --timeout and the fallback chain apply. */
  live: boolean;
  /** Flags and environment to this provider's settings; a UsageError when they cannot work. */
  choose(context: ChoiceContext): Choice;
  open(choice: Choice, runtime: Runtime): Promise<PriceSource>;
  /** Where prices come from, in words, for `rotation config`. */
  describe(choice: Choice): string;
  /** Further fields of `rotation config --json`'s "prices" object (never a secret). */
  settings?(choice: Choice): Record<string, unknown>;
  /** The report's "Source:" sentence, from what a load said of itself. */
  provenance(info: SourceInfo): string;
  /** Advice when the feed cannot be reached at all. */
  unreachableAdvice?: string;
}

/** A provider of something other than daily prices: a dataset (valuation history) or a series (yields). */
/** What a dataset provider's download is given (French library, FRED): one shape for both. */
export interface DatasetRequest {
  cacheDir: string;
  /** The provider's URL setting (ROTATION_FRENCH_URL, ROTATION_FRED_URL), or its own address. */
  baseUrl: string;
  /** Cache only: no download, whatever its age. */
  offline: boolean;
  /** Cache only, and no warning when there is none (check and log: the dataset is extra there). */
  quiet?: boolean;
  timeoutMs: number;
  fetch: FetchFunction;
  now: () => Date;
  retry?: Partial<RetryPolicy>;
}

export interface DatasetProvider {
  serves: "valuation-history" | "series";
  title: string;
  summary: string;
  /** The environment variable naming a mirror or a test server. */
  urlVariable: string;
}

/** The identity function that types a price provider (so that `serves` keeps its literal type). */
export function definePriceProvider<Choice extends object>(provider: PriceProvider<Choice>): PriceProvider<Choice> {
  return provider;
}

export function defineDatasetProvider<Serves extends DatasetProvider["serves"]>(provider: DatasetProvider & { serves: Serves }): DatasetProvider & { serves: Serves } {
  return provider;
}
