import type { IsoDate } from "../core/dates.js";
import { DEFAULT_RRG, rrgSeries, travel, type RrgOptions } from "../core/rrg.js";
import { alignPair, cutAsOf, type PriceSeries } from "../core/series.js";
import { ExitCode, UsageError } from "../errors.js";
import { makeStyle, wantsColor } from "../output/style.js";
import { renderRrgTable, rrgToCsv, rrgToJson, rrgToNdjson, type RrgReport } from "../output/rrg.js";
import path from "node:path";
import type { Runtime } from "../runtime.js";
import { checkedPath, type SourceChoice } from "../sources/choose.js";
import { parseDate, parseTicker, parseTickerList, printable } from "./options.js";
import { colorFromFlags, combineFailures, loadPrices, parseFormat, sourceFromFlags, writeWarnings, type ColorFlags, type OutputFormat, type SourceOptionFlags } from "./shared.js";

export interface RrgFlags extends SourceOptionFlags, ColorFlags {
  benchmark?: string;
  symbols?: string;
  period?: string;
  tail?: string;
  ratioWindow?: string;
  momentumWindow?: string;
  roc?: string;
  asOf?: string;
  format?: string;
  json?: boolean;
  csv?: boolean;
  svg?: string;
  html?: string;
}

export interface RrgPlan {
  benchmark: string;
  symbols: string[];
  options: RrgOptions;
  tail: number;
  asOf: IsoDate | undefined;
  source: SourceChoice;
  format: OutputFormat;
  color: boolean | undefined;
  svg: string | undefined;
  html: string | undefined;
}

export const DEFAULT_RRG_SYMBOLS = ["IWM", "IJR", "IJH", "QQQ"];

function wholeNumber(raw: string | undefined, option: string, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || value < min || value > max) {
    throw new UsageError(`${option} must be a whole number from ${min} to ${max}, got "${printable(raw)}"`);
  }
  return value;
}

export function planRrg(flags: RrgFlags, env: Runtime["env"], cwd: string): RrgPlan {
  const benchmark = parseTicker(flags.benchmark ?? "SPY", "--benchmark");
  const symbols = flags.symbols === undefined ? DEFAULT_RRG_SYMBOLS.filter((s) => s !== benchmark) : parseTickerList(flags.symbols, "--symbols");
  if (symbols.length === 0) throw new UsageError("--symbols: no symbol given");
  if (symbols.includes(benchmark)) throw new UsageError(`--symbols: ${benchmark} is the benchmark itself`);
  const period = flags.period ?? DEFAULT_RRG.period;
  if (period !== "daily" && period !== "weekly") throw new UsageError(`--period must be daily or weekly, got "${printable(period)}"`);
  return {
    benchmark,
    symbols,
    options: {
      period,
      ratioWindow: wholeNumber(flags.ratioWindow, "--ratio-window", DEFAULT_RRG.ratioWindow, 2, 520),
      momentumWindow: wholeNumber(flags.momentumWindow, "--momentum-window", DEFAULT_RRG.momentumWindow, 2, 520),
      rocPeriods: wholeNumber(flags.roc, "--roc", DEFAULT_RRG.rocPeriods, 1, 520),
    },
    tail: wholeNumber(flags.tail, "--tail", 8, 1, 520),
    asOf: parseDate(flags.asOf, "--as-of"),
    source: sourceFromFlags(flags, env, cwd),
    format: parseFormat(flags, ["table", "json", "ndjson", "csv"]),
    color: colorFromFlags(flags),
    svg: flags.svg === undefined ? undefined : path.resolve(cwd, checkedPath(flags.svg, "--svg")),
    html: flags.html === undefined ? undefined : path.resolve(cwd, checkedPath(flags.html, "--html")),
  };
}

export function computeRrg(series: ReadonlyMap<string, PriceSeries>, plan: Pick<RrgPlan, "benchmark" | "symbols" | "options" | "tail" | "asOf">) {
  const benchmark = cutAsOf(series.get(plan.benchmark) as PriceSeries, plan.asOf);
  const warnings: string[] = [];
  const symbols = plan.symbols.map((symbol) => {
    const points = rrgSeries(alignPair(cutAsOf(series.get(symbol) as PriceSeries, plan.asOf), benchmark), plan.options);
    if (points.length === 0) warnings.push(`${symbol}: too little common history with ${plan.benchmark} for an RRG point`);
    const tail = points.slice(-plan.tail);
    return { symbol, tail, travel: travel(tail) };
  });
  return { asOf: benchmark.dates.at(-1) ?? "", symbols, warnings };
}

export async function rrg(plan: RrgPlan, runtime: Runtime): Promise<number> {
  const loaded = await loadPrices([plan.benchmark, ...plan.symbols], plan.source, runtime, plan.asOf);
  const failed = new Set(loaded.failures.map((f) => f.symbol));
  if (failed.has(plan.benchmark)) throw combineFailures(loaded.failures.filter((f) => f.symbol === plan.benchmark));
  const computed = computeRrg(loaded.series, { ...plan, symbols: plan.symbols.filter((s) => !failed.has(s)) });
  const report: RrgReport = {
    asOf: computed.asOf,
    benchmark: plan.benchmark,
    source: loaded.info,
    parameters: { ...plan.options, tail: plan.tail },
    symbols: computed.symbols,
    warnings: [...loaded.warnings, ...computed.warnings],
  };
  writeWarnings(runtime, report.warnings);
  if (plan.svg || plan.html) {
    const [{ rrgSvg, htmlPage }, { writeOutputFile }] = await Promise.all([import("../output/svg.js"), import("./chart.js")]);
    if (plan.svg) await writeOutputFile(plan.svg, rrgSvg(report.benchmark, report.asOf, report.symbols));
    if (plan.html) await writeOutputFile(plan.html, htmlPage(`RRG against ${report.benchmark}`, rrgSvg(report.benchmark, report.asOf, report.symbols, { namespace: false })));
    for (const file of [plan.svg, plan.html]) if (file) runtime.stderr.write(`rotation: wrote ${file}
`);
  }
  const render: Record<OutputFormat, () => string> = {
    table: () => renderRrgTable(report, makeStyle(wantsColor({ flag: plan.color, env: runtime.env, isTTY: runtime.stdout.isTTY === true }))),
    json: () => rrgToJson(report),
    ndjson: () => rrgToNdjson(report),
    csv: () => rrgToCsv(report),
  };
  runtime.stdout.write(render[plan.format]());
  return ExitCode.ok;
}
