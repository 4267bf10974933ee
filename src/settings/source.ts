import path from "node:path";
import { checkedPath, userCacheDir } from "./paths.js";
import { parseTimeoutMs } from "./validators.js";

/**
 * Where prices come from, as decided from flags and environment (plain data, easy to test).
 * A new provider adds its variant here, its file in src/sources and a line in registry.ts.
 */
export type SourceChoice = (
  | { kind: "csv"; dir: string; lenient: boolean; snapshotDir: string | null }
  | { kind: "yahoo"; cacheDir: string; offline: boolean; refresh: boolean; timeoutMs: number; offlineFallback: boolean }
) & {
  /** Go on without the tickers that fail to load (each named in a warning). */
  partial: boolean;
};

/** The source options every price-loading command takes (commander's strings and booleans). */
export interface SourceOptionFlags {
  data?: string;
  offline?: boolean;
  refresh?: boolean;
  lenient?: boolean;
  timeout?: string;
  partial?: boolean;
  offlineFallback?: boolean;
  /** From a config file; ROTATION_CACHE_DIR wins over it. */
  cacheDir?: string;
}

/** Where prices come from: --data or ROTATION_DATA names a CSV folder, else Yahoo Finance with its cache. */
export function chooseSource(flags: SourceOptionFlags, env: Readonly<Record<string, string | undefined>>, cwd: string): SourceChoice {
  const data = flags.data ?? env.ROTATION_DATA;
  const cacheDir = () => path.resolve(cwd, checkedPath(userCacheDir(env, flags.cacheDir), "the cache folder"));
  if (data !== undefined && data !== "") {
    return {
      kind: "csv",
      dir: path.resolve(cwd, checkedPath(data, "--data")),
      lenient: flags.lenient ?? false,
      partial: flags.partial ?? false,
      // Parsed files are kept under the cache folder unless ROTATION_CSV_SNAPSHOTS=0.
      snapshotDir: env.ROTATION_CSV_SNAPSHOTS === "0" ? null : path.join(cacheDir(), "csv"),
    };
  }
  return {
    kind: "yahoo",
    cacheDir: cacheDir(),
    offline: flags.offline ?? false,
    refresh: flags.refresh ?? false,
    timeoutMs: parseTimeoutMs(flags.timeout),
    offlineFallback: flags.offlineFallback ?? false,
    partial: flags.partial ?? false,
  };
}
