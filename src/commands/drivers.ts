import type { CommandFlags } from "../settings/options.js";
import { computeDrivers, type DriversRequest } from "../app/drivers.js";
import { ExitCode } from "../errors.js";
import { driversToCsv, driversToJson, driversToNdjson, renderDriversTable } from "../output/drivers.js";
import { progressReporter, writeWarnings } from "../output/stderr.js";
import { styleFor, terminalWidth } from "../output/style.js";
import type { Runtime } from "../runtime.js";
import { colorSetting, type ColorMode } from "../settings/settings.js";
import { chooseSource } from "../settings/source.js";
import { resolvedCacheDir } from "../settings/paths.js";
import { fredBaseUrl } from "../sources/fred/index.js";
import { DEFAULT_DRIVERS } from "../core/drivers.js";
import { parseCorrelationWindow, parseDate, parseDrivers, parseFormat, parseLookback, parseTimeoutMs, parseUniverse, parseWindow, type OutputFormat } from "../settings/validators.js";

/** Flags as commander hands them over (derived from the option definitions: src/settings/options.ts). */
export type DriversFlags = CommandFlags<"drivers">;

export interface DriversPlan extends DriversRequest {
  format: OutputFormat;
  color: ColorMode;
}

/** Flags to a plan: pure (no I/O but resolving the cache folder's path), tested as a value. */
export function planDrivers(flags: DriversFlags, env: Runtime["env"], cwd: string): DriversPlan {
  return {
    pairs: parseUniverse({ pairs: flags.pairs }).pairs,
    drivers: parseDrivers(flags.drivers ?? DEFAULT_DRIVERS),
    window: parseCorrelationWindow(flags.corrWindow),
    surgeWindow: parseWindow(flags.window),
    lookback: parseLookback(flags.lookback),
    asOf: parseDate(flags.asOf, "--as-of"),
    source: chooseSource(flags, env, cwd),
    cacheDir: resolvedCacheDir(flags.cacheDir, env, cwd),
    offline: flags.offline ?? false,
    fredUrl: fredBaseUrl(env),
    timeoutMs: parseTimeoutMs(flags.timeout),
    format: parseFormat(flags),
    color: colorSetting(flags, env).value,
  };
}

export async function drivers(plan: DriversPlan, runtime: Runtime): Promise<number> {
  const report = await computeDrivers(plan, runtime, progressReporter(runtime.stderr));
  writeWarnings(runtime.stderr, report.warnings);
  const render: Record<OutputFormat, () => string> = {
    table: () => renderDriversTable(report, styleFor(plan.color, runtime.stdout, runtime.env), terminalWidth(runtime.stdout)),
    json: () => driversToJson(report),
    ndjson: () => driversToNdjson(report),
    csv: () => driversToCsv(report),
  };
  runtime.stdout.write(render[plan.format]());
  return ExitCode.ok;
}
