import type { CalendarWindowKind, WindowMembership } from "./calendars/windows.js";
import { mean, median, quantile, quickselect } from "simple-statistics";
import { blockLength, signShareDraws, clusterBounds, clusterDrawsFast, CONFIDENCE, MIN_CLUSTERS, percentileInterval, RESAMPLES, type Interval } from "./bootstrap.js";
import type { Signal } from "./check.js";
import type { IsoDate } from "./dates.js";
import type { AlignedPair, PointInTime } from "./series.js";
import { pairName, type PairSpec } from "./universe.js";
import { workingFloats, workingInts } from "./working-arrays.js";
import { ALL_HISTORY, lookbackStarts, type Lookback } from "./lookback.js";
import { MIN_RANK_OBSERVATIONS, rankSeries, surgeDate, surgeSeries } from "./surge.js";

export type ForwardKey = "d5" | "d21" | "d63";
export type ForwardReturns = Record<ForwardKey, number | null>;

export interface EpisodeOptions {
  window: number;
  threshold: number;
  /** Flagged days of one direction at most this many trading days apart are one episode. */
  gap: number;
  minObservations?: number;
  /** What each day is ranked against (default: all history). */
  lookback?: Lookback;
}

export interface Episode {
  pair: string;
  direction: Signal;
  start: IsoDate;
  peakDate: IsoDate;
  peakSurge: number;
  end: IsoDate;
  /** Trading days from start to end, both included. */
  length: number;
  flaggedDays: number;
  peakPercentile: number;
  peakZScore: number | null;
  /** How many earlier surges the peak was ranked against: those from rankedFrom to rankedTo (the lookback's window). */
  observations: number;
  rankedFrom: IsoDate;
  rankedTo: IsoDate;
  /**
   * The pair's relative return over the 5, 21, 63 trading days after the close of the first
   * flagged day (`start`), the first close at which a reader could act; null until known.
   */
  forward: ForwardReturns;
  /** The same from the close of the peak: hindsight, as the peak is known only afterwards. */
  forwardFromPeak: ForwardReturns;
  /**
   * The next trading day after the data's end could still join it (it would be within `gap`
   * days of the last flagged day) and no episode of the other direction has started since.
   */
  open: boolean;
  /** Drivers and calendar at the first flagged day (`start`), when computed (see app/episodes.ts). */
  context?: EpisodeContext;
}

/** Where an episode's first flagged day sat: the calendar windows, and each driver at hand. */
export interface EpisodeContext {
  calendar: Record<CalendarWindowKind, WindowMembership>;
  drivers: {
    driver: string;
    /** The driver's own move over the episode, from the close before `start` to the close of `end` (a return, or percentage points of yield). */
    episodeReturn: number | null;
    /** The pair's rolling correlation with the driver at `start` (its window ends there), and its percentile among its earlier values. */
    correlation: number | null;
    percentile: number | null;
    /** Which third of its earlier values that correlation was in. */
    regime: Regime | null;
  }[];
}

export type Regime = "top third" | "middle third" | "bottom third";

/** A summary of a subset of episodes: those of one group (inside a window, a driver's regime). */
export interface EpisodeSplit {
  /** What splits: "russell-reconstitution", "january", or "IEF correlation". */
  by: string;
  group: string;
  summary: EpisodeSummary[];
}

export type Verdict = "continues" | "reverses" | "unclear" | "too few";

/** Follow-through rate minus the base rate's same-sign rate, with its interval and what it says. */
export interface Edge {
  value: number;
  /** Null with "too few". */
  interval: Interval | null;
  verdict: Verdict;
}

export type FollowThroughKey = "d21" | "d63";

export interface EpisodeSummary {
  pair: string;
  direction: Signal;
  episodes: number;
  /** Episodes whose forward return is known at each horizon. */
  known: Record<ForwardKey, number>;
  /** Independent clusters among them: episodes whose forward windows overlap count once. */
  clusters: Record<ForwardKey, number>;
  median: ForwardReturns;
  mean: ForwardReturns;
  /** Share (0..1) of episodes whose forward relative return kept the surge's sign; null if none known. */
  followThrough: { d21: number | null; d63: number | null };
  /** 10th and 90th percentiles of the episodes' forward returns. */
  p10: ForwardReturns;
  p90: ForwardReturns;
  /** The same statistics over the pair's ranked days that are not flagged days of an episode: what an ordinary day showed. */
  baseline: Baseline | null;
  /** 90% interval of the median (cluster bootstrap); null under MIN_CLUSTERS clusters. */
  medianInterval: Record<ForwardKey, Interval | null>;
  /** 90% interval of the follow-through rate (cluster bootstrap); null under MIN_CLUSTERS clusters. */
  followThroughInterval: Record<FollowThroughKey, Interval | null>;
  /** Follow-through minus the base rate; null where either is unknown. */
  edge: Record<FollowThroughKey, Edge | null>;
}

/**
 * Forward relative returns from every ranked day of a pair that is not a flagged day of an
 * episode: the base rate an episode's figures must be read against.
 */
export interface Baseline {
  /** Such days with a known 5-day forward return (fewer are known at 21 and 63 days). */
  days: number;
  median: ForwardReturns;
  mean: ForwardReturns;
  /** Share (0..1) of days whose forward relative return has the direction's sign (> 0 for small-surge). */
  sameSign: ForwardReturns;
}

const HORIZONS = { d5: 5, d21: 21, d63: 63 } as const;

/** What a surge index is to the base rate: not ranked, ranked (a base day), or flagged (an episode's day). */
export const DAY_UNRANKED = 0;
export const DAY_BASE = 1;
export const DAY_FLAGGED = 2;

/**
 * The forward relative returns at each horizon, where known, of the days whose state is
 * DAY_BASE (surge index t sits at aligned index t + window), in date order.
 */
export function forwardReturnsOfBaseDays(pair: AlignedPair, window: number, states: Uint8Array, into?: Record<ForwardKey, Float64Array>): Record<ForwardKey, Float64Array> {
  const out = {} as Record<ForwardKey, Float64Array>;
  for (const key of ["d5", "d21", "d63"] as const) {
    const h = HORIZONS[key];
    const last = Math.min(states.length, pair.dates.length - window - h);
    const values = into === undefined ? new Float64Array(Math.max(0, last)) : into[key];
    let count = 0;
    for (let t = 0; t < last; t++) {
      if (states[t] !== DAY_BASE) continue;
      const from = t + window;
      values[count++] = (pair.a[from + h] as number) / (pair.a[from] as number) - 1 - ((pair.b[from + h] as number) / (pair.b[from] as number) - 1);
    }
    out[key] = values.subarray(0, count);
  }
  return out;
}

/** Per horizon: the median and mean forward returns and the shares above and below zero (shared by both directions). */
export interface BaselineStats {
  days: number;
  median: ForwardReturns;
  mean: ForwardReturns;
  positive: ForwardReturns;
  negative: ForwardReturns;
}

/** The largest of a[0..end): after quickselect(a, end), the (end-1)-th smallest. */
function maxOf(a: Float64Array, end: number): number {
  let max = -Infinity;
  for (let i = 0; i < end; i++) if ((a[i] as number) > max) max = a[i] as number;
  return max;
}

export function baselineStats(forward: Record<ForwardKey, Float64Array>): BaselineStats {
  const stats: BaselineStats = { days: forward.d5.length, median: { d5: null, d21: null, d63: null }, mean: { d5: null, d21: null, d63: null }, positive: { d5: null, d21: null, d63: null }, negative: { d5: null, d21: null, d63: null } };
  for (const key of ["d5", "d21", "d63"] as const) {
    const values = forward[key];
    const n = values.length;
    if (n === 0) continue;
    // The median by selection (linear on average), not by sorting every pair's history.
    const work = workingFloats("baseline.selection", n).subarray(0, n);
    work.set(values);
    // Floyd-Rivest selection: a[k] becomes the k-th smallest, with all before it no larger.
    // (Typed as taking number[]; it only reads, compares and swaps elements, as on a typed array.)
    quickselect(work as unknown as number[], n >> 1, 0, n - 1);
    const upper = work[n >> 1] as number;
    stats.median[key] = n % 2 ? upper : (maxOf(work, n >> 1) + upper) / 2;
    // Compensated (Kahan-Babuska) summation: thousands of small returns, summed without drift.
    let sum = 0;
    let correction = 0;
    let up = 0;
    let down = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i] as number;
      const next = sum + v;
      correction += Math.abs(sum) >= Math.abs(v) ? sum - next + v : v - next + sum;
      sum = next;
      if (v > 0) up++;
      else if (v < 0) down++;
    }
    stats.mean[key] = (sum + correction) / n;
    stats.positive[key] = up / n;
    stats.negative[key] = down / n;
  }
  return stats;
}

function baselineFor(stats: BaselineStats, direction: Signal): Baseline {
  return { days: stats.days, median: stats.median, mean: stats.mean, sameSign: direction === "small-surge" ? stats.positive : stats.negative };
}

function relativeReturn(pair: AlignedPair, from: number, to: number): number | null {
  if (to >= pair.dates.length) return null;
  return (pair.a[to] as number) / (pair.a[from] as number) - 1 - ((pair.b[to] as number) / (pair.b[from] as number) - 1);
}

/** An episode with the session index (in the pair's aligned dates) of its signal day, for clustering. */
interface ScannedEpisode {
  episode: Episode;
  signalIndex: number;
}

/** One pair's episodes, and each surge index's state for the base rate (DAY_*). */
function scanEpisodes(pairName: string, pair: AlignedPair, options: EpisodeOptions): { scanned: ScannedEpisode[]; states: Uint8Array } {
  // Working arrays (working-arrays.ts): every figure is read out of them before the next pair.
  const days = pair.dates.length;
  const surges = surgeSeries(pair, options.window, workingFloats("episodes.surges", days));
  const starts = lookbackStarts(options.lookback ?? ALL_HISTORY, surges.values.length, (i) => surgeDate(surges, i));
  const ranks = rankSeries(surges.values, options.minObservations ?? MIN_RANK_OBSERVATIONS, {
    percentile: workingFloats("episodes.percentile", days),
    zScore: workingFloats("episodes.zScore", days),
    largestSinceIndex: workingInts("episodes.largestSince", days),
  }, starts);
  const lastIndex = surges.values.length - 1;
  const states = new Uint8Array(Math.max(0, lastIndex + 1));
  const scanned: ScannedEpisode[] = [];
  let current: { direction: Signal; start: number; end: number; peak: number; flagged: number } | null = null;

  const close = (reversed: boolean): void => {
    if (!current) return;
    const { direction, start, end, peak, flagged } = current;
    // Surge index i sits at aligned index i + window.
    const startAligned = start + options.window;
    const peakAligned = peak + options.window;
    const rankedFrom = starts === null ? 0 : (starts[peak] as number);
    scanned.push({
      signalIndex: startAligned,
      episode: {
        pair: pairName,
        direction,
        start: surgeDate(surges, start),
        peakDate: surgeDate(surges, peak),
        peakSurge: surges.values[peak] as number,
        end: surgeDate(surges, end),
        length: end - start + 1,
        flaggedDays: flagged,
        peakPercentile: ranks.percentile[peak] as number,
        peakZScore: Number.isNaN(ranks.zScore[peak]) ? null : (ranks.zScore[peak] as number),
        observations: peak - rankedFrom,
        rankedFrom: surgeDate(surges, rankedFrom),
        rankedTo: surgeDate(surges, peak - 1),
        forward: forwardFrom(pair, startAligned),
        forwardFromPeak: forwardFrom(pair, peakAligned),
        // The next trading day is lastIndex + 1; it joins when (lastIndex + 1) - end <= gap,
        // unless an episode of the other direction has started since (then this one is over).
        open: !reversed && lastIndex + 1 - end <= options.gap,
      },
    });
    current = null;
  };

  for (let t = 0; t <= lastIndex; t++) {
    const percentile = ranks.percentile[t] as number;
    if (Number.isNaN(percentile)) continue;
    const direction: Signal | null = percentile >= options.threshold ? "small-surge" : percentile <= 100 - options.threshold ? "large-surge" : null;
    states[t] = direction === null ? DAY_BASE : DAY_FLAGGED;
    if (direction === null) continue;
    if (current && current.direction !== direction) close(true);
    else if (current && t - current.end > options.gap) close(false);
    if (!current) {
      current = { direction, start: t, end: t, peak: t, flagged: 1 };
      continue;
    }
    current.end = t;
    current.flagged++;
    const value = surges.values[t] as number;
    const peakValue = surges.values[current.peak] as number;
    if (direction === "small-surge" ? value > peakValue : value < peakValue) current.peak = t;
  }
  close(false);
  return { scanned, states };
}

function forwardFrom(pair: AlignedPair, from: number): ForwardReturns {
  return { d5: relativeReturn(pair, from, from + 5), d21: relativeReturn(pair, from, from + 21), d63: relativeReturn(pair, from, from + 63) };
}

/**
 * Every rotation episode of one pair. A day is flagged from its point-in-time percentile
 * (ranked only against earlier days in the lookback), so an episode's existence never depends
 * on what came after it; forward returns are measured afterwards and decide nothing.
 */
export function findEpisodes(pairName: string, pair: AlignedPair, options: EpisodeOptions): Episode[] {
  return scanEpisodes(pairName, pair, options).scanned.map((s) => s.episode);
}

/**
 * What a pair's summaries are read against: the base rate's statistics and, for the intervals,
 * the base days' forward returns (date order) and each episode's signal session.
 */
export interface PairEvidence {
  baseline: BaselineStats;
  baseForward?: Record<ForwardKey, Float64Array>;
  signalIndex?: ReadonlyMap<Episode, number>;
  /** Block-bootstrap draws of the base days' shares above and below zero, made once per horizon for both directions. */
  baseDraws?: Partial<Record<FollowThroughKey, { positive: Float64Array; negative: Float64Array }>>;
}

/**
 * The base rate's draws at one horizon (moving blocks of `horizon` days; seeded by pair and
 * horizon): the shares of base days whose forward return is above and below zero, both from
 * the same blocks, as the two directions read the same days.
 */
function baseDrawsOf(evidence: PairEvidence, pair: string, key: FollowThroughKey): { positive: Float64Array; negative: Float64Array } | null {
  const days = evidence.baseForward?.[key];
  if (days === undefined || days.length < HORIZONS[key]) return null;
  evidence.baseDraws ??= {};
  return (evidence.baseDraws[key] ??= signShareDraws(days, blockLength(HORIZONS[key]), `${pair}|${key}|base`));
}

/** Summaries per pair and direction; `evidenceByPair` holds each pair's base rate (none: no baseline, no edge). */
export function summarizeEpisodes(episodes: readonly Episode[], evidenceByPair: ReadonlyMap<string, PairEvidence> = new Map(), subset = ""): EpisodeSummary[] {
  const groups = new Map<string, Episode[]>();
  for (const episode of episodes) {
    const key = `${episode.pair}\u0000${episode.direction}`;
    const list = groups.get(key) ?? [];
    list.push(episode);
    groups.set(key, list);
  }
  const summaries: EpisodeSummary[] = [];
  for (const list of groups.values()) {
    const first = list[0] as Episode;
    // Each horizon's known forward returns, gathered once for the figures made of them.
    const knownByKey = {} as Record<ForwardKey, number[]>;
    for (const key of ["d5", "d21", "d63"] as const) {
      const values: number[] = [];
      for (const e of list) if (e.forward[key] !== null) values.push(e.forward[key]);
      knownByKey[key] = values;
    }
    const known = (key: ForwardKey): number[] => knownByKey[key];
    const stat = (f: (values: number[]) => number): ForwardReturns => {
      const out = {} as ForwardReturns;
      for (const key of ["d5", "d21", "d63"] as const) {
        const values = known(key);
        out[key] = values.length > 0 ? f(values) : null;
      }
      return out;
    };
    const sign = first.direction === "small-surge" ? 1 : -1;
    const kept = (key: ForwardKey): number | null => {
      const values = known(key);
      return values.length > 0 ? values.filter((v) => v * sign > 0).length / values.length : null;
    };
    const evidence = evidenceByPair.get(first.pair);
    const baseline = evidence ? baselineFor(evidence.baseline, first.direction) : null;
    const followThrough = { d21: kept("d21"), d63: kept("d63") };
    summaries.push({
      pair: first.pair,
      direction: first.direction,
      episodes: list.length,
      known: { d5: known("d5").length, d21: known("d21").length, d63: known("d63").length },
      median: stat(median),
      mean: stat(mean),
      followThrough,
      p10: stat((values) => quantile(values, 0.1)),
      p90: stat((values) => quantile(values, 0.9)),
      baseline,
      ...uncertaintyOf(list, first, followThrough, baseline, evidence, subset),
    });
  }
  return summaries;
}

/**
 * The intervals and verdicts of one pair and direction (README, "How sure can we be"): per
 * horizon, the episodes with a known forward return are grouped into clusters (clusterBounds),
 * resampled by cluster for the median and the follow-through rate; the base rate is resampled
 * by blocks of `horizon` days, independently; the edge's draws are the differences of the two.
 */
function uncertaintyOf(list: readonly Episode[], first: Episode, followThrough: Record<FollowThroughKey, number | null>, baseline: Baseline | null, evidence: PairEvidence | undefined, subset = ""): Pick<EpisodeSummary, "clusters" | "medianInterval" | "followThroughInterval" | "edge"> {
  const clusters = { d5: 0, d21: 0, d63: 0 };
  const medianInterval: Record<ForwardKey, Interval | null> = { d5: null, d21: null, d63: null };
  const followThroughInterval: Record<FollowThroughKey, Interval | null> = { d21: null, d63: null };
  const edge: Record<FollowThroughKey, Edge | null> = { d21: null, d63: null };
  const sign = first.direction === "small-surge" ? 1 : -1;
  // A subset's draws are seeded apart (the whole set's seeds are as they always were).
  const seed = `${first.pair}|${first.direction}${subset === "" ? "" : `|${subset}`}`;
  for (const key of ["d5", "d21", "d63"] as const) {
    const horizon = HORIZONS[key];
    const known = list.filter((e) => e.forward[key] !== null);
    const signalIndex = evidence?.signalIndex;
    if (signalIndex === undefined) continue;
    const starts = known.map((e) => signalIndex.get(e) as number);
    const bounds = clusterBounds(starts, horizon);
    clusters[key] = bounds.length - 1;
    const enough = clusters[key] >= MIN_CLUSTERS;
    const hasRate = key !== "d5";
    let rateDraws: Float64Array | undefined;
    if (enough) {
      const draws = clusterDrawsFast(known.map((e) => e.forward[key] as number), bounds, sign, `${seed}|${key}|episodes`);
      medianInterval[key] = percentileInterval(draws.medians);
      rateDraws = draws.sameSign;
      if (hasRate) followThroughInterval[key as FollowThroughKey] = percentileInterval(rateDraws);
    }
    if (!hasRate || evidence === undefined) continue;
    const k = key as FollowThroughKey;
    const rate = followThrough[k];
    const base = baseline?.sameSign[k] ?? null;
    if (rate === null || base === null) continue;
    const baseDraws = rateDraws === undefined ? null : baseDrawsOf(evidence, first.pair, k);
    if (rateDraws === undefined || baseDraws === null) {
      edge[k] = { value: rate - base, interval: null, verdict: "too few" };
      continue;
    }
    const sameSignDraws = sign > 0 ? baseDraws.positive : baseDraws.negative;
    const edgeDraws = new Float64Array(RESAMPLES);
    for (let b = 0; b < RESAMPLES; b++) edgeDraws[b] = (rateDraws[b] as number) - (sameSignDraws[b] as number);
    const interval = percentileInterval(edgeDraws);
    edge[k] = { value: rate - base, interval, verdict: interval.low > 0 ? "continues" : interval.high < 0 ? "reverses" : "unclear" };
  }
  return { clusters, medianInterval, followThroughInterval, edge };
}


/** How the intervals were made, for the report's parameters. */
export const INTERVAL_METHOD = { confidence: CONFIDENCE, resamples: RESAMPLES, minClusters: MIN_CLUSTERS } as const;

export interface EpisodeSelection extends EpisodeOptions {
  pairs: readonly PairSpec[];
  /** Keep episodes that end on or after this date. */
  since?: IsoDate;
  /** Keep episodes that start on or before this date. */
  until?: IsoDate;
  /**
   * The groups an episode belongs to, for summaries of subsets (with the same base rate and
   * uncertainty rules as the whole); none: no splits. Called after `context` is set, if `annotate` sets it.
   */
  splitOf?: (episode: Episode) => { by: string; group: string }[];
  /** Called on each pair's kept episodes before they are summarised (to set their `context`). */
  annotate?: (pair: AlignedPair, episodes: readonly Episode[]) => void;
}

/** One pair's episodes kept when they overlap [since, until], with their signal sessions and the day states. */
function pairEpisodesOf(prices: PointInTime, spec: PairSpec, selection: EpisodeSelection): { pair: AlignedPair; kept: ScannedEpisode[]; states: Uint8Array } {
  const pair = prices.pair(spec.symbol, spec.benchmark);
  const { scanned, states } = scanEpisodes(pairName(spec), pair, selection);
  const kept = scanned.filter(({ episode }) => !(selection.since !== undefined && episode.end < selection.since) && !(selection.until !== undefined && episode.start > selection.until));
  return { pair, kept, states };
}

/** One pair's episodes kept when they overlap [since, until], annotated (selection.annotate): what a streamed run writes per pair. */
export function pairEpisodes(prices: PointInTime, spec: PairSpec, selection: EpisodeSelection): Episode[] {
  const { pair, kept } = pairEpisodesOf(prices, spec, selection);
  if (kept.length === 0) return [];
  const episodes = kept.map((s) => s.episode);
  selection.annotate?.(pair, episodes);
  return episodes;
}

/** Episodes of every pair on prices known at the as-of date, kept when they overlap [since, until]. */
export function episodesOf(prices: PointInTime, selection: EpisodeSelection): Episode[] {
  return selection.pairs.flatMap((spec) => pairEpisodesOf(prices, spec, selection).kept.map((s) => s.episode));
}

/** Episodes of every pair with their summary, base rates and intervals included. */
export function episodeReportOf(prices: PointInTime, selection: EpisodeSelection): { episodes: Episode[]; summary: EpisodeSummary[]; splits: EpisodeSplit[] } {
  const episodes: Episode[] = [];
  const summary: EpisodeSummary[] = [];
  const splits = new Map<string, EpisodeSplit>();
  const done = new Set<string>();
  for (const spec of selection.pairs) {
    const name = pairName(spec);
    // A pair named twice is reported once.
    if (done.has(name)) continue;
    done.add(name);
    const { pair, kept, states } = pairEpisodesOf(prices, spec, selection);
    if (kept.length === 0) continue;
    const pairEpisodes = kept.map((s) => s.episode);
    selection.annotate?.(pair, pairEpisodes);
    episodes.push(...pairEpisodes);
    // Base rates are worked out only for pairs that had an episode to compare them with, and
    // summarised at once: every ranked day's forward returns of a thousand pairs would
    // otherwise be held until the end.
    const days = pair.dates.length;
    const baseForward = forwardReturnsOfBaseDays(pair, selection.window, states, { d5: workingFloats("baseline.d5", days), d21: workingFloats("baseline.d21", days), d63: workingFloats("baseline.d63", days) });
    const evidence: PairEvidence = { baseline: baselineStats(baseForward), baseForward, signalIndex: new Map(kept.map((s) => [s.episode, s.signalIndex])) };
    summary.push(...summarizeEpisodes(pairEpisodes, new Map([[name, evidence]])));
    if (selection.splitOf) {
      const groups = new Map<string, { by: string; group: string; episodes: Episode[] }>();
      for (const episode of pairEpisodes) {
        for (const { by, group } of selection.splitOf(episode)) {
          const key = `${by}\u0000${group}`;
          const entry = groups.get(key) ?? { by, group, episodes: [] };
          entry.episodes.push(episode);
          groups.set(key, entry);
        }
      }
      for (const [key, { by, group, episodes: subset }] of groups) {
        const split = splits.get(key) ?? { by, group, summary: [] };
        split.summary.push(...summarizeEpisodes(subset, new Map([[name, evidence]]), `${by}=${group}`));
        splits.set(key, split);
      }
    }
  }
  return { episodes, summary, splits: [...splits.values()] };
}
