import { existsSync } from "node:fs";
import { runCheck, type CheckResult } from "../core/check.js";
import type { IsoDate } from "../core/dates.js";
import { alignPair, cutAsOf } from "../core/series.js";
import { universeSymbols, type Universe } from "../core/universe.js";
import { DataError, ExitCode } from "../errors.js";
import { checkToCsv, checkToNdjson } from "../output/check-records.js";
import { checkToJson } from "../output/json.js";
import { sparkline } from "../output/sparkline.js";
import type { Runtime } from "../runtime.js";
import type { SourceChoice } from "../sources/choose.js";
import type { LoadResult } from "../sources/source.js";
import { parseDate, parsePositiveNumber, parseThreshold, parseUniverse, parseWindow, type UniverseOptions } from "./options.js";
import {
  colorFromFlags,
  loadPrices,
  parseFormat,
  sourceFromFlags,
  withoutSymbols,
  writeWarnings,
  type ColorFlags,
  type OutputFormat,
  type SourceOptionFlags,
} from "./shared.js";
import type { ValuationReport } from "../core/valuation.js";
import { valuationStorePath } from "./valuation-store-path.js";

/** Flags as commander hands them over: strings, booleans, undefined when not given. */
export interface CheckFlags extends UniverseOptions, SourceOptionFlags, ColorFlags {
  window?: string;
  threshold?: string;
  asOf?: string;
  json?: boolean;
  csv?: boolean;
  format?: string;
  exitCode?: boolean;
  /** Fetch valuations live too (they are read from the store whenever it exists). */
  valuation?: boolean;
}

export interface CheckPlan {
  universe: Universe;
  window: number;
  threshold: number;
  asOf: IsoDate | undefined;
  source: SourceChoice;
  format: OutputFormat;
  color: boolean | undefined;
  exitCode: boolean;
  /** live: fetch P/E now (--valuation); store: use the valuation store if there is one. */
  valuation: { mode: "live" | "store"; store: string; timeoutMs: number };
}

/** Flags and environment to a plan: pure, so every rule about options is tested without I/O. */
export function planCheck(flags: CheckFlags, env: Runtime["env"], cwd: string): CheckPlan {
  return {
    universe: parseUniverse(flags),
    window: parseWindow(flags.window),
    threshold: parseThreshold(flags.threshold),
    asOf: parseDate(flags.asOf, "--as-of"),
    source: sourceFromFlags(flags, env, cwd),
    format: parseFormat(flags, ["table", "json", "ndjson", "csv"]),
    color: colorFromFlags(flags),
    exitCode: flags.exitCode ?? false,
    valuation: {
      mode: flags.valuation && !flags.offline && flags.asOf === undefined ? "live" : "store",
      store: valuationStorePath(undefined, env, cwd),
      // --timeout applies to the live valuation fetch too, even when prices come from CSV.
      timeoutMs: parsePositiveNumber(flags.timeout, "--timeout", 20) * 1000,
    },
  };
}

/** The last 63 common days of each pair's price ratio, drawn small (terminal tables only). */
function ratioSparklines(loaded: LoadResult, result: CheckResult, plan: CheckPlan): Map<string, string> {
  const lines = new Map<string, string>();
  for (const pair of result.pairs) {
    const a = loaded.series.get(pair.symbol);
    const b = loaded.series.get(pair.benchmark);
    if (!a || !b) continue;
    const aligned = alignPair(cutAsOf(a, plan.asOf), cutAsOf(b, plan.asOf));
    const from = Math.max(0, aligned.dates.length - 63);
    lines.set(pair.pair, sparkline(aligned.a.slice(from).map((x, i) => x / (aligned.b[from + i] as number))));
  }
  return lines;
}

/** Loads the universe's prices and runs the pure core on them. */
export async function computeCheck(plan: CheckPlan, runtime: Runtime): Promise<{ result: CheckResult; loaded: LoadResult; valuation: ValuationReport | null }> {
  const loaded = await loadPrices(universeSymbols(plan.universe).map((m) => m.symbol), plan.source, runtime, plan.asOf);
  const universe = withoutSymbols(plan.universe, new Set(loaded.failures.map((f) => f.symbol)));
  if (universe.pairs.length === 0) throw new DataError("nothing left to compare: every pair lost a ticker that failed to load");
  const result = runCheck(loaded.series, { universe, window: plan.window, threshold: plan.threshold, asOf: plan.asOf });
  result.warnings.unshift(...loaded.warnings);
  return { result, loaded, valuation: await valuationFor(plan, universe, result.asOf, runtime, result.warnings) };
}

/**
 * Valuation spreads of the check's pairs: live with --valuation, else from the store when one
 * exists (a single stat when it does not, so a plain check pays nothing).
 */
async function valuationFor(plan: CheckPlan, universe: Universe, asOf: string, runtime: Runtime, warnings: string[]): Promise<ValuationReport | null> {
  if (plan.valuation.mode === "store" && !existsSync(plan.valuation.store)) return null;
  const { computeValuation } = await import("./valuation.js");
  const report = await computeValuation(
    { pairs: universe.pairs, store: plan.valuation.store, minHistory: 60, live: plan.valuation.mode === "live", asOf: plan.valuation.mode === "live" ? undefined : asOf, timeoutMs: plan.valuation.timeoutMs },
    runtime,
  );
  warnings.push(...report.warnings);
  return report;
}

export async function check(plan: CheckPlan, runtime: Runtime): Promise<number> {
  const { result, loaded, valuation } = await computeCheck(plan, runtime);
  writeWarnings(runtime, result.warnings);
  const render: Record<OutputFormat, () => Promise<string> | string> = {
    // Table and colour code (cli-table3, chalk) load only for people; scripts never pay for them.
    table: async () => {
      const [{ renderCheckTable }, { makeStyle, wantsColor }] = await Promise.all([import("../output/table.js"), import("../output/style.js")]);
      const onTerminal = runtime.stdout.isTTY === true;
      return renderCheckTable(result, makeStyle(wantsColor({ flag: plan.color, env: runtime.env, isTTY: onTerminal })), {
        valuation,
        sparklines: onTerminal ? ratioSparklines(loaded, result, plan) : null,
        width: onTerminal ? runtime.stdout.columns : undefined,
      });
    },
    json: () => checkToJson(result, { source: loaded.info, window: plan.window, threshold: plan.threshold, valuation }),
    ndjson: () => checkToNdjson(result),
    csv: () => checkToCsv(result),
  };
  runtime.stdout.write(await render[plan.format]());
  return plan.exitCode && result.signals.length > 0 ? ExitCode.signal : ExitCode.ok;
}
