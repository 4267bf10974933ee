import path from "node:path";
import envPaths from "env-paths";
import type { Runtime } from "../runtime.js";
import type { PriceSource } from "./source.js";

/** Where prices come from, as decided from flags and environment (plain data, easy to test). */
export type SourceChoice =
  | { kind: "csv"; dir: string; lenient: boolean }
  | { kind: "yahoo"; cacheDir: string; offline: boolean; refresh: boolean; timeoutMs: number };

export interface SourceFlags {
  data?: string;
  offline?: boolean;
  refresh?: boolean;
  lenient?: boolean;
  /** From a config file; ROTATION_CACHE_DIR wins over it. */
  cacheDir?: string;
  timeoutMs: number;
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
    return { kind: "csv", dir: path.resolve(cwd, data), lenient: flags.lenient ?? false };
  }
  return {
    kind: "yahoo",
    cacheDir: path.resolve(cwd, userCacheDir(env, flags.cacheDir)),
    offline: flags.offline ?? false,
    refresh: flags.refresh ?? false,
    timeoutMs: flags.timeoutMs,
  };
}

/** Only the chosen source's code is loaded: a CSV run never pays for the Yahoo client or cache. */
export async function openSource(choice: SourceChoice, runtime: Runtime): Promise<PriceSource> {
  if (choice.kind === "csv") {
    const { CsvFolderSource } = await import("./csv.js");
    return new CsvFolderSource(choice.dir, { lenient: choice.lenient });
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
    log: (line) => runtime.stderr.write(`${line}\n`),
  });
}
