import path from "node:path";
import { UsageError } from "../errors.js";
import { checkedPath, resolvedCacheDir } from "./paths.js";
import { parseTimeoutMs, printable } from "./validators.js";

/** Kenneth French's Data Library, where `<NAME>_CSV.zip` files are served (sources/french). */
export const FRENCH_LIBRARY_URL = "https://mba.tuck.dartmouth.edu/pages/faculty/ken.french/ftp/";

/**
 * Where prices come from, as decided from flags and environment (plain data, easy to test).
 * A new provider adds its variant here, its file in src/sources and a line in registry.ts.
 */
export type SourceChoice = (
  | { kind: "csv"; dir: string; lenient: boolean; snapshotDir: string | null }
  | {
      kind: "yahoo";
      cacheDir: string;
      offline: boolean;
      refresh: boolean;
      timeoutMs: number;
      /** Stale cache when a download fails, the bundled sample when Yahoo is unreachable and nothing is cached. */
      fallback: boolean;
      /** ROTATION_YAHOO_URL: another origin for every Yahoo request; null for Yahoo's own hosts. */
      yahooUrl: string | null;
    }
  | { kind: "sample" }
) & {
  /** Go on without the tickers that fail to load (each named in a warning). */
  partial: boolean;
};

/** The source options every price-loading command takes (commander's strings and booleans). */
export interface SourceOptionFlags {
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

type Env = Readonly<Record<string, string | undefined>>;

/** An environment variable naming a server (a mirror, a test server): an http(s) URL, or null when unset. */
function httpUrlFromEnv(env: Env, name: string, example: string): URL | null {
  const raw = env[name];
  if (raw === undefined || raw === "") return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${name}: "${printable(raw)}" is not a URL (e.g. ${example})`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`${name} must be an http: or https: URL, got "${printable(raw)}"`);
  return url;
}

/** ROTATION_FRENCH_URL (a mirror or a test server): a base URL with its trailing slash; the library's own by default. */
export function frenchBaseUrl(env: Env): string {
  const url = httpUrlFromEnv(env, "ROTATION_FRENCH_URL", "http://127.0.0.1:8766/ftp/");
  if (url === null) return FRENCH_LIBRARY_URL;
  return url.href.endsWith("/") ? url.href : `${url.href}/`;
}

/** ROTATION_YAHOO_URL, checked: an http(s) origin (a path prefix is allowed). */
export function yahooBaseUrl(env: Env): string | null {
  const url = httpUrlFromEnv(env, "ROTATION_YAHOO_URL", "http://127.0.0.1:8765");
  if (url === null) return null;
  // A user and password would not be sent (the HTTP client refuses them, quoting the URL): said
  // at once, never printed.
  if (url.username !== "" || url.password !== "") throw new UsageError(`ROTATION_YAHOO_URL: a user or password in the URL is not supported (${url.protocol}//${url.host}); authenticate through a proxy (HTTPS_PROXY) instead`);
  return url.href;
}

/** --sample, else --data or ROTATION_DATA (a CSV folder), else Yahoo Finance with its cache. */
export function chooseSource(flags: SourceOptionFlags, env: Env, cwd: string): SourceChoice {
  const partial = flags.partial ?? false;
  if (flags.sample) {
    if (flags.data !== undefined) throw new UsageError("--sample and --data contradict each other: choose one source of prices");
    return { kind: "sample", partial };
  }
  const data = flags.data ?? env.ROTATION_DATA;
  const cacheDir = () => resolvedCacheDir(flags.cacheDir, env, cwd);
  if (data !== undefined && data !== "") {
    return {
      kind: "csv",
      dir: path.resolve(cwd, checkedPath(data, "--data")),
      lenient: flags.lenient ?? false,
      partial,
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
    fallback: flags.fallback !== false,
    yahooUrl: yahooBaseUrl(env),
    partial,
  };
}

/** Where prices come from, in words, for `rotation config`. */
export function describeSource(choice: SourceChoice): string {
  switch (choice.kind) {
    case "csv":
      return `CSV files in ${choice.dir}`;
    case "sample":
      return "the bundled sample (--sample)";
    case "yahoo":
      return `Yahoo Finance${choice.yahooUrl ? ` through ${choice.yahooUrl}` : ""}, cached in ${choice.cacheDir}${choice.fallback ? "; the cache when a download fails, the bundled sample when Yahoo is unreachable and nothing is cached" : ""}`;
  }
}
