import type { IsoDate } from "../core/dates.js";
import type { PriceSeries } from "../core/series.js";
import { DataError } from "../errors.js";
import { terminalSafe } from "../output/format.js";
import type { Runtime } from "../runtime.js";
import { openSource, type SourceChoice } from "../sources/choose.js";
import type { LoadProgress, LoadResult } from "../sources/source.js";
import { UsageError } from "../errors.js";

export type OutputFormat = "table" | "json" | "ndjson" | "csv";

/** --format wins; --json and --csv are its aliases. */
export function parseFormat(flags: { format?: string; json?: boolean; csv?: boolean }, allowed: readonly OutputFormat[]): OutputFormat {
  const given = [flags.format, flags.json ? "json" : undefined, flags.csv ? "csv" : undefined].filter((f): f is string => f !== undefined);
  const unique = [...new Set(given)];
  if (unique.length > 1) throw new UsageError(`--format ${unique.join(" and ")} contradict each other`);
  const format = unique[0] ?? "table";
  if (!(allowed as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${allowed.join(", ")}, got "${terminalSafe(format).slice(0, 20)}"`);
  return format as OutputFormat;
}

/** Loads prices for the symbols; refuses an as-of date before every series starts. */
export async function loadPrices(symbols: readonly string[], choice: SourceChoice, runtime: Runtime, asOf: IsoDate | undefined): Promise<LoadResult> {
  const source = await openSource(choice, runtime);
  const loaded = await source.load([...new Set(symbols)], progressReporter(runtime));
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
