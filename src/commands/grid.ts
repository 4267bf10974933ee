import type { CommandFlags } from "../settings/options.js";
import { computeGrid, type GridRequest } from "../app/grid.js";
import { GRID_FAMILIES, SIZES, STYLES, type GridCellSpec, type GridFamily, type Size, type Style } from "../core/grid.js";
import { ExitCode, UsageError } from "../errors.js";
import { gridToCsv, gridToJson, gridToNdjson, renderGridTable } from "../output/grid.js";
import { progressReporter, writeWarnings } from "../output/stderr.js";
import { styleFor, terminalWidth } from "../output/style.js";
import type { Runtime } from "../runtime.js";
import { colorSetting, type ColorMode } from "../settings/settings.js";
import { chooseSource } from "../settings/source.js";
import { DEFAULTS } from "../settings/defaults.js";
import { parseChoice, parseDate, parseFormat, parseLookback, parseTicker, parseWindow, printable, type OutputFormat } from "../settings/validators.js";

/** Flags as commander hands them over (derived from the option definitions: src/settings/options.ts). */
export type GridFlags = CommandFlags<"grid">;

export interface GridPlan extends GridRequest {
  family: GridFamily;
  /** Horizons of the table: all four, or the --window's alone. */
  horizons: string[];
  format: OutputFormat;
  color: ColorMode;
}

/** --cells small:value=VBR,mid:blend=VO: each overrides one cell of the family's grid. */
function parseCells(raw: string, base: GridCellSpec[]): GridCellSpec[] {
  const cells = base.map((c) => ({ ...c }));
  for (const part of raw.split(",").map((p) => p.trim()).filter((p) => p !== "")) {
    const match = /^(\w+):(\w+)=(.+)$/.exec(part);
    const size = match?.[1]?.toLowerCase() as Size | undefined;
    const style = match?.[2]?.toLowerCase() as Style | undefined;
    if (!match || !size || !style || !SIZES.includes(size) || !STYLES.includes(style)) {
      throw new UsageError(`--cells: "${printable(part)}" is not SIZE:STYLE=TICKER (sizes ${SIZES.join(", ")}; styles ${STYLES.join(", ")})`);
    }
    cells.find((c) => c.size === size && c.style === style)!.symbol = parseTicker(match[3]!, "--cells");
  }
  return cells;
}

export function planGrid(flags: GridFlags, env: Runtime["env"], cwd: string): GridPlan {
  const family = parseChoice(flags.family?.toLowerCase(), "--family", Object.keys(GRID_FAMILIES) as GridFamily[], DEFAULTS.gridFamily);
  const defaults = GRID_FAMILIES[family];
  const base = SIZES.flatMap((size) => STYLES.map((style) => ({ size, style, symbol: defaults.cells[size][style] })));
  const window = parseWindow(flags.window);
  return {
    family,
    cells: flags.cells === undefined ? base : parseCells(flags.cells, base),
    benchmark: flags.benchmark === undefined ? defaults.benchmark : parseTicker(flags.benchmark, "--benchmark"),
    window,
    lookback: parseLookback(flags.lookback),
    horizons: flags.window === undefined ? ["d5", "d21", "d63", "ytd"] : [`d${window}`],
    asOf: parseDate(flags.asOf, "--as-of"),
    source: chooseSource(flags, env, cwd),
    format: parseFormat(flags),
    color: colorSetting(flags, env).value,
  };
}

export async function grid(plan: GridPlan, runtime: Runtime): Promise<number> {
  const report = await computeGrid(plan, runtime, progressReporter(runtime.stderr));
  writeWarnings(runtime.stderr, report.warnings);
  const render: Record<OutputFormat, () => string> = {
    table: () => renderGridTable(report, styleFor(plan.color, runtime.stdout, runtime.env), plan.horizons, terminalWidth(runtime.stdout)),
    json: () => gridToJson(report),
    ndjson: () => gridToNdjson(report),
    csv: () => gridToCsv(report),
  };
  runtime.stdout.write(render[plan.format]());
  return ExitCode.ok;
}
