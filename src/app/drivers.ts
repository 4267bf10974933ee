import type { IsoDate } from "../core/dates.js";
import { rankedSurge } from "../core/check.js";
import { CONTEXT_PAIRS, driverFiguresAt, readingOf, driverLabel, driverReturns, driverSymbols, rollingDrivers, type DriverFigures, type DriverSpec, type LevelSeries } from "../core/drivers.js";
import { lookbackText, type Lookback } from "../core/lookback.js";
import type { PointInTime } from "../core/series.js";
import { surgeSeries } from "../core/surge.js";
import { pairName, type PairSpec } from "../core/universe.js";
import { DataError } from "../errors.js";
import type { ContextPair, DriverInfo, DriversReport } from "../output/drivers.js";
import type { Runtime } from "../runtime.js";
import type { SourceChoice } from "../settings/source.js";
import type { LoadProgress } from "../sources/source.js";
import { failedSymbols, loadPrices } from "./prices.js";

export interface DriversRequest {
  pairs: PairSpec[];
  drivers: DriverSpec[];
  /** Sessions of returns in each rolling figure (--corr-window). */
  window: number;
  /** The surge window of the context pairs (--window). */
  surgeWindow: number;
  lookback: Lookback;
  asOf: IsoDate | undefined;
  source: SourceChoice;
  /** Where FRED series are cached. */
  cacheDir: string;
  /** FRED from its cache only (--offline). */
  offline: boolean;
  /** ROTATION_FRED_URL or FRED's own address. */
  fredUrl: string;
  timeoutMs: number;
}

/** A FRED yield as a series of levels, each usable only from the day after its date (FRED publishes the next day). */
async function yieldSeries(spec: Extract<DriverSpec, { kind: "yield" }>, request: DriversRequest, runtime: Runtime, warnings: string[]): Promise<{ series: LevelSeries | null; info: Partial<DriverInfo> }> {
  const { loadFredSeries } = await import("../sources/fred/series.js");
  const loaded = await loadFredSeries({ id: spec.series, cacheDir: request.cacheDir, baseUrl: request.fredUrl, offline: request.offline, timeoutMs: request.timeoutMs, fetch: runtime.fetch, now: runtime.now, retry: runtime.retry });
  warnings.push(...loaded.warnings);
  if (loaded.series === null) return { series: null, info: {} };
  return { series: { dates: loaded.series.dates, values: loaded.series.values, kind: "yield" }, info: { fetchedAt: loaded.series.fetchedAt, url: loaded.series.url } };
}

/** The figures of every pair against every driver, and the context pairs, as of the prices' date. */
export async function computeDrivers(request: DriversRequest, runtime: Runtime, onProgress?: (progress: LoadProgress) => void): Promise<DriversReport> {
  const pairSymbols = request.pairs.flatMap((p) => [p.symbol, p.benchmark]);
  const driverFunds = request.drivers.flatMap(driverSymbols);
  const contextSymbols: string[] = CONTEXT_PAIRS.flatMap((p) => [p.symbol, p.benchmark]);
  const loaded = await loadPrices([...pairSymbols, ...driverFunds, ...contextSymbols], { ...request.source, partial: true }, runtime, request.asOf, onProgress);
  const warnings = [...loaded.warnings];
  const failed = failedSymbols(loaded);
  const prices: PointInTime = loaded.prices;
  const usablePairs = request.pairs.filter((p) => !failed.has(p.symbol) && !failed.has(p.benchmark) && prices.has(p.symbol) && prices.has(p.benchmark));
  const asOf = prices.lastDate(usablePairs.flatMap((p) => [p.symbol, p.benchmark]));
  if (asOf === undefined) throw new DataError(`no prices for any pair (${request.pairs.map(pairName).join(", ")})`);
  for (const failure of loaded.failures) {
    // The context funds are extra: their absence is said once, below, not as a failure.
    if (!contextSymbols.includes(failure.symbol) || pairSymbols.includes(failure.symbol) || driverFunds.includes(failure.symbol)) warnings.push(failure.error.message);
  }

  const infos: DriverInfo[] = [];
  const levels = new Map<string, LevelSeries[] | null>();
  for (const spec of request.drivers) {
    const info: DriverInfo = { id: spec.id, kind: spec.kind, label: driverLabel(spec), unit: spec.kind === "yield" ? "percentage points" : "return", publishedNextDay: spec.kind === "yield" };
    if (spec.kind === "yield") {
      const { series, info: extra } = await yieldSeries(spec, request, runtime, warnings);
      Object.assign(info, extra);
      // A day's value is published the next day: as of day d, only values dated before d are known.
      levels.set(spec.id, series === null ? null : [cutBefore(series, asOf)]);
    } else {
      const symbols = driverSymbols(spec);
      const missing = symbols.filter((s) => failed.has(s) || !prices.has(s));
      levels.set(spec.id, missing.length > 0 ? null : symbols.map((s) => priceLevels(prices, s)));
    }
    infos.push(info);
  }

  const figures: (DriverFigures & { reading: string })[] = [];
  for (const pair of usablePairs) {
    const ids = { pair: pairName(pair), symbol: pair.symbol, benchmark: pair.benchmark };
    for (const spec of request.drivers) {
      const parts = levels.get(spec.id) ?? null;
      const driver = spec.id;
      if (parts === null) {
        const row = driverFiguresAt(rollingDrivers([], [], [], request.window, []), -1, { ...ids, driver }, request.lookback);
        const reason = spec.kind === "yield" ? `no FRED ${spec.series} series` : `no prices for ${driverSymbols(spec).filter((s) => failed.has(s) || !prices.has(s)).join(", ")}`;
        figures.push({ ...row, reason, reading: `${ids.pair} and ${driver}: no figures (${reason}).` });
        continue;
      }
      const data = driverReturns(priceLevels(prices, pair.symbol), priceLevels(prices, pair.benchmark), parts);
      const rolling = rollingDrivers(data.y, data.x, data.m, request.window, data.dates);
      const row = driverFiguresAt(rolling, data.y.length - 1, { ...ids, driver }, request.lookback);
      figures.push({ ...row, reading: readingOf(row) });
    }
  }

  const context: ContextPair[] = [];
  const absent: string[] = [];
  for (const { symbol, benchmark, name } of CONTEXT_PAIRS) {
    if (failed.has(symbol) || failed.has(benchmark) || !prices.has(symbol) || !prices.has(benchmark)) {
      absent.push(`${symbol}:${benchmark}`);
      continue;
    }
    const surge = rankedSurge(surgeSeries(prices.pair(symbol, benchmark), request.surgeWindow), request.lookback);
    context.push({ pair: `${symbol}:${benchmark}`, symbol, benchmark, name, date: prices.pair(symbol, benchmark).dates.at(-1) ?? null, surge });
  }
  if (absent.length > 0) warnings.push(`context pairs ${absent.join(", ")} left out: their prices are not at hand`);
  return { asOf, window: request.window, surgeWindow: request.surgeWindow, lookback: lookbackText(request.lookback), source: loaded.info, drivers: infos, pairs: figures, context, warnings };
}

function priceLevels(prices: PointInTime, symbol: string): LevelSeries {
  const series = prices.series(symbol);
  return { dates: series.dates, values: series.closes, kind: "price" };
}

/** The values dated before `asOf`: those published by then. */
function cutBefore(series: LevelSeries, asOf: IsoDate): LevelSeries {
  let end = series.dates.length;
  while (end > 0 && (series.dates[end - 1] as IsoDate) >= asOf) end--;
  return { ...series, dates: series.dates.slice(0, end), values: Array.from(series.values).slice(0, end) };
}
