import path from "node:path";
import { chartData } from "../core/chart-data.js";
import { addDays, type IsoDate } from "../core/dates.js";
import { alignPair, cutAsOf, type PriceSeries } from "../core/series.js";
import { ExitCode, DataError, UsageError } from "../errors.js";
import { renderTerminalChart } from "../output/chart-terminal.js";
import { makeStyle, wantsColor } from "../output/style.js";
import { chartSvg, htmlPage } from "../output/svg.js";
import type { Runtime } from "../runtime.js";
import { checkedPath, type SourceChoice } from "../sources/choose.js";
import { parseDate, parsePairs, parseThreshold, parseWindow, printable } from "./options.js";
import { colorFromFlags, loadPrices, sourceFromFlags, writeWarnings, type ColorFlags, type SourceOptionFlags } from "./shared.js";

export interface ChartFlags extends SourceOptionFlags, ColorFlags {
  since?: string;
  asOf?: string;
  window?: string;
  threshold?: string;
  gap?: string;
  width?: string;
  height?: string;
  svg?: string;
  html?: string;
}

export interface ChartPlan {
  symbol: string;
  benchmark: string;
  since: IsoDate | undefined;
  asOf: IsoDate | undefined;
  window: number;
  threshold: number;
  gap: number;
  width: number | undefined;
  height: number;
  svg: string | undefined;
  html: string | undefined;
  source: SourceChoice;
  color: boolean | undefined;
}

function size(raw: string | undefined, option: string, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || value < min || value > max) throw new UsageError(`${option} must be a whole number from ${min} to ${max}, got "${printable(raw)}"`);
  return value;
}

export function planChart(pairText: string, flags: ChartFlags, env: Runtime["env"], cwd: string): ChartPlan {
  const pairs = parsePairs(pairText, "PAIR");
  if (pairs.length !== 1) throw new UsageError("PAIR: give exactly one pair, e.g. IWM:SPY");
  const output = (file: string | undefined, option: string) => (file === undefined ? undefined : path.resolve(cwd, checkedPath(file, option)));
  return {
    symbol: pairs[0]!.symbol,
    benchmark: pairs[0]!.benchmark,
    since: parseDate(flags.since, "--since"),
    asOf: parseDate(flags.asOf, "--as-of"),
    window: parseWindow(flags.window),
    threshold: parseThreshold(flags.threshold),
    gap: size(flags.gap, "--gap", 0, 252) ?? 5,
    width: size(flags.width, "--width", 40, 1000),
    height: size(flags.height, "--height", 8, 200) ?? 20,
    svg: output(flags.svg, "--svg"),
    html: output(flags.html, "--html"),
    source: sourceFromFlags(flags, env, cwd),
    color: colorFromFlags(flags),
  };
}

/** Writes a whole file or nothing (temporary file, then rename). */
export async function writeOutputFile(file: string, text: string): Promise<void> {
  const { default: writeFileAtomic } = await import("write-file-atomic");
  try {
    await writeFileAtomic(file, text, { mode: 0o644 });
  } catch (error) {
    throw new DataError(`cannot write ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

export async function chart(plan: ChartPlan, runtime: Runtime): Promise<number> {
  const loaded = await loadPrices([plan.symbol, plan.benchmark], { ...plan.source, partial: false }, runtime, plan.asOf);
  writeWarnings(runtime, loaded.warnings);
  const a = cutAsOf(loaded.series.get(plan.symbol) as PriceSeries, plan.asOf);
  const b = cutAsOf(loaded.series.get(plan.benchmark) as PriceSeries, plan.asOf);
  const aligned = alignPair(a, b);
  const last = aligned.dates.at(-1);
  if (last === undefined) throw new DataError(`${plan.symbol} and ${plan.benchmark} have no trading date in common`);
  // Without --since, the last year is shown.
  const since = plan.since ?? addDays(last, -365);
  if (since > last) throw new DataError(`--since ${since} is after the last common date ${last}`);
  const data = chartData(`${plan.symbol}:${plan.benchmark}`, aligned, { window: plan.window, threshold: plan.threshold, gap: plan.gap, since });
  const title = `${plan.symbol}/${plan.benchmark} size rotation to ${last}`;
  if (plan.svg) await writeOutputFile(plan.svg, chartSvg(data));
  if (plan.html) await writeOutputFile(plan.html, htmlPage(title, chartSvg(data, { namespace: false })));
  for (const file of [plan.svg, plan.html]) if (file) runtime.stderr.write(`rotation: wrote ${file}\n`);
  if (!plan.svg && !plan.html) {
    const style = makeStyle(wantsColor({ flag: plan.color, env: runtime.env, isTTY: runtime.stdout.isTTY === true }));
    const width = plan.width ?? runtime.stdout.columns ?? 100;
    runtime.stdout.write(renderTerminalChart(data, { width, height: plan.height }, style));
  }
  return ExitCode.ok;
}
