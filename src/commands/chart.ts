import type { CommandFlags } from "../settings/options.js";
import { computeChart, type ChartRequest } from "../app/chart.js";
import { ExitCode, UsageError } from "../errors.js";
import { renderTerminalChart } from "../output/chart-terminal.js";
import { writeOutputFile } from "../output/file.js";
import { progressReporter, writeWarnings } from "../output/stderr.js";
import { styleFor } from "../output/style.js";
import { chartSvg, htmlPage } from "../output/svg.js";
import type { Runtime } from "../runtime.js";
import { DEFAULTS } from "../settings/defaults.js";
import { outputPath } from "../settings/paths.js";
import { colorSetting, type ColorMode } from "../settings/settings.js";
import { chooseSource } from "../settings/source.js";
import { parseDate, parseGap, parseLookback, parsePairs, parseThreshold, parseWindow, wholeNumber } from "../settings/validators.js";

/** Flags as commander hands them over (derived from the option definitions: src/settings/options.ts). */
export type ChartFlags = CommandFlags<"chart">;

export interface ChartPlan extends ChartRequest {
  width: number | undefined;
  /** undefined: the default, shortened to fit the terminal's height. */
  height: number | undefined;
  svg: string | undefined;
  html: string | undefined;
  color: ColorMode;
}

export function planChart(pairText: string, flags: ChartFlags, env: Runtime["env"], cwd: string): ChartPlan {
  const pairs = parsePairs(pairText, "PAIR");
  if (pairs.length !== 1) throw new UsageError("PAIR: give exactly one pair, e.g. IWM:SPY");
  return {
    symbol: pairs[0]!.symbol,
    benchmark: pairs[0]!.benchmark,
    since: parseDate(flags.since, "--since"),
    asOf: parseDate(flags.asOf, "--as-of"),
    window: parseWindow(flags.window),
    threshold: parseThreshold(flags.threshold),
    lookback: parseLookback(flags.lookback),
    gap: parseGap(flags.gap),
    width: flags.width === undefined ? undefined : wholeNumber(flags.width, "--width", DEFAULTS.chart.width, 40, 1000),
    height: flags.height === undefined ? undefined : wholeNumber(flags.height, "--height", DEFAULTS.chart.height, 8, 200),
    svg: outputPath(flags.svg, "--svg", cwd),
    html: outputPath(flags.html, "--html", cwd),
    source: chooseSource(flags, env, cwd),
    color: colorSetting(flags, env).value,
  };
}

export async function chart(plan: ChartPlan, runtime: Runtime): Promise<number> {
  const { data, last, warnings } = await computeChart(plan, runtime, progressReporter(runtime.stderr));
  writeWarnings(runtime.stderr, warnings);
  const title = `${plan.symbol}/${plan.benchmark} size rotation to ${last}`;
  if (plan.svg) await writeOutputFile(plan.svg, chartSvg(data), runtime.stdout);
  if (plan.html) await writeOutputFile(plan.html, htmlPage(title, chartSvg(data, { namespace: false })), runtime.stdout);
  for (const file of [plan.svg, plan.html]) if (file && file !== "-") runtime.stderr.write(`rotation: wrote ${file}\n`);
  if (!plan.svg && !plan.html) {
    const width = plan.width ?? runtime.stdout.columns ?? DEFAULTS.chart.width;
    // Titles, legends and axes take about 11 rows around the plots: the whole chart stays on screen.
    const rows = runtime.stdout.isTTY === true ? runtime.stdout.rows : undefined;
    const height = plan.height ?? (rows === undefined ? DEFAULTS.chart.height : Math.max(8, Math.min(DEFAULTS.chart.height, rows - 11)));
    runtime.stdout.write(renderTerminalChart(data, { width, height }, styleFor(plan.color, runtime.stdout, runtime.env)));
  }
  return ExitCode.ok;
}
