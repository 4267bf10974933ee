import type { IsoDate } from "../core/dates.js";
import { rankedSurge } from "../core/check.js";
import { CONTEXT_PAIRS, DEFAULT_CORRELATION_WINDOW, DEFAULT_DRIVER_SPECS, alignDriver, driverFiguresAt, noFigures, driverMove, driverReturnsOn, type AlignedDriver, percentilesOf, readingOf, regimeOf, driverLabel, driverSymbols, rollingDrivers, type DriverSpec, type LevelSeries } from "../core/drivers.js";
import { lookbackText, type Lookback } from "../core/lookback.js";
import { mergedPointInTime, pointInTime, type AlignedPair, type PointInTime, type PriceSeries } from "../core/series.js";
import { CALENDAR_WINDOWS, windowAt, windowsAt, type CalendarWindowKind, type WindowMembership } from "../core/calendars/windows.js";
import type { Episode } from "../core/episodes.js";
import { surgeSeries } from "../core/surge.js";
import { pairName, type PairSpec } from "../core/universe.js";
import { DataError } from "../errors.js";
import type { CheckContext, ContextPair, CorrelationHistory, DriverInfo, DriversReport } from "../output/drivers.js";
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
  const usablePairs = request.pairs.filter((p) => !failed.has(p.symbol) && !failed.has(p.benchmark) && loaded.prices.has(p.symbol) && loaded.prices.has(p.benchmark));
  const asOf = loaded.prices.lastDate(usablePairs.flatMap((p) => [p.symbol, p.benchmark]));
  if (asOf === undefined) throw new DataError(`no prices for any pair (${request.pairs.map(pairName).join(", ")})`);
  for (const failure of loaded.failures) {
    // The context funds are extra: their absence is said once, below, not as a failure.
    if (!contextSymbols.includes(failure.symbol) || pairSymbols.includes(failure.symbol) || driverFunds.includes(failure.symbol)) warnings.push(failure.error.message);
  }
  const yields = new Map<string, { series: LevelSeries | null; info: Partial<DriverInfo> }>();
  for (const spec of request.drivers) if (spec.kind === "yield") yields.set(spec.id, await yieldSeries(spec, request, runtime, warnings));
  const figures = driversOf(loaded.prices, failed, { ...request, pairs: usablePairs }, asOf, yields);
  if (figures.absentContext.length > 0) warnings.push(`context pairs ${figures.absentContext.join(", ")} left out: their prices are not at hand`);
  return { asOf, window: request.window, surgeWindow: request.surgeWindow, lookback: lookbackText(request.lookback), source: loaded.info, drivers: figures.drivers, pairs: figures.pairs, context: figures.context, warnings };
}

/**
 * The figures of `pairs` against `drivers` and the context pairs, from prices cut at `asOf`
 * (every pair's funds present); a driver whose series is missing gets null figures and a reason.
 */
export function driversOf(
  prices: PointInTime,
  failed: ReadonlySet<string>,
  request: Pick<DriversRequest, "pairs" | "drivers" | "window" | "surgeWindow" | "lookback">,
  asOf: IsoDate,
  yields: ReadonlyMap<string, { series: LevelSeries | null; info: Partial<DriverInfo> }> = new Map(),
): { drivers: DriverInfo[]; pairs: DriversReport["pairs"]; context: ContextPair[]; absentContext: string[] } {
  const missingOf = (spec: DriverSpec) => driverSymbols(spec).filter((s) => failed.has(s) || !prices.has(s));
  const infos: DriverInfo[] = [];
  const levels = new Map<string, AlignedDriver | null>();
  for (const spec of request.drivers) {
    const info: DriverInfo = { id: spec.id, kind: spec.kind, label: driverLabel(spec), unit: spec.kind === "yield" ? "percentage points" : "return", publishedNextDay: spec.kind === "yield" };
    if (spec.kind === "yield") {
      const loaded = yields.get(spec.id);
      Object.assign(info, loaded?.info ?? {});
      // A day's value is published the next day: as of day d, only values dated before d are known.
      levels.set(spec.id, loaded?.series ? alignDriver([cutBefore(loaded.series, asOf)]) : null);
    } else {
      // Aligned once, for every pair.
      levels.set(spec.id, missingOf(spec).length > 0 ? null : alignDriver(driverSymbols(spec).map((s) => priceLevels(prices, s))));
    }
    infos.push(info);
  }
  const figures: DriversReport["pairs"] = [];
  for (const pair of request.pairs) {
    const ids = { pair: pairName(pair), symbol: pair.symbol, benchmark: pair.benchmark };
    for (const spec of request.drivers) {
      const parts = levels.get(spec.id) ?? null;
      const driver = spec.id;
      if (parts === null) {
        const reason = spec.kind === "yield" ? `no FRED ${spec.series} series` : `no prices for ${missingOf(spec).join(", ")}`;
        figures.push({ ...noFigures({ ...ids, driver }, request.window, reason), reading: `${ids.pair} and ${driver}: no figures (${reason}).` });
        continue;
      }
      const data = driverReturnsOn(prices.pair(pair.symbol, pair.benchmark), parts);
      const rolling = rollingDrivers(data.y, data.x, data.m, request.window, data.dates);
      const row = driverFiguresAt(rolling, data.y.length - 1, { ...ids, driver }, request.lookback);
      figures.push({ ...row, reading: readingOf(row) });
    }
  }
  const context: ContextPair[] = [];
  const absentContext: string[] = [];
  for (const { symbol, benchmark, name } of CONTEXT_PAIRS) {
    if (failed.has(symbol) || failed.has(benchmark) || !prices.has(symbol) || !prices.has(benchmark)) {
      absentContext.push(`${symbol}:${benchmark}`);
      continue;
    }
    const surge = rankedSurge(surgeSeries(prices.pair(symbol, benchmark), request.surgeWindow), request.lookback);
    context.push({ pair: `${symbol}:${benchmark}`, symbol, benchmark, name, date: prices.pair(symbol, benchmark).dates.at(-1) ?? null, surge });
  }
  return { drivers: infos, pairs: figures, context, absentContext };
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

/**
 * `prices` with the `wanted` funds it lacks added from what is at hand: a live feed's cache
 * (read offline: never the network, never the sample in their place) or the data folder; the
 * bundled sample has none of them. A fund not at hand is simply absent.
 */
export async function withPricesAtHand(prices: PointInTime, wanted: readonly string[], source: SourceChoice, runtime: Runtime, asOf: IsoDate): Promise<PointInTime> {
  const missing = [...new Set(wanted)].filter((s) => !prices.has(s));
  if (source.kind === "sample" || missing.length === 0) return prices;
  const atHand = { ...source, partial: true, ...("offline" in source ? { offline: true, refresh: false, fallback: false } : {}) } as SourceChoice;
  try {
    const extra = await loadPrices(missing, atHand, runtime, asOf);
    const failed = failedSymbols(extra);
    const known = new Map<string, PriceSeries>();
    for (const symbol of missing) if (!failed.has(symbol) && extra.prices.has(symbol)) known.set(symbol, extra.prices.series(symbol));
    return mergedPointInTime(prices, pointInTime(known, asOf));
  } catch {
    // Nothing at hand.
    return prices;
  }
}

/** Sessions of the rolling correlation kept for report's chart (three years). */
const CORRELATION_HISTORY_SESSIONS = 756;

/**
 * The context of a check, from series at hand only: those already loaded, cached by a live
 * feed (read offline: never a download) or in the data folder. The bundled sample holds none of
 * them. Whatever is missing is left out with a note, so a check of five funds runs as before.
 */
export async function computeCheckContext(
  request: { universe: { pairs: PairSpec[] }; window: number; lookback: Lookback; source: SourceChoice },
  prices: PointInTime,
  failed: ReadonlySet<string>,
  asOf: IsoDate,
  runtime: Runtime,
): Promise<{ context: CheckContext; history: CorrelationHistory | null }> {
  const drivers = [...DEFAULT_DRIVER_SPECS];
  const notes: string[] = [];
  if (request.source.kind === "sample") notes.push("drivers and breadth left out: the bundled sample has no IEF, HYG, RSP or IWC");
  const merged = await withPricesAtHand(prices, [...drivers.flatMap(driverSymbols), ...CONTEXT_PAIRS.flatMap((p) => [p.symbol, p.benchmark])], request.source, runtime, asOf);
  const figures = driversOf(merged, failed, { pairs: request.universe.pairs.filter((p) => !failed.has(p.symbol) && !failed.has(p.benchmark)), drivers, window: DEFAULT_CORRELATION_WINDOW, surgeWindow: request.window, lookback: request.lookback }, asOf);
  const missingFunds = [...new Set(drivers.flatMap(driverSymbols))].filter((s) => !merged.has(s));
  // Rows of a driver whose funds are not at hand are left out (said in the notes), not shown empty.
  const missingDrivers = new Set(drivers.filter((d) => driverSymbols(d).some((s) => missingFunds.includes(s))).map((d) => d.id));
  if (request.source.kind !== "sample") {
    if (missingFunds.length > 0) notes.push(`drivers ${drivers.filter((d) => driverSymbols(d).some((s) => missingFunds.includes(s))).map((d) => d.id).join(", ")} left out: ${missingFunds.join(", ")} not at hand (run rotation drivers once, or add the files to the data folder)`);
    if (figures.absentContext.length > 0) notes.push(`breadth ${figures.absentContext.join(", ")} left out: not at hand`);
  }
  const context = { asOf, calendar: windowsAt(asOf), drivers: figures.pairs.filter((row) => !missingDrivers.has(row.driver)), breadth: figures.context, notes };
  // The first pair's rolling correlation with the rates driver, day by day: report's chart.
  const first = context.drivers.find((row) => row.driver === drivers[0]?.id && row.correlation.value !== null);
  let history: CorrelationHistory | null = null;
  if (first && drivers[0]) {
    const data = driverReturnsOn(merged.pair(first.symbol, first.benchmark), alignDriver(driverSymbols(drivers[0]).map((s) => priceLevels(merged, s))));
    const rolling = rollingDrivers(data.y, data.x, data.m, DEFAULT_CORRELATION_WINDOW, data.dates);
    const from = Math.max(DEFAULT_CORRELATION_WINDOW - 1, data.y.length - CORRELATION_HISTORY_SESSIONS);
    history = { pair: first.pair, driver: first.driver, dates: data.dates.slice(from + 1), correlation: Array.from(rolling.correlation.subarray(from), (v) => (Number.isNaN(v) ? null : v)) };
  }
  return { context, history };
}

/**
 * Sets each episode's `context`: the calendar windows at its first flagged day, and for each
 * default driver at hand the driver's own move over the episode and the pair's rolling
 * correlation with it at the first flagged day (most episodes last a day or two: no correlation
 * inside them), with its percentile among its earlier values and the third that puts it in.
 */
export function episodeAnnotator(prices: PointInTime, lookback: Lookback): (pair: AlignedPair, episodes: readonly Episode[]) => void {
  const drivers = DEFAULT_DRIVER_SPECS.filter((spec) => driverSymbols(spec).every((s) => prices.has(s))).map((spec) => ({ spec, aligned: alignDriver(driverSymbols(spec).map((s) => priceLevels(prices, s))) }));
  return (pair, episodes) => {
    if (episodes.length === 0) return;
    const perDriver = drivers.map(({ spec, aligned }) => {
      const data = driverReturnsOn(pair, aligned);
      const rolling = rollingDrivers(data.y, data.x, data.m, DEFAULT_CORRELATION_WINDOW, data.dates);
      const index = new Map(data.dates.map((date, i) => [date, i]));
      // Every day's rank at once: an episode's start is looked up, not ranked against the history again.
      const percentiles = percentilesOf(rolling.correlation, (i) => data.dates[i + 1] as IsoDate, lookback);
      return { spec, data, rolling, index, percentiles, kinds: aligned.kinds };
    });
    for (const episode of episodes) {
      const calendar = Object.fromEntries(CALENDAR_WINDOWS.map((kind) => [kind, windowAt(kind, episode.start).membership])) as Record<CalendarWindowKind, WindowMembership>;
      episode.context = {
        calendar,
        drivers: perDriver.map(({ spec, data, rolling, index, percentiles, kinds }) => {
          const start = index.get(episode.start);
          const end = index.get(episode.end);
          // The return ending at `start` is index start − 1; its window's figure is that day's.
          const t = start === undefined ? -1 : start - 1;
          const correlation = t >= 0 && !Number.isNaN(rolling.correlation[t] as number) ? (rolling.correlation[t] as number) : null;
          const percentile = correlation !== null && !Number.isNaN(percentiles[t] as number) ? (percentiles[t] as number) : null;
          return {
            driver: spec.id,
            episodeReturn: start !== undefined && end !== undefined && start > 0 ? driverMove(data.driverLevels, kinds, start - 1, end) : null,
            correlation,
            percentile,
            regime: regimeOf(percentile),
          };
        }),
      };
    }
  };
}

/** The groups of an episode for `--split`: inside/outside each calendar window, each driver's regime. */
export function splitter(kinds: readonly string[]): (episode: Episode) => { by: string; group: string }[] {
  return (episode) => {
    const groups: { by: string; group: string }[] = [];
    if (kinds.includes("calendar")) {
      for (const kind of CALENDAR_WINDOWS) {
        const membership = episode.context?.calendar[kind];
        // A year the window's data does not cover is in neither group.
        if (membership === "inside" || membership === "outside") groups.push({ by: kind, group: membership });
      }
    }
    for (const row of episode.context?.drivers ?? []) {
      if (kinds.includes(row.driver) && row.regime !== null) groups.push({ by: `${row.driver} correlation`, group: row.regime });
    }
    return groups;
  };
}
