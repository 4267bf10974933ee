import { xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";
import { clusterDrawsKernel, orderPairs, signBlockMeansKernel } from "./kernels.js";

/**
 * Resampling for the event study of `episodes` (README, "How sure can we be"): episodes are
 * resampled by cluster (episodes whose forward windows overlap are one draw), the base rate by a
 * moving-block bootstrap of days; intervals are the percentiles of the draws. No well-kept
 * JavaScript library does cluster or block resampling (compute-bootstrap, the one package that
 * bootstraps at all, draws single values and was last published in 2015), so the resampling is
 * written here; the random numbers come from pure-rand (xoroshiro128+, unbiased integer draws)
 * and the percentiles are simple-statistics' quantileSorted definition (linear interpolation, R type 7).
 */

/** Two-sided confidence of every interval. */
export const CONFIDENCE = 0.9;
/** Draws per interval. */
export const RESAMPLES = 1000;
/**
 * The base rate's blocks: as long as the horizon (so that a block holds the overlap of its
 * days' forward windows) and at least a quarter of sessions (so that a draw is ~100 blocks,
 * not 300: the bootstrap's cost is one random number per block).
 */
export function blockLength(horizon: number): number {
  return Math.max(horizon, 63);
}
/** Fewer independent clusters than this give no interval and the verdict "too few". */
export const MIN_CLUSTERS = 8;

export interface Interval {
  low: number;
  high: number;
}

/**
 * A seed from a text (32-bit FNV-1a of its UTF-16 code units): each pair, direction, horizon and
 * resample has its own stream, so adding a pair never moves another pair's intervals.
 */
export function seedOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

/** MurmurHash3's 32-bit finaliser: every bit of the input moves every bit of the output. */
function mix32(value: number): number {
  let h = value | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/**
 * A xoroshiro128+ stream for a text. Its four state words are the text's seed mixed four ways:
 * seeded directly (pure-rand's xoroshiro128plus(seed)), texts whose hashes differ in a few
 * bits start with nearly the same draws.
 */
export function streamState(seedText: string): number[] {
  const seed = seedOf(seedText);
  const words: number[] = [1, 2, 3, 4].map((k) => mix32(seed + Math.imul(k, 0x9e3779b9)));
  // An all-zero state would give zeros for ever.
  return words.every((w) => w === 0) ? [1, 0, 0, 0] : words;
}

export function randomStream(seedText: string): RandomGenerator {
  return xoroshiro128plusFromState(streamState(seedText));
}

/**
 * Where each cluster begins in `starts` (ascending session indices of the episodes' signal
 * days), and its end: two neighbouring episodes are one cluster when the later starts fewer than
 * `horizon` sessions after the earlier, so that their forward windows share a day's return.
 */
export function clusterBounds(starts: readonly number[], horizon: number): number[] {
  const bounds: number[] = [];
  for (let i = 0; i < starts.length; i++) {
    if (i === 0 || (starts[i] as number) - (starts[i - 1] as number) >= horizon) bounds.push(i);
  }
  bounds.push(starts.length);
  return bounds;
}

/**
 * An index drawn uniformly from [0, range), without bias: Lemire's multiply-and-reject on the
 * generator's 32-bit outputs (`threshold` = 2^32 mod range, from rejectionThreshold). A draw
 * is two multiplications, where a modulo per draw cost most of a bootstrap's time.
 */
function drawIndex(random: RandomGenerator, range: number, threshold: number): number {
  for (;;) {
    const product = (random.next() >>> 0) * range;
    const index = Math.floor(product * 2.3283064365386963e-10);
    if (product - index * 4294967296 >= threshold) return index;
  }
}

function rejectionThreshold(range: number): number {
  return (4294967296 - range) % range;
}

/** What a cluster bootstrap gives: the median and the same-sign share of each draw. */
export interface ClusterDraws {
  medians: Float64Array;
  sameSign: Float64Array;
}

/**
 * Cluster bootstrap of `values` (in the order of their clusters, see clusterBounds): each draw
 * picks as many clusters as there are, uniformly with replacement, and pools their values; a
 * draw's median (of an even count, the mean of the two middle values) and its share of values
 * whose sign is `sign` are recorded. The pool is counted by each value's place in the sorted
 * values, so a median costs a walk over the counts instead of a sort.
 */
export function clusterDraws(values: readonly number[], bounds: readonly number[], sign: number, random: RandomGenerator, resamples = RESAMPLES): ClusterDraws {
  const clusters = bounds.length - 1;
  const n = values.length;
  const { sorted, place, sameInCluster } = clusterInputs(values, bounds, sign);
  const counts = new Int32Array(n);
  const threshold = rejectionThreshold(clusters);
  const medians = new Float64Array(resamples);
  const sameSign = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    counts.fill(0);
    let total = 0;
    let same = 0;
    for (let k = 0; k < clusters; k++) {
      const c = drawIndex(random, clusters, threshold);
      const from = bounds[c] as number;
      const to = bounds[c + 1] as number;
      for (let i = from; i < to; i++) counts[place[i] as number]!++;
      total += to - from;
      same += sameInCluster[c] as number;
    }
    // The values at the pool's places (total - 1) >> 1 and total >> 1 in sorted order.
    const lowPlace = (total - 1) >> 1;
    let seen = counts[0] as number;
    let k = 0;
    while (seen <= lowPlace) seen += counts[++k] as number;
    const low = sorted[k] as number;
    while (seen <= total >> 1) seen += counts[++k] as number;
    medians[b] = (low + (sorted[k] as number)) / 2;
    sameSign[b] = same / total;
  }
  return { medians, sameSign };
}

/** What a cluster draw reads: the values sorted, each value's place among them, each cluster's count of values of the sign. */
function clusterInputs(values: readonly number[], bounds: readonly number[], sign: number): { sorted: Float64Array; place: Int32Array; sameInCluster: Int32Array } {
  const clusters = bounds.length - 1;
  const order = values.map((_, index) => index).sort((x, y) => (values[x] as number) - (values[y] as number));
  const sorted = Float64Array.from(order, (index) => values[index] as number);
  const place = new Int32Array(values.length);
  order.forEach((index, k) => (place[index] = k));
  const sameInCluster = new Int32Array(clusters);
  for (let c = 0; c < clusters; c++) {
    for (let i = bounds[c] as number; i < (bounds[c + 1] as number); i++) if ((values[i] as number) * sign > 0) sameInCluster[c]!++;
  }
  return { sorted, place, sameInCluster };
}

/**
 * clusterDraws from the stream of `seedText`, in WebAssembly (kernels.ts): the same draws as
 * clusterDraws(values, bounds, sign, randomStream(seedText)), to the last bit (tested).
 */
export function clusterDrawsFast(values: readonly number[], bounds: readonly number[], sign: number, seedText: string, resamples = RESAMPLES): ClusterDraws {
  return clusterDrawsKernel(values, bounds, sign, streamState(seedText), resamples);
}

/**
 * Moving-block bootstrap of the means of two series of the same days: each draw lays blocks of
 * `block` consecutive days, each starting at a uniformly drawn index of [0, n - block], end to
 * end until n days are laid (the last block cut short), and takes each series' mean over them
 * (both series are drawn with the same blocks). Block sums come from running sums, so a draw
 * costs n / block steps, not n.
 */
export function blockBootstrapMeans(first: ArrayLike<number>, second: ArrayLike<number>, block: number, random: RandomGenerator, resamples = RESAMPLES): [Float64Array, Float64Array] {
  const n = first.length;
  const out: [Float64Array, Float64Array] = [new Float64Array(resamples), new Float64Array(resamples)];
  if (n === 0) {
    out[0].fill(Number.NaN);
    out[1].fill(Number.NaN);
    return out;
  }
  const length = Math.min(block, n);
  const sumsA = runningSums(first);
  const sumsB = runningSums(second);
  const starts = n - length + 1;
  const threshold = rejectionThreshold(starts);
  for (let b = 0; b < resamples; b++) {
    let totalA = 0;
    let totalB = 0;
    for (let laid = 0; laid < n; laid += length) {
      const start = drawIndex(random, starts, threshold);
      const end = start + Math.min(length, n - laid);
      totalA += (sumsA[end] as number) - (sumsA[start] as number);
      totalB += (sumsB[end] as number) - (sumsB[start] as number);
    }
    out[0][b] = totalA / n;
    out[1][b] = totalB / n;
  }
  return out;
}

function runningSums(values: ArrayLike<number>): Float64Array {
  const sums = new Float64Array(values.length + 1);
  for (let i = 0; i < values.length; i++) sums[i + 1] = (sums[i] as number) + (values[i] as number);
  return sums;
}

/**
 * The block bootstrap of the shares of `values` above and below zero, from the stream of
 * `seedText`, in WebAssembly (kernels.ts): the same draws as blockBootstrapMeans(v > 0 ? 1 : 0,
 * v < 0 ? 1 : 0, block, randomStream(seedText)), to the last bit (tested).
 */
export function signShareDraws(values: Float64Array, block: number, seedText: string, resamples = RESAMPLES): { positive: Float64Array; negative: Float64Array } {
  if (values.length === 0) {
    const [positive, negative] = blockBootstrapMeans(values, values, block, randomStream(seedText), resamples);
    return { positive, negative };
  }
  const [positive, negative] = signBlockMeansKernel(values, Math.min(block, values.length), streamState(seedText), resamples);
  return { positive, negative };
}

/**
 * The percentile interval of draws: their (1 - confidence) / 2 and (1 + confidence) / 2
 * quantiles by linear interpolation between order statistics (R type 7, simple-statistics'
 * quantileSorted). The order statistics are found in WebAssembly (kernels.ts orderPairs)
 * rather than by sorting every draw.
 */
export function percentileInterval(draws: Float64Array, confidence = CONFIDENCE): Interval {
  // In percent first, so that 90% gives exactly 0.05 and 0.95 (0.9's binary value does not).
  const tail = (100 - confidence * 100) / 200;
  const positions = [(draws.length - 1) * tail, (draws.length - 1) * (1 - tail)];
  const pairs = orderPairs(draws, positions.map(Math.floor));
  const [low, high] = positions.map((position, i) => {
    const [below, next] = pairs[i] as [number, number];
    const fraction = position - Math.floor(position);
    return fraction === 0 ? below : below + fraction * (next - below);
  }) as [number, number];
  return { low, high };
}
