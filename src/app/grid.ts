import type { IsoDate } from "../core/dates.js";
import { lookbackText, type Lookback } from "../core/lookback.js";
import { gridOf, type GridCellSpec } from "../core/grid.js";
import { DataError } from "../errors.js";
import type { GridReport } from "../output/grid.js";
import type { Runtime } from "../runtime.js";
import type { SourceChoice } from "../settings/source.js";
import type { LoadProgress } from "../sources/source.js";
import { combineFailures, failedSymbols, loadPrices } from "./prices.js";

export interface GridRequest {
  cells: GridCellSpec[];
  benchmark: string;
  window: number;
  lookback: Lookback;
  asOf: IsoDate | undefined;
  source: SourceChoice;
}


/** Loads the grid's funds (a fund that fails leaves its cell empty, with a warning) and the benchmark. */
export async function computeGrid(request: GridRequest, runtime: Runtime, onProgress?: (progress: LoadProgress) => void): Promise<GridReport> {
  const symbols = [request.benchmark, ...request.cells.map((c) => c.symbol).filter((s): s is string => s !== null)];
  const loaded = await loadPrices(symbols, { ...request.source, partial: true }, runtime, request.asOf, onProgress);
  const failed = failedSymbols(loaded);
  if (failed.has(request.benchmark)) throw combineFailures(loaded.failures.filter((f) => f.symbol === request.benchmark));
  const cells = gridOf(loaded.prices, request);
  const asOf = loaded.prices.lastDate(symbols.filter((s) => !failed.has(s)));
  if (asOf === undefined) throw new DataError("no prices for any fund of the grid");
  return { asOf, benchmark: request.benchmark, window: request.window, lookback: lookbackText(request.lookback), source: loaded.info, cells, warnings: loaded.warnings };
}
