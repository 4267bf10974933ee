import type { CommandFlags } from "../settings/options.js";
import { computeRrg, type RrgRequest } from "../app/rrg.js";
import { DEFAULT_RRG, type RrgOptions, type RrgPeriod } from "../core/rrg.js";
import { ExitCode, UsageError } from "../errors.js";
import { writeOutputFile } from "../output/file.js";
import { renderRrgTable, rrgToCsv, rrgToJson, rrgToNdjson } from "../output/rrg.js";
import { progressReporter, writeWarnings } from "../output/stderr.js";
import { styleFor, terminalWidth } from "../output/style.js";
import type { Runtime } from "../runtime.js";
import { DEFAULTS } from "../settings/defaults.js";
import { outputPath } from "../settings/paths.js";
import { colorSetting, type ColorMode } from "../settings/settings.js";
import { chooseSource } from "../settings/source.js";
import { parseChoice, parseDate, parseFormat, parsePairs, parseTicker, parseTickerList, printable, wholeNumber, type OutputFormat } from "../settings/validators.js";

/** Flags as commander hands them over (derived from the option definitions: src/settings/options.ts). */
export type RrgFlags = CommandFlags<"rrg">;

export interface RrgPlan extends RrgRequest {
  format: OutputFormat;
  color: ColorMode;
  svg: string | undefined;
  html: string | undefined;
}

/** --smooth SHORT,LONG (periods of the two averages of rs), or "none" for rs itself. */
function parseSmoothing(raw: string | undefined): RrgOptions["smoothing"] {
  if (raw === undefined) return DEFAULT_RRG.smoothing;
  if (raw.trim() === "none") return null;
  const parts = raw.split(",");
  const problem = `--smooth must be SHORT,LONG (whole numbers, 1 <= SHORT < LONG <= 260) or none, got "${printable(raw)}"`;
  if (parts.length !== 2 || !parts.every((p) => /^\s*\d+\s*$/.test(p))) throw new UsageError(problem);
  const [short, long] = parts.map(Number) as [number, number];
  if (short < 1 || long <= short || long > 260) throw new UsageError(problem);
  return { short, long };
}

export function planRrg(flags: RrgFlags, env: Runtime["env"], cwd: string): RrgPlan {
  if (flags.pairs !== undefined) {
    if (flags.symbols !== undefined || flags.benchmark !== undefined) throw new UsageError("--pairs and --symbols/--benchmark say the same thing: give one or the other");
    const pairs = parsePairs(flags.pairs);
    const benchmarks = [...new Set(pairs.map((p) => p.benchmark))];
    if (benchmarks.length > 1) throw new UsageError(`--pairs: an RRG places every fund against one benchmark, got ${benchmarks.join(" and ")}`);
    return planRrg({ ...flags, pairs: undefined, benchmark: benchmarks[0], symbols: pairs.map((p) => p.symbol).join(",") }, env, cwd);
  }
  const benchmark = parseTicker(flags.benchmark ?? DEFAULTS.rrg.benchmark, "--benchmark");
  const symbols = flags.symbols === undefined ? DEFAULTS.rrg.symbols.filter((s) => s !== benchmark) : parseTickerList(flags.symbols, "--symbols");
  if (symbols.length === 0) throw new UsageError("--symbols: no symbol given");
  if (symbols.includes(benchmark)) throw new UsageError(`--symbols: ${benchmark} is the benchmark itself`);
  const period = parseChoice<RrgPeriod>(flags.period, "--period", ["daily", "weekly"], DEFAULT_RRG.period);
  return {
    benchmark,
    symbols,
    options: {
      period,
      ratioWindow: wholeNumber(flags.ratioWindow, "--ratio-window", DEFAULT_RRG.ratioWindow, 2, 520),
      momentumWindow: wholeNumber(flags.momentumWindow, "--momentum-window", DEFAULT_RRG.momentumWindow, 2, 520),
      rocPeriods: wholeNumber(flags.roc, "--roc", DEFAULT_RRG.rocPeriods, 1, 520),
      smoothing: parseSmoothing(flags.smooth),
    },
    tail: wholeNumber(flags.tail, "--tail", DEFAULTS.rrg.tail, 1, 520),
    asOf: parseDate(flags.asOf, "--as-of"),
    source: chooseSource(flags, env, cwd),
    format: parseFormat(flags),
    color: colorSetting(flags, env).value,
    svg: outputPath(flags.svg, "--svg", cwd),
    html: outputPath(flags.html, "--html", cwd),
  };
}

export async function rrg(plan: RrgPlan, runtime: Runtime): Promise<number> {
  const report = await computeRrg(plan, runtime, progressReporter(runtime.stderr));
  writeWarnings(runtime.stderr, report.warnings);
  if (plan.svg || plan.html) {
    const { rrgSvg, htmlPage } = await import("../output/svg.js");
    const { period, ratioWindow, momentumWindow, rocPeriods, smoothing, tail } = report.parameters;
    const subtitle = `${period}; RS-Ratio: z over ${ratioWindow} of ${smoothing ? `SMA ${smoothing.short} / SMA ${smoothing.long} of the price ratio` : "the price ratio"}; RS-Momentum: z over ${momentumWindow} of its ${rocPeriods}-period change; tails of ${tail} points`;
    if (plan.svg) await writeOutputFile(plan.svg, rrgSvg(report.benchmark, report.asOf, report.symbols, { namespace: true, subtitle }), runtime.stdout);
    if (plan.html) await writeOutputFile(plan.html, htmlPage(`RRG against ${report.benchmark}`, rrgSvg(report.benchmark, report.asOf, report.symbols, { namespace: false, subtitle })), runtime.stdout);
    for (const file of [plan.svg, plan.html]) if (file && file !== "-") runtime.stderr.write(`rotation: wrote ${file}\n`);
    // The table is printed too ("also write"), unless a picture went to standard output.
    if (plan.format === "table" && (plan.svg === "-" || plan.html === "-")) return ExitCode.ok;
  }
  const render: Record<OutputFormat, () => string> = {
    table: () => renderRrgTable(report, styleFor(plan.color, runtime.stdout, runtime.env), terminalWidth(runtime.stdout)),
    json: () => rrgToJson(report),
    ndjson: () => rrgToNdjson(report),
    csv: () => rrgToCsv(report),
  };
  runtime.stdout.write(render[plan.format]());
  return ExitCode.ok;
}
