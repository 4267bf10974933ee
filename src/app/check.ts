import { phaseDone } from "../phases.js";
import { existsSync } from "node:fs";
import { checkAsOf, checkPairs, checkTickers, runCheck, signalsOf, type CheckOptions, type CheckResult, type PairResult } from "../core/check.js";
import type { PointInTime } from "../core/series.js";
import { openSessionDate } from "../core/market.js";
import type { CheckContext, CorrelationHistory } from "../output/drivers.js";
import type { IsoDate } from "../core/dates.js";
import type { Lookback } from "../core/lookback.js";
import type { SizeValuationPoint, ValuationHistory } from "../core/size-valuation.js";
import { universeSymbols, type Universe } from "../core/universe.js";
import type { ValuationReport } from "../core/valuation.js";
import { DataError, RotationError } from "../errors.js";
import type { Runtime } from "../runtime.js";
import { DEFAULTS } from "../settings/defaults.js";
import type { LoadProgress } from "../sources/source.js";
import type { SourceChoice } from "../settings/source.js";
import { failedSymbols, keptSuspects, loadPrices, openSessions, pairChunks, surveyPrices, withoutSymbols, type LoadedPrices } from "./prices.js";

export interface CheckRequest {
  universe: Universe;
  window: number;
  threshold: number;
  lookback: Lookback;
  asOf: IsoDate | undefined;
  source: SourceChoice;
  /** The Fama/French valuation history, read from its cache only (`rotation valuation` downloads it). */
  history?: { cacheDir: string; lookback: Lookback | undefined };
  /** Drivers, breadth and calendar beside the pairs (false: --no-context). */
  context?: boolean;
  /** live: fetch P/E now (--valuation); store: use the valuation store if there is one. */
  valuation: { mode: "live" | "store"; store: string; timeoutMs: number; yahooUrl: string | null; maxAgeDays: number };
}

export interface CheckOutcome {
  result: CheckResult;
  loaded: LoadedPrices;
  valuation: ValuationReport | null;
  /** Null when not cached (or not asked for): check never downloads it. */
  history: ValuationHistory | null;
  /** The history's headline split, month by month (for report's chart). */
  historyPoints: SizeValuationPoint[];
  /** Drivers, breadth and the calendar beside the pairs, from series at hand (see computeCheckContext). */
  context: CheckContext;
  /** The first pair's rolling correlation with the rates driver, when at hand (report's chart). */
  contextHistory: CorrelationHistory | null;
}

/** Loads the universe's prices, cut to the as-of date, and runs the pure core on them. */
export async function computeCheck(request: CheckRequest, runtime: Runtime, onProgress?: (progress: LoadProgress) => void): Promise<CheckOutcome> {
  const loaded = await loadPrices(universeSymbols(request.universe).map((m) => m.symbol), request.source, runtime, request.asOf, onProgress);
  phaseDone("load");
  const universe = withoutSymbols(request.universe, failedSymbols(loaded));
  if (universe.pairs.length === 0) throw new DataError("nothing left to compare: every pair lost a ticker that failed to load");
  const result = runCheck(loaded.prices, { universe, window: request.window, threshold: request.threshold, lookback: request.lookback, asOf: request.asOf, provisionalDate: openSessionDate(runtime.now()), openSessions: openSessions(loaded, runtime.now()), suspects: keptSuspects(loaded.judged), gaps: loaded.judged.gaps });
  result.warnings.unshift(...loaded.warnings);
  const french = await historyFor(request, result.asOf, runtime, result.warnings);
  const { computeCheckContext } = await import("./drivers.js");
  const around =
    request.context === false
      ? { context: { asOf: result.asOf, calendar: [], drivers: [], breadth: [], notes: ["left out (--no-context)"] }, history: null }
      : await computeCheckContext({ ...request, universe }, loaded.prices, failedSymbols(loaded), result.asOf, runtime);
  return { result, loaded, valuation: await valuationFor(request, universe, result.asOf, runtime, result.warnings), history: french.history, historyPoints: french.points, context: around.context, contextHistory: around.history };
}

export interface StreamedCheck {
  asOf: IsoDate;
  source: LoadedPrices["info"];
  /** What computeCheck's result would warn of about prices, funds and pairs, in its order. */
  warnings: string[];
  signals: number;
}

/**
 * computeCheck's pairs, a chunk at a time (--format ndjson): each pair is handed to `emit` as
 * soon as it is computed, and only a chunk's closes are ever in memory (surveyPrices). The
 * figures are computeCheck's: the same universe-wide as-of date, suspect bars and missing
 * sessions. Valuations, the valuation history and the context are not part of the lines, and
 * are not computed.
 */
export async function streamCheck(request: CheckRequest, runtime: Runtime, emit: (pair: PairResult, asOf: IsoDate) => void, onProgress?: (progress: LoadProgress) => void): Promise<StreamedCheck> {
  const survey = await surveyPrices(universeSymbols(request.universe).map((m) => m.symbol), request.source, runtime, request.asOf, onProgress);
  phaseDone("load");
  const universe = withoutSymbols(request.universe, survey.failed);
  if (universe.pairs.length === 0) throw new DataError("nothing left to compare: every pair lost a ticker that failed to load");
  const members = universeSymbols(universe);
  const options: CheckOptions = { universe, window: request.window, threshold: request.threshold, lookback: request.lookback, asOf: request.asOf, provisionalDate: openSessionDate(runtime.now()), openSessions: survey.openSessions, suspects: survey.suspects, gaps: survey.gaps };
  const { asOf, warnings } = checkAsOf(survey.dates, members.map((m) => m.symbol), options);
  // Warnings are gathered per fund and said in the universe's order, as computeCheck says them.
  const fundWarnings = new Map<string, string[]>();
  const pairWarnings: string[] = [];
  let signals = 0;
  const checkFunds = (known: PointInTime, funds: typeof members): void => {
    for (const member of funds) {
      if (fundWarnings.has(member.symbol)) continue;
      const said: string[] = [];
      checkTickers(known, [member], asOf, options, said);
      fundWarnings.set(member.symbol, said);
    }
  };
  const groupOf = new Map(members.map((m) => [m.symbol, m]));
  const fundsOf = (symbols: readonly string[]) => symbols.flatMap((symbol) => groupOf.get(symbol) ?? []);
  for (const chunk of pairChunks(universe.pairs)) {
    const symbols = [...new Set(chunk.flatMap((p) => [p.symbol, p.benchmark]))];
    const known = await survey.load(symbols);
    checkFunds(known, fundsOf(symbols));
    for (const pair of checkPairs(known, chunk, options, pairWarnings)) {
      signals += signalsOf([pair]).length;
      emit(pair, asOf);
    }
  }
  // Funds named in a group (--small, --mid, --large) but in no pair.
  const alone = members.filter((m) => !fundWarnings.has(m.symbol));
  for (const chunk of pairChunks(alone)) checkFunds(await survey.load(chunk.map((m) => m.symbol)), chunk);
  return { asOf, source: survey.info, signals, warnings: [...survey.warnings, ...warnings, ...members.flatMap((m) => fundWarnings.get(m.symbol) ?? []), ...pairWarnings] };
}

/** The valuation history from its cache, if there is one (a run never waits for the library). */
async function historyFor(request: CheckRequest, asOf: IsoDate, runtime: Runtime, warnings: string[]): Promise<{ history: ValuationHistory | null; points: SizeValuationPoint[] }> {
  if (request.history === undefined) return { history: null, points: [] };
  const { computeValuationHistory } = await import("./valuation-history.js");
  const french = await computeValuationHistory({ asOf, lookback: request.history.lookback, cacheDir: request.history.cacheDir, offline: true, quiet: true, timeoutMs: request.valuation.timeoutMs }, runtime);
  warnings.push(...french.warnings);
  return french;
}

/**
 * Valuation spreads of the check's pairs: live with --valuation, else from the store when one
 * exists (a single stat when it does not, so a plain check pays nothing).
 */
async function valuationFor(request: CheckRequest, universe: Universe, asOf: string, runtime: Runtime, warnings: string[]): Promise<ValuationReport | null> {
  const haveStore = existsSync(request.valuation.store);
  if (request.valuation.mode === "store" && !haveStore) return null;
  const { computeValuation } = await import("./valuation.js");
  const compute = (live: boolean) =>
    computeValuation(
      { pairs: universe.pairs, store: request.valuation.store, minHistory: DEFAULTS.minHistory, live, asOf: live ? undefined : asOf, timeoutMs: request.valuation.timeoutMs, yahooUrl: request.valuation.yahooUrl, maxAgeDays: request.valuation.maxAgeDays },
      runtime,
    );
  let report: ValuationReport;
  try {
    report = await compute(request.valuation.mode === "live");
  } catch (error) {
    // The prices loaded: a valuation that cannot be fetched is a warning, never the end of the run.
    if (!(error instanceof RotationError) || request.valuation.mode !== "live") throw error;
    warnings.push(`${error.message}; prices are shown without live valuations${haveStore ? " (the store's are shown instead)" : ""}`);
    if (!haveStore) return null;
    report = await compute(false);
  }
  for (const warning of report.warnings) warnings.push(warning);
  return report;
}

/** The last `days` common days of each pair's price ratio A/B (for sparklines). */
export function recentRatios(outcome: CheckOutcome, days: number): Map<string, number[]> {
  const ratios = new Map<string, number[]>();
  for (const pair of outcome.result.pairs) {
    const aligned = outcome.loaded.prices.pair(pair.symbol, pair.benchmark);
    const from = Math.max(0, aligned.dates.length - days);
    ratios.set(pair.pair, Array.from({ length: aligned.dates.length - from }, (_, i) => (aligned.a[from + i] as number) / (aligned.b[from + i] as number)));
  }
  return ratios;
}
