import { computeCheck, recentRatios, type CheckRequest } from "../app/check.js";
import { ExitCode } from "../errors.js";
import { checkToCsv, checkToJson, checkToNdjson } from "../output/check.js";
import { progressReporter, writeWarnings } from "../output/stderr.js";
import type { Runtime } from "../runtime.js";
import { DEFAULTS } from "../settings/defaults.js";
import { valuationStorePath } from "../settings/paths.js";
import { colorSetting, type ColorFlags, type ColorMode } from "../settings/settings.js";
import { chooseSource, type SourceOptionFlags } from "../settings/source.js";
import { parseDate, parseFormat, parseThreshold, parseTimeoutMs, parseUniverse, parseWindow, type OutputFormat, type UniverseOptions } from "../settings/validators.js";

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

export interface CheckPlan extends CheckRequest {
  format: OutputFormat;
  color: ColorMode;
  exitCode: boolean;
}

/** Flags and environment to a plan: pure, so every rule about options is tested without I/O. */
export function planCheck(flags: CheckFlags, env: Runtime["env"], cwd: string): CheckPlan {
  return {
    universe: parseUniverse(flags),
    window: parseWindow(flags.window),
    threshold: parseThreshold(flags.threshold),
    asOf: parseDate(flags.asOf, "--as-of"),
    source: chooseSource(flags, env, cwd),
    format: parseFormat(flags),
    color: colorSetting(flags, env).value,
    exitCode: flags.exitCode ?? false,
    valuation: {
      mode: flags.valuation && !flags.offline && flags.asOf === undefined ? "live" : "store",
      store: valuationStorePath(undefined, env, cwd),
      // --timeout applies to the live valuation fetch too, even when prices come from CSV.
      timeoutMs: parseTimeoutMs(flags.timeout),
    },
  };
}

/** Days of each pair's ratio drawn as a sparkline in the terminal table. */
const SPARKLINE_DAYS = 63;

export async function check(plan: CheckPlan, runtime: Runtime): Promise<number> {
  const outcome = await computeCheck(plan, runtime, progressReporter(runtime.stderr));
  const { result, loaded, valuation } = outcome;
  writeWarnings(runtime.stderr, result.warnings);
  const render: Record<OutputFormat, () => Promise<string> | string> = {
    // Table and colour code (cli-table3, chalk) load only for people; scripts never pay for them.
    table: async () => {
      const [{ renderCheckTable }, { styleFor }, { sparkline }] = await Promise.all([import("../output/check.js"), import("../output/style.js"), import("../output/sparkline.js")]);
      const onTerminal = runtime.stdout.isTTY === true;
      const sparklines = onTerminal ? new Map([...recentRatios(outcome, SPARKLINE_DAYS)].map(([pair, ratios]) => [pair, sparkline(ratios)])) : null;
      return renderCheckTable(result, styleFor(plan.color, runtime.stdout, runtime.env), { valuation, sparklines, width: onTerminal ? runtime.stdout.columns : undefined });
    },
    json: () => checkToJson(result, { source: loaded.info, window: plan.window, threshold: plan.threshold, valuation }),
    ndjson: () => checkToNdjson(result),
    csv: () => checkToCsv(result),
  };
  runtime.stdout.write(await render[plan.format]());
  return plan.exitCode && result.signals.length > 0 ? ExitCode.signal : ExitCode.ok;
}
