import type { CommandFlags } from "../settings/options.js";
import type { CheckRequest } from "../app/check.js";
import type { Runtime } from "../runtime.js";
import { resolvedCacheDir, valuationStorePath } from "../settings/paths.js";
import { colorSetting, type ColorMode } from "../settings/settings.js";
import { chooseSource } from "../settings/source.js";
import { yahooBaseUrl } from "../sources/yahoo/index.js";
import { parseDate, parseFormat, parseLookback, parseMaxAge, parseThreshold, parseTimeoutMs, parseUniverse, parseWindow, type OutputFormat } from "../settings/validators.js";

/** The plan of `check`, which `log` extends: shared by the two commands, owned by neither. */

/** Flags as commander hands them over (derived from the option definitions: src/settings/options.ts). */
export type CheckFlags = CommandFlags<"check">;

export interface CheckPlan extends CheckRequest {
  format: OutputFormat;
  color: ColorMode;
  exitCode: boolean;
}

/** Flags and environment to a plan: pure, so every rule about options is tested without I/O. */
export function planCheck(flags: CheckFlags, env: Runtime["env"], cwd: string): CheckPlan {
  const lookback = parseLookback(flags.lookback);
  return {
    universe: parseUniverse(flags),
    window: parseWindow(flags.window),
    threshold: parseThreshold(flags.threshold),
    lookback,
    // The valuation history ranks against its own default span (20 years) unless --lookback is given.
    history: { cacheDir: resolvedCacheDir(flags.cacheDir, env, cwd), lookback: flags.lookback === undefined ? undefined : lookback },
    asOf: parseDate(flags.asOf, "--as-of"),
    source: chooseSource(flags, env, cwd),
    format: parseFormat(flags),
    color: colorSetting(flags, env).value,
    exitCode: flags.exitCode ?? false,
    context: flags.context ?? true,
    valuation: {
      mode: flags.valuation && !flags.offline && flags.asOf === undefined ? "live" : "store",
      store: valuationStorePath(undefined, env, cwd),
      // --timeout applies to the live valuation fetch too, even when prices come from CSV.
      timeoutMs: parseTimeoutMs(flags.timeout),
      yahooUrl: yahooBaseUrl(env),
      maxAgeDays: parseMaxAge(flags.maxAge),
    },
  };
}

