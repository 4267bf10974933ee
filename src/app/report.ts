import type { ChartData } from "../core/chart-data.js";
import { addDays } from "../core/dates.js";
import { lookbackText } from "../core/lookback.js";
import { GRID_FAMILIES, SIZES, STYLES } from "../core/grid.js";
import { DEFAULT_RRG } from "../core/rrg.js";
import type { GridReport } from "../output/grid.js";
import type { Report } from "../output/report.js";
import type { Runtime } from "../runtime.js";
import { computeChart } from "./chart.js";
import { computeCheck, type CheckRequest } from "./check.js";
import { computeEpisodes } from "./episodes.js";
import { computeGrid } from "./grid.js";
import { computeRrg } from "./rrg.js";
import { RotationError } from "../errors.js";

export interface ReportRequest extends CheckRequest {
  gap: number;
}


/** Episodes are shown from this many days before the as-of date ("recent and current"). */
const RECENT_DAYS = 365;

export async function computeReport(request: ReportRequest, runtime: Runtime): Promise<Report> {
  const check = await computeCheck(request, runtime);
  const asOf = check.result.asOf;
  // Every later piece is computed as of the date the check settled on, from the same source.
  const pinned = { ...request, asOf };
  const warnings = [...check.result.warnings];
  const charts: ChartData[] = [];
  for (const pair of check.result.pairs) {
    const chart = await computeChart({ symbol: pair.symbol, benchmark: pair.benchmark, since: undefined, asOf, window: request.window, threshold: request.threshold, lookback: request.lookback, gap: request.gap, source: request.source }, runtime);
    charts.push(chart.data);
  }
  const benchmark = check.result.pairs[0]!.benchmark;
  const rrgSymbols = [...new Set(check.result.pairs.map((p) => p.symbol))].filter((s) => s !== benchmark);
  const rrg = rrgSymbols.length > 0 ? await computeRrg({ benchmark, symbols: rrgSymbols, options: DEFAULT_RRG, tail: 8, asOf, source: request.source }, runtime) : null;
  const universe = { ...request.universe, pairs: request.universe.pairs.filter((p) => check.result.pairs.some((r) => r.pair === `${p.symbol}:${p.benchmark}`)) };
  const episodes = await computeEpisodes({ universe, window: request.window, threshold: request.threshold, lookback: request.lookback, gap: request.gap, since: addDays(asOf, -RECENT_DAYS), until: undefined, asOf, source: request.source }, runtime);
  let grid: GridReport | null = null;
  try {
    const family = GRID_FAMILIES.sp;
    const cells = SIZES.flatMap((size) => STYLES.map((style) => ({ size, style, symbol: family.cells[size][style] })));
    grid = await computeGrid({ cells, benchmark: family.benchmark, window: request.window, lookback: request.lookback, asOf, source: { ...pinned.source, partial: true } }, runtime);
  } catch (error) {
    // The grid needs its own funds: a source without them gives a report without the grid.
    if (!(error instanceof RotationError)) throw error;
    warnings.push(`size x style grid left out: ${error.message}`);
  }
  for (const more of [...(rrg?.warnings ?? []), ...episodes.warnings, ...(grid?.warnings ?? [])]) if (!warnings.includes(more)) warnings.push(more);
  return {
    asOf,
    check: check.result,
    source: check.loaded.info,
    valuation: check.valuation,
    history: check.history,
    historyPoints: check.historyPoints,
    charts,
    rrg,
    episodes,
    grid,
    context: check.context,
    contextHistory: check.contextHistory,
    parameters: { window: request.window, threshold: request.threshold, lookback: lookbackText(request.lookback), gap: request.gap },
    warnings,
  };
}
