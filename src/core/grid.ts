import type { IsoDate } from "./dates.js";
import type { Lookback } from "./lookback.js";
import { rankedSurge, type SurgeResult } from "./check.js";
import { relativeReturns, returnsAt, type Returns } from "./returns.js";
import type { PointInTime } from "./series.js";
import { surgeSeries } from "./surge.js";

export type Size = "small" | "mid" | "large";
export type Style = "value" | "blend" | "growth";
export const SIZES: readonly Size[] = ["small", "mid", "large"];
export const STYLES: readonly Style[] = ["value", "blend", "growth"];

export type GridFamily = "sp" | "russell";

/** The size x style funds of each index family; null where the family has no ETF in the data. */
export const GRID_FAMILIES: Record<GridFamily, { benchmark: string; cells: Record<Size, Record<Style, string | null>> }> = {
  sp: {
    benchmark: "IVV",
    cells: {
      small: { value: "IJS", blend: "IJR", growth: "IJT" },
      mid: { value: "IJJ", blend: "IJH", growth: "IJK" },
      large: { value: "IVE", blend: "IVV", growth: "IVW" },
    },
  },
  russell: {
    benchmark: "IWB",
    cells: {
      small: { value: "IWN", blend: "IWM", growth: "IWO" },
      mid: { value: null, blend: "IWR", growth: "IWP" },
      large: { value: "IWD", blend: "IWB", growth: "IWF" },
    },
  },
};

export interface GridCellSpec {
  size: Size;
  style: Style;
  symbol: string | null;
}

export type GridReturns = Partial<Record<string, number | null>>;

export interface GridCell {
  size: Size;
  style: Style;
  /** null: the family has no fund here (an empty cell, not an error). */
  symbol: string | null;
  /** The fund's last date up to the as-of date; null when empty or without prices. */
  date: IsoDate | null;
  /** Returns over 5, 21 and 63 trading days and year to date (and the --window's, when another). */
  returns: GridReturns;
  /** The same, less the benchmark's, on their common dates; null for the benchmark itself. */
  relative: GridReturns | null;
  /** The fund's window-day return over the benchmark's, ranked point in time (null for the benchmark). */
  surge: SurgeResult | null;
}

function pick(returns: Returns, extra: { key: string; value: number | null } | null): GridReturns {
  const out: GridReturns = { d5: returns.d5, d21: returns.d21, d63: returns.d63, ytd: returns.ytd };
  if (extra) out[extra.key] = extra.value;
  return out;
}

function windowReturn(closes: ArrayLike<number>, window: number): number | null {
  const end = closes.length - 1;
  return end - window >= 0 ? (closes[end] as number) / (closes[end - window] as number) - 1 : null;
}

/**
 * The size x style grid as of the prices' date: each fund's returns, its returns relative to
 * the benchmark (on their common dates) and its relative surge ranked against its own history.
 */
export function gridOf(prices: PointInTime, request: { cells: readonly GridCellSpec[]; benchmark: string; window: number; lookback?: Lookback }): GridCell[] {
  const extraKey = [5, 21, 63].includes(request.window) ? null : `d${request.window}`;
  return request.cells.map(({ size, style, symbol }) => {
    if (symbol === null || !prices.has(symbol)) return { size, style, symbol, date: null, returns: {}, relative: null, surge: null };
    const own = prices.series(symbol);
    const end = own.dates.length - 1;
    if (end < 0) return { size, style, symbol, date: null, returns: {}, relative: null, surge: null };
    const ownExtra = extraKey ? { key: extraKey, value: windowReturn(own.closes, request.window) } : null;
    const returns = pick(returnsAt(own.dates, own.closes, end), ownExtra);
    if (symbol === request.benchmark || !prices.has(request.benchmark)) return { size, style, symbol, date: own.dates[end] as IsoDate, returns, relative: null, surge: null };
    const pair = prices.pair(symbol, request.benchmark);
    const last = pair.dates.length - 1;
    if (last < 0) return { size, style, symbol, date: own.dates[end] as IsoDate, returns, relative: null, surge: null };
    const rel = relativeReturns(returnsAt(pair.dates, pair.a, last), returnsAt(pair.dates, pair.b, last));
    const relExtra = extraKey ? { key: extraKey, value: (() => { const a = windowReturn(pair.a, request.window); const b = windowReturn(pair.b, request.window); return a === null || b === null ? null : a - b; })() } : null;
    return { size, style, symbol, date: own.dates[end] as IsoDate, returns, relative: pick(rel, relExtra), surge: rankedSurge(surgeSeries(pair, request.window), request.lookback) };
  });
}
