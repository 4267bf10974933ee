import type { Runtime } from "../runtime.js";
import { usableFolder } from "../settings/paths.js";
import { parseTimeoutMs } from "../settings/validators.js";
import type { CachedFeedOptions } from "./cached-feed.js";
import type { ChoiceContext, LiveChoice, SourceInfo } from "./source.js";

/** The settings every live provider shares, read the same way for each. */
export function liveChoice({ flags, cacheDir }: ChoiceContext): LiveChoice {
  return {
    cacheDir: cacheDir(),
    offline: flags.offline ?? false,
    refresh: flags.refresh ?? false,
    timeoutMs: parseTimeoutMs(flags.timeout),
    fallback: flags.fallback !== false,
  };
}

/** "in FOLDER; the cache when a download fails, ..." : the part of `rotation config`'s line every live provider shares. */
export function describeLive(choice: LiveChoice, title: string): string {
  return `cached in ${choice.cacheDir}${choice.fallback ? `; the cache when a download fails, the bundled sample when ${title} is unreachable and nothing is cached` : ""}`;
}

/** A live provider's "Source:" sentence: its name, and the tickers shown from the cache after a failed download. */
export function liveProvenance(title: string, info: SourceInfo): string {
  const stale = Array.isArray(info.stale) ? (info.stale as { symbol: string; lastDate: string }[]) : [];
  return `${title}${stale.length > 0 ? `; from the cache after failed downloads: ${stale.map((s) => `${s.symbol} (to ${s.lastDate})`).join(", ")}` : ""}`;
}

/** What every live feed's source is given, from its choice and the run (the cache opened here, on first use). */
export async function cachedFeedOptions(choice: LiveChoice, runtime: Runtime, concurrency: number): Promise<CachedFeedOptions> {
  const { PriceCache } = await import("./price-cache.js");
  return {
    cache: new PriceCache(usableFolder(choice.cacheDir, "the cache folder (ROTATION_CACHE_DIR)")),
    offline: choice.offline,
    refresh: choice.refresh,
    fetch: runtime.fetch,
    retry: { timeoutMs: choice.timeoutMs, ...runtime.retry },
    now: runtime.now,
    concurrency,
    fallback: choice.fallback,
  };
}
