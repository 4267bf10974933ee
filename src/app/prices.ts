import { namesList } from "../core/text.js";
import type { IsoDate } from "../core/dates.js";
import { byCalendar, cutAsOf, pointInTime, sameCalendar, type PointInTime, type PriceSeries } from "../core/series.js";
import { missingSessions } from "../core/sessions.js";
import { screenTicks, suspectWarning, type SuspectBar } from "../core/ticks.js";
import { lastClosedSession, sessionOnOrBefore, sessionsAfter } from "../core/market.js";
import type { Universe } from "../core/universe.js";
import { DataError, NetworkError, NotCachedError, UsageError, type RotationError, type Unreachable } from "../errors.js";
import type { Runtime } from "../runtime.js";
import { priceProvider } from "../sources/providers.js";
import type { LoadProgress, LoadResult } from "../sources/source.js";
import type { SourceChoice } from "../settings/source.js";

/** Loaded prices, already cut to the as-of date: the only form in which use cases see them. */
export interface LoadedPrices extends LoadResult {
  prices: PointInTime;
  /** The series as known at the as-of date, judged (what `prices` is made of); `series` stays as loaded. */
  judged: Judged;
}

/** What a user can do when a live feed cannot be reached at all. */
export const UNREACHABLE_ADVICE = "check the network or HTTPS_PROXY, use cached prices with --offline, or read CSV files with --data DIR";

/** The one reason every failure shares when no server answered any of them, else null. */
export function sharedUnreachable(failures: LoadResult["failures"]): Unreachable | null {
  const first = failures[0]?.error;
  if (!(first instanceof NetworkError) || first.unreachable === null) return null;
  const { code, host } = first.unreachable;
  const same = failures.every((f) => f.error instanceof NetworkError && f.error.unreachable?.code === code && f.error.unreachable.host === host);
  return same ? first.unreachable : null;
}

/**
 * One line for every ticker that failed: distinct reasons joined, network-only stays a network
 * error. When every ticker failed for the same unreachable host, the reason is said once.
 */
export function combineFailures(failures: LoadResult["failures"], title = "the price feed"): RotationError {
  const unreachable = sharedUnreachable(failures);
  if (unreachable !== null && failures.length > 1) {
    return new NetworkError(
      `cannot reach ${title} (${unreachable.code} ${unreachable.host}) for ${namesList(failures.map((f) => f.symbol))} — ${UNREACHABLE_ADVICE}`,
      unreachable,
    );
  }
  if (failures.length > 1 && failures.every((f) => f.error instanceof NotCachedError)) {
    const dir = (failures[0]!.error as NotCachedError).cacheDir;
    return new DataError(
      `nothing cached for ${namesList(failures.map((f) => f.symbol))}${dir ? ` in ${dir}` : ""} — run once without --offline to download, use --sample for the bundled sample, or read CSV files with --data DIR`,
    );
  }
  const messages = [...new Set(failures.map((f) => f.error.message))];
  // One cause a clause; thousands of failing files are counted, not all written out.
  const text = namesList(messages, 12, "; ");
  // A usage fault (a token missing or refused) keeps its exit code: the command must change.
  if (failures.some((f) => f.error instanceof UsageError)) return new UsageError(text);
  return failures.every((f) => f.error instanceof NetworkError) ? new NetworkError(text) : new DataError(text);
}

/** The universe without the tickers that failed to load (--partial). */
export function withoutSymbols(universe: Universe, failed: ReadonlySet<string>): Universe {
  return {
    small: universe.small.filter((s) => !failed.has(s)),
    mid: universe.mid.filter((s) => !failed.has(s)),
    large: universe.large.filter((s) => !failed.has(s)),
    pairs: universe.pairs.filter((p) => !failed.has(p.symbol) && !failed.has(p.benchmark)),
  };
}

/**
 * Loads prices for the symbols and cuts them to the as-of date. A ticker that fails stops the
 * run, unless the source choice says --partial: then it is named in a warning and left out.
 * Refuses an as-of date before every series starts.
 */
export async function loadPrices(
  symbols: readonly string[],
  choice: SourceChoice,
  runtime: Runtime,
  asOf: IsoDate | undefined,
  onProgress?: (progress: LoadProgress) => void,
): Promise<LoadedPrices> {
  const provider = priceProvider(choice.kind);
  const source = await provider.open(choice, runtime);
  let loaded = await source.load([...new Set(symbols)], onProgress);
  // The fallback chain, the same for every live feed: the cache (inside the source), then the
  // bundled sample when the feed could not be reached at all and nothing was cached.
  // A ticker the feed could not be reached for and the cache lacks is shown from the sample when
  // the sample has it: for every command alike, whatever else came from the feed or the cache.
  const fallback = provider.live && "fallback" in choice && choice.fallback === true;
  if (fallback) loaded = await withSampleFallback(loaded, provider.title);
  settleFailures(loaded, choice, provider.title);
  refuseAsOfBeforeAll([...loaded.series.values()].map((s) => s.dates[0]), asOf);
  const judged = judgeAsOf(loaded.series, asOf, provider.live);
  loaded.info = withLag(loaded.info, judged.series.values(), asOf, runtime);
  return { ...loaded, warnings: [...loaded.warnings, ...judged.warnings], prices: pointInTime(judged.series, asOf), judged };
}

/** A ticker that failed stops the run, unless --partial: then each reason is a warning and the ticker is left out. */
function settleFailures(loaded: LoadResult, choice: SourceChoice, title: string): void {
  if (loaded.failures.length === 0) return;
  if (!choice.partial || loaded.series.size === 0) throw combineFailures(loaded.failures, title);
  for (const message of new Set(loaded.failures.map((f) => f.error.message))) loaded.warnings.push(`${message} (left out: --partial)`);
}

/** Refuses an as-of date before every series starts (given each series' first date). */
function refuseAsOfBeforeAll(firstDates: readonly (IsoDate | undefined)[], asOf: IsoDate | undefined): void {
  if (asOf === undefined) return;
  const earliest = firstDates.filter((d): d is string => d !== undefined).sort()[0];
  if (earliest === undefined || earliest > asOf) {
    throw new DataError(`--as-of ${asOf} is before the first price in the data${earliest ? ` (${earliest})` : ""}`);
  }
}

/**
 * How far the newest close lies behind the last closed New York session at the as-of moment
 * (the clock, or the --as-of date): every report says it (source.lagSessions).
 */
function withLag(info: LoadResult["info"], judged: Iterable<PriceSeries>, asOf: IsoDate | undefined, runtime: Runtime): LoadResult["info"] {
  let newest: IsoDate | undefined;
  for (const series of judged) {
    const last = series.dates.at(-1);
    if (last !== undefined && (newest === undefined || last > newest)) newest = last;
  }
  if (newest === undefined) return info;
  const reference = asOf !== undefined ? sessionOnOrBefore(asOf) : lastClosedSession(runtime.now());
  return { ...info, lagSessions: sessionsAfter(newest, reference), lastClosedSession: reference };
}

/**
 * A universe's prices for a run that goes pair by pair (--format ndjson): judged exactly as
 * loadPrices judges them, all at once (missing sessions are found among all peers), but held
 * as dates only. Each chunk of pairs then asks `load` for its funds' prices.
 */
export interface PriceSurvey {
  info: LoadResult["info"];
  /** From a live feed (kept whole from one load), not read again from local files. */
  live: boolean;
  /** What loadPrices would warn of, in its order. */
  warnings: string[];
  failed: Set<string>;
  /** Every loaded fund, judged, as its dates only (no closes): the universe's as-of date, its stale funds. */
  dates: PointInTime;
  /** Kept suspect bars and missing sessions by fund: what the figures are marked by. */
  suspects: Map<string, IsoDate[]>;
  gaps: Map<string, IsoDate[]>;
  /** Per fund, the date of its exchange's session still open (see openSessions). */
  openSessions: Map<string, IsoDate>;
  /** The funds' prices, as known at the as-of date and judged as above: read again from local files, else kept from the survey. */
  load(symbols: readonly string[]): Promise<PointInTime>;
}

/** Pairs computed together in a streamed run: their funds' closes are all that a chunk holds. */
export const STREAM_CHUNK_PAIRS = 64;

/** The universe's pairs a chunk at a time (a pair named twice, twice, as check reports it). */
export function pairChunks<T>(pairs: readonly T[], size = STREAM_CHUNK_PAIRS): T[][] {
  const chunks: T[][] = [];
  for (let at = 0; at < pairs.length; at += size) chunks.push(pairs.slice(at, at + size));
  return chunks;
}

const NO_CLOSES = new Float64Array(0);

/**
 * loadPrices for a run that goes pair by pair. A source of local files (CSV, the sample) is read
 * twice: once here, keeping each fund's judged dates and nothing of its closes, and once a chunk
 * at a time by `load` (from the snapshots the first read wrote), so memory is bounded by a chunk,
 * not the universe. A second read that disagrees with the first (a file edited meanwhile) stops
 * the run. A live feed's few funds are kept whole from one load.
 */
export async function surveyPrices(symbols: readonly string[], choice: SourceChoice, runtime: Runtime, asOf: IsoDate | undefined, onProgress?: (progress: LoadProgress) => void): Promise<PriceSurvey> {
  const provider = priceProvider(choice.kind);
  if (provider.live) {
    const loaded = await loadPrices(symbols, choice, runtime, asOf, onProgress);
    return {
      info: loaded.info,
      live: true,
      warnings: loaded.warnings,
      failed: failedSymbols(loaded),
      dates: loaded.prices,
      suspects: keptSuspects(loaded.judged),
      gaps: loaded.judged.gaps,
      openSessions: openSessions(loaded, runtime.now()),
      load: async () => loaded.prices,
    };
  }
  const source = await provider.open(choice, runtime);
  const calendars = new Map<readonly IsoDate[], IsoDate[]>();
  const firstDates: (IsoDate | undefined)[] = [];
  const suspects: SuspectBar[] = [];
  const screenWarnings: string[] = [];
  const loaded = await source.load([...new Set(symbols)], onProgress, (series) => {
    firstDates.push(series.dates[0]);
    const screened = judgedSeries(series, asOf, calendars);
    suspects.push(...screened.suspects);
    screenWarnings.push(...screened.suspects.map(suspectWarning));
    return { ...screened.series, closes: NO_CLOSES };
  });
  settleFailures(loaded, choice, provider.title);
  refuseAsOfBeforeAll(firstDates, asOf);
  const gaps = gapsAmong(loaded.series.values(), false);
  const info = withLag(loaded.info, loaded.series.values(), asOf, runtime);
  const surveyed = loaded.series;
  return {
    info,
    live: false,
    warnings: [...loaded.warnings, ...screenWarnings, ...gaps.warnings],
    failed: failedSymbols(loaded),
    dates: pointInTime(surveyed, asOf),
    suspects: keptSuspects({ suspects }),
    gaps: gaps.gaps,
    openSessions: new Map(),
    async load(wanted) {
      const again = await source.load([...new Set(wanted)]);
      if (again.failures.length > 0) throw combineFailures(again.failures, provider.title);
      const judged = new Map<string, PriceSeries>();
      for (const [symbol, series] of again.series) {
        const screened = judgedSeries(series, asOf, calendars).series;
        const before = surveyed.get(symbol)?.dates;
        if (before === undefined || !sameCalendar(before, screened.dates)) throw new DataError(`${symbol}: its prices changed while this run read them; run it again`);
        judged.set(symbol, screened);
      }
      return pointInTime(judged, asOf);
    },
  };
}

/** The series as known at a date, judged (core/ticks.ts, core/sessions.ts): what every figure is computed from. */
export interface Judged {
  /** Each series cut to the date, bad ticks left out. */
  series: Map<string, PriceSeries>;
  /** Absurd one-day moves found: left out or kept. */
  suspects: SuspectBar[];
  /** Sessions a ticker lacks that its peers have (a live feed has already asked once more). */
  gaps: Map<string, IsoDate[]>;
  warnings: string[];
}

/**
 * The loaded series judged on what was known at `asOf` and no later: each cut to it (series
 * that shared a calendar share its cut), bad ticks left out, real crashes and missing sessions
 * found. A log that records an earlier day than the check judges again as of that day.
 */
export function judgeAsOf(all: ReadonlyMap<string, PriceSeries>, asOf: IsoDate | undefined, live: boolean): Judged {
  const calendars = new Map<readonly IsoDate[], IsoDate[]>();
  const series = new Map<string, PriceSeries>();
  const suspects: SuspectBar[] = [];
  const warnings: string[] = [];
  for (const [symbol, one] of all) {
    const screened = judgedSeries(one, asOf, calendars);
    series.set(symbol, screened.series);
    suspects.push(...screened.suspects);
    warnings.push(...screened.suspects.map(suspectWarning));
  }
  const gaps = gapsAmong(series.values(), live);
  return { series, suspects, gaps: gaps.gaps, warnings: [...warnings, ...gaps.warnings] };
}

/**
 * One series as known at `asOf`, its bad ticks left out (the one rule for a fund on its own;
 * `calendars`: series that shared a calendar share its cut).
 */
function judgedSeries(one: PriceSeries, asOf: IsoDate | undefined, calendars: Map<readonly IsoDate[], IsoDate[]>): ReturnType<typeof screenTicks> {
  return screenTicks(cutAsOf(one, asOf, calendars));
}

/** Sessions each fund lacks that its peers (of its exchange calendar) have, found on dates alone, each said once. */
function gapsAmong(series: Iterable<PriceSeries>, live: boolean): { gaps: Map<string, IsoDate[]>; warnings: string[] } {
  const gaps = new Map<string, IsoDate[]>();
  const warnings: string[] = [];
  for (const group of byCalendar(series)) {
    for (const [symbol, dates] of missingSessions(group)) {
      gaps.set(symbol, dates);
      const shown = dates.length > 3 ? `${dates.slice(0, 3).join(", ")} and ${dates.length - 3} more` : dates.join(", ");
      warnings.push(`${symbol}: no close for ${shown}, ${dates.length === 1 ? "a session" : "sessions"} its peers have${live ? " (still missing after a full download)" : ""}; every figure spanning ${dates.length === 1 ? "it" : "them"} is marked`);
    }
  }
  return { gaps, warnings };
}

/** Per symbol, the date of its exchange's regular session in course at `now`, as the feed gave it (any exchange). */
export function openSessions(loaded: LoadedPrices, now: Date): Map<string, IsoDate> {
  const open = new Map<string, IsoDate>();
  const at = now.getTime() / 1000;
  for (const [symbol, series] of loaded.series) if (series.session && at >= series.session.start && at < series.session.end) open.set(symbol, series.session.date);
  return open;
}

/** The dates of the kept suspect bars of each symbol (what check marks figures by). */
export function keptSuspects(judged: Pick<Judged, "suspects">): Map<string, IsoDate[]> {
  const kept = new Map<string, IsoDate[]>();
  for (const bar of judged.suspects) if (bar.verdict === "kept") kept.set(bar.symbol, [...(kept.get(bar.symbol) ?? []), bar.date]);
  return kept;
}

/** The symbols that failed to load (left out under --partial). */
export function failedSymbols(loaded: LoadResult): Set<string> {
  return new Set(loaded.failures.map((f) => f.symbol));
}

/**
 * The last link of the fallback chain: each ticker whose download found no server at all (and
 * that the cache did not have) is shown from the bundled sample, when the sample has it, and
 * said loudly (stderr, the table's title, the JSON). When every ticker came from the sample the
 * source is the sample's (`kind: "sample"`); otherwise the feed's, with `fromSample` naming them.
 */
async function withSampleFallback(loaded: LoadResult, title: string): Promise<LoadResult> {
  const unreachableFailures = loaded.failures.filter((f) => f.error instanceof NetworkError && f.error.unreachable !== null);
  if (unreachableFailures.length === 0) return loaded;
  const { SampleSource, sampleManifest } = await import("../sources/sample/source.js");
  const { lastDate, tickers } = sampleManifest();
  const covered = unreachableFailures.map((f) => f.symbol).filter((symbol) => tickers.includes(symbol));
  if (covered.length === 0) return loaded;
  const { code, host } = (unreachableFailures[0]!.error as NetworkError).unreachable!;
  const reason = `${title} unreachable (${code} ${host})`;
  const sample = await new SampleSource(reason).load(covered);
  const series = new Map([...loaded.series, ...sample.series]);
  const failures = loaded.failures.filter((f) => !covered.includes(f.symbol));
  const advice = "Connect, set HTTPS_PROXY, or read your own files with --data DIR.";
  if (loaded.series.size === 0 && failures.length === 0) {
    return { ...sample, series, warnings: [`${reason}; showing the bundled sample, daily closes to ${lastDate}. ${advice}`, ...sample.warnings], failures };
  }
  return {
    series,
    failures,
    warnings: [...loaded.warnings, `${reason}; ${covered.join(", ")} shown from the bundled sample, daily closes to ${lastDate}, not live data. ${advice}`, ...sample.warnings],
    info: { ...loaded.info, fromSample: { symbols: covered, lastDate, reason } },
  };
}
