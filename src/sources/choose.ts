import path from "node:path";
import envPaths from "env-paths";
import type { Runtime } from "../runtime.js";
import type { PriceSource } from "./source.js";
import { UsageError } from "../errors.js";

/** Where prices come from, as decided from flags and environment (plain data, easy to test). */
export type SourceChoice = (
  | { kind: "csv"; dir: string; lenient: boolean; snapshotDir: string | null }
  | { kind: "yahoo"; cacheDir: string; offline: boolean; refresh: boolean; timeoutMs: number; offlineFallback: boolean }
) & {
  /** Go on without the tickers that fail to load (each named in a warning). */
  partial: boolean;
};

export interface SourceFlags {
  data?: string;
  offline?: boolean;
  refresh?: boolean;
  lenient?: boolean;
  /** From a config file; ROTATION_CACHE_DIR wins over it. */
  cacheDir?: string;
  partial?: boolean;
  offlineFallback?: boolean;
  timeoutMs: number;
}

/** A path with a NUL byte cannot name a file; say so instead of failing deep in fs. */
export function checkedPath(value: string, what: string): string {
  if (value.includes("\0")) throw new UsageError(`${what}: a path cannot contain a NUL byte`);
  return value;
}

export function userCacheDir(env: Runtime["env"], configured?: string): string {
  if (env.ROTATION_CACHE_DIR) return env.ROTATION_CACHE_DIR;
  if (configured) return configured;
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, "rotation");
  return envPaths("rotation", { suffix: "" }).cache;
}

export function chooseSource(flags: SourceFlags, env: Runtime["env"], cwd: string): SourceChoice {
  const data = flags.data ?? env.ROTATION_DATA;
  if (data !== undefined && data !== "") {
    return {
      kind: "csv",
      dir: path.resolve(cwd, checkedPath(data, "--data")),
      lenient: flags.lenient ?? false,
      partial: flags.partial ?? false,
      // Parsed files are kept under the cache folder unless ROTATION_CSV_SNAPSHOTS=0.
      snapshotDir: env.ROTATION_CSV_SNAPSHOTS === "0" ? null : path.join(path.resolve(cwd, checkedPath(userCacheDir(env, flags.cacheDir), "the cache folder")), "csv"),
    };
  }
  return {
    kind: "yahoo",
    cacheDir: path.resolve(cwd, checkedPath(userCacheDir(env, flags.cacheDir), "the cache folder")),
    offline: flags.offline ?? false,
    refresh: flags.refresh ?? false,
    timeoutMs: flags.timeoutMs,
    offlineFallback: flags.offlineFallback ?? false,
    partial: flags.partial ?? false,
  };
}

/** Only the chosen source's code is loaded: a CSV run never pays for the Yahoo client or cache. */
export async function openSource(choice: SourceChoice, runtime: Runtime): Promise<PriceSource> {
  if (choice.kind === "csv") {
    const { CsvFolderSource } = await import("./csv.js");
    return new CsvFolderSource(choice.dir, { lenient: choice.lenient, snapshotDir: choice.snapshotDir });
  }
  const [{ YahooSource }, { PriceCache }] = await Promise.all([import("./yahoo.js"), import("./cache.js")]);
  return new YahooSource({
    cache: new PriceCache(choice.cacheDir),
    offline: choice.offline,
    refresh: choice.refresh,
    fetch: runtime.fetch,
    retry: { timeoutMs: choice.timeoutMs, ...runtime.retry },
    now: runtime.now,
    concurrency: 4,
    offlineFallback: choice.offlineFallback,
    log: (line) => runtime.stderr.write(`${line}\n`),
  });
}
