import type { IsoDate } from "../core/dates.js";
import type { PriceSeries } from "../core/series.js";
import { DataError, NetworkError, type RotationError } from "../errors.js";
import type { Universe } from "../core/universe.js";
import { terminalSafe } from "../output/format.js";
import type { Runtime } from "../runtime.js";
import { chooseSource, openSource, type SourceChoice } from "../sources/choose.js";
import { parsePositiveNumber } from "./options.js";
import type { LoadProgress, LoadResult } from "../sources/source.js";
import { UsageError } from "../errors.js";

export type OutputFormat = "table" | "json" | "ndjson" | "csv";

/** The source options every price-loading command takes (commander's strings and booleans). */
export interface SourceOptionFlags {
  data?: string;
  offline?: boolean;
  refresh?: boolean;
  lenient?: boolean;
  timeout?: string;
  partial?: boolean;
  offlineFallback?: boolean;
  /** From a config file. */
  cacheDir?: string;
}

/** Colour flags: --no-color, and a config file's "color": true. */
export interface ColorFlags {
  color?: boolean;
  forceColor?: boolean;
}

export function sourceFromFlags(flags: SourceOptionFlags, env: Runtime["env"], cwd: string): SourceChoice {
  return chooseSource({ ...flags, timeoutMs: parsePositiveNumber(flags.timeout, "--timeout", 20) * 1000 }, env, cwd);
}

export function colorFromFlags(flags: ColorFlags): boolean | undefined {
  return flags.color === false ? false : flags.forceColor ? true : undefined;
}

/** --format wins; --json and --csv are its aliases. */
export function parseFormat(flags: { format?: string; json?: boolean; csv?: boolean }, allowed: readonly OutputFormat[]): OutputFormat {
  const given = [flags.format, flags.json ? "json" : undefined, flags.csv ? "csv" : undefined].filter((f): f is string => f !== undefined);
  const unique = [...new Set(given)];
  if (unique.length > 1) throw new UsageError(`--format ${unique.join(" and ")} contradict each other`);
  const format = unique[0] ?? "table";
  if (!(allowed as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${allowed.join(", ")}, got "${terminalSafe(format).slice(0, 20)}"`);
  return format as OutputFormat;
}

/** One line for every ticker that failed: distinct reasons joined, network-only stays a network error. */
export function combineFailures(failures: LoadResult["failures"]): RotationError {
  const messages = [...new Set(failures.map((f) => f.error.message))];
  const text = messages.join("; ");
  return failures.every((f) => f.error instanceof NetworkError) ? new NetworkError(text) : new DataError(text);
}

/** The universe without the tickers that failed to load (--partial). */
export function withoutSymbols(universe: Universe, failed: ReadonlySet<string>): Universe {
  return {
    small: universe.small.filter((s) => !failed.has(s)),
    mid: universe.mid.filter((s) => !failed.has(s)),
    large: universe.large.filter((s) => !failed.has(s)),
    pairs: universe.pairs.filter((p) => !failed.has(p.symbol) && !failed.has(p.benchmark)),
  };
}

/**
 * Loads prices for the symbols. A ticker that fails stops the run, unless the source choice
 * says --partial: then it is named in a warning and left out. Refuses an as-of date before
 * every series starts.
 */
export async function loadPrices(symbols: readonly string[], choice: SourceChoice, runtime: Runtime, asOf: IsoDate | undefined): Promise<LoadResult> {
  const source = await openSource(choice, runtime);
  const loaded = await source.load([...new Set(symbols)], progressReporter(runtime));
  if (loaded.failures.length > 0) {
    if (!choice.partial || loaded.series.size === 0) throw combineFailures(loaded.failures);
    for (const message of new Set(loaded.failures.map((f) => f.error.message))) loaded.warnings.push(`${message} (left out: --partial)`);
  }
  if (asOf !== undefined) {
    const earliest = [...loaded.series.values()]
      .map((s: PriceSeries) => s.dates[0])
      .filter((d): d is string => d !== undefined)
      .sort()[0];
    if (earliest === undefined || earliest > asOf) {
      throw new DataError(`--as-of ${asOf} is before the first price in the data${earliest ? ` (${earliest})` : ""}`);
    }
  }
  return loaded;
}

export function writeWarnings(runtime: Runtime, warnings: readonly string[]): void {
  for (const warning of warnings) runtime.stderr.write(`warning: ${terminalSafe(warning)}\n`);
}

/** Progress lines on a terminal only: a cron log or a pipe gets none. */
export function progressReporter(runtime: Runtime): ((progress: LoadProgress) => void) | undefined {
  if (runtime.stderr.isTTY !== true) return undefined;
  return ({ done, total, symbol }) => {
    runtime.stderr.write(`\rloading ${done}/${total} ${terminalSafe(symbol)}   ${done === total ? "\r\u001b[K" : ""}`);
  };
}
