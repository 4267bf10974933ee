import { KERNELS_WASM_BASE64 } from "./kernels-wasm.js";

/**
 * The numeric loops over whole histories (`check`'s surges, returns and last-day ranks,
 * `episodes`' ranking of every day), compiled from kernels.wat. A fresh process would run them
 * in V8's interpreter, boxing every intermediate double (most of a `check`'s computation went to
 * them and to the garbage collections they caused); WebAssembly runs them compiled from the
 * first day, and the ranking of `episodes` ~1.5x faster than optimised JavaScript. What each
 * computes is defined in readable TypeScript in definitions.ts (bootstrap.ts for the
 * resampling); test/core/kernels.test.ts checks every kernel against its definition.
 *
 * Arrays are copied into the module's memory for each call (a memory copy; the module keeps
 * nothing between calls), so callers pass and get ordinary arrays. Not re-entrant, like the
 * working arrays: the program is single-threaded and never calls these recursively.
 */
interface KernelExports {
  surges(a: number, b: number, n: number, window: number, out: number): void;
  returns(closes: number, n: number, window: number, out: number): void;
  rankCounts(values: number, index: number): [below: number, equal: number];
  largestSince(values: number, index: number): number;
  windowStats(values: number, from: number, to: number): [mean: number, deviation: number];
  ratioExtremes(a: number, b: number, n: number): [peak: number, trough: number, peakIndex: number, troughIndex: number];
  valueRanks(values: number, n: number, keys: number, order: number, spare: number, counts: number, ranks: number): void;
  rankSeries(values: number, n: number, minObservations: number, lookback: number, ranks: number, equal: number, tree: number, highs: number, lows: number, belowOut: number, equalOut: number, zScore: number, largestSince: number): void;
  clusterDraws(values: number, bounds: number, sign: number, sorted: number, order: number, place: number, same: number, counts: number, n: number, clusters: number, resamples: number, state: number, medians: number, shares: number): void;
  orderPair(values: number, n: number, k: number, sign: number, buffer: number): [kth: number, next: number];
  signBlockMeans(values: number, sumsA: number, sumsB: number, n: number, length: number, resamples: number, state: number, outA: number, outB: number): void;
}

/** The little of WebAssembly's JavaScript API used here (Node has it; @types/node does not declare it). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
};

const BYTES = Float64Array.BYTES_PER_ELEMENT;
const PAGE = 65_536;
/** 1 MiB to start with: a fund's 8,000 days and two more arrays as long fit in 192 KiB. */
const FIRST_PAGES = 16;

let compiled: object | undefined;
let instance: { kernels: KernelExports; doubles: Float64Array; ints: Int32Array } | undefined;

/**
 * The kernels, with a memory of at least `count` doubles (seen as `doubles`). A memory too small
 * is replaced by a new instance on a larger one rather than grown: growing a WebAssembly memory
 * detaches its old ArrayBuffer, and the first detached buffer of a process makes V8 add a
 * detach check to every typed-array access from then on (measured: the JavaScript ranking of
 * `episodes` ran 15% slower for the rest of the run).
 */
function kernelsFor(count: number): { kernels: KernelExports; doubles: Float64Array; ints: Int32Array } {
  if (instance === undefined || instance.doubles.length < count) {
    // ~2 KB, compiled synchronously (~1 ms on Node 20, most of it starting V8's WebAssembly).
    // atob rather than Buffer: the core uses nothing of Node.
    compiled ??= new WebAssembly.Module(Uint8Array.from(atob(KERNELS_WASM_BASE64), (c) => c.charCodeAt(0)));
    const memory = new WebAssembly.Memory({ initial: Math.max(FIRST_PAGES, Math.ceil((count * BYTES * 1.5) / PAGE)) });
    instance = { kernels: new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as KernelExports, doubles: new Float64Array(memory.buffer), ints: new Int32Array(memory.buffer) };
  }
  return instance;
}

/** Copies source[from, from + count) to the memory's doubles at `at`. */
function put(target: Float64Array, at: number, source: ArrayLike<number>, from: number, count: number): void {
  if (from === 0 && source.length === count) target.set(source, at);
  else if (source instanceof Float64Array) target.set(source.subarray(from, from + count), at);
  else for (let i = 0; i < count; i++) target[at + i] = source[from + i] as number;
}

/** out[t - window] = (a[t] / a[t - window] - 1) - (b[t] / b[t - window] - 1) for t in [window, n). */
export function surgeValues(a: ArrayLike<number>, b: ArrayLike<number>, n: number, window: number, out: Float64Array): void {
  const length = Math.max(0, n - window);
  if (length === 0) return;
  const { kernels, doubles: space } = kernelsFor(2 * n + length);
  put(space, 0, a, 0, n);
  put(space, n, b, 0, n);
  kernels.surges(0, n * BYTES, n, window, 2 * n * BYTES);
  out.set(space.subarray(2 * n, 2 * n + length));
}

/** out[t - window] = closes[t] / closes[t - window] - 1 for t in [window, n). */
export function returnValues(closes: ArrayLike<number>, n: number, window: number, out: Float64Array): void {
  const length = Math.max(0, n - window);
  if (length === 0) return;
  const { kernels, doubles: space } = kernelsFor(n + length);
  put(space, 0, closes, 0, n);
  kernels.returns(0, n, window, n * BYTES);
  out.set(space.subarray(n, n + length));
}

/** What ranking values[index] against values[0, index) takes; see rankAt in surge.ts. */
export interface LastRankFigures {
  below: number;
  equal: number;
  /** The latest earlier index at least as extreme in today's direction, or -1. */
  largestSinceIndex: number;
  /** Mean and sample deviation of values[lookbackFrom, index). */
  mean: number;
  deviation: number;
}

export function lastRankFigures(values: ArrayLike<number>, index: number, lookbackFrom: number): LastRankFigures {
  const { kernels, doubles: space } = kernelsFor(index + 1);
  put(space, 0, values, 0, index + 1);
  const [below, equal] = kernels.rankCounts(0, index);
  const [mean, deviation] = kernels.windowStats(0, lookbackFrom, index);
  return { below, equal, largestSinceIndex: kernels.largestSince(0, index), mean, deviation };
}

/**
 * Mean and sample standard deviation of values[from, to): simple-statistics' mean (a
 * Kahan-Babuska compensated sum) and sampleStandardDeviation, operation for operation, so the
 * figures are the same to the last bit. NaN and 0 for an empty window; 0 for one value.
 */
export function meanAndDeviation(values: ArrayLike<number>, from: number, to: number): { mean: number; deviation: number } {
  const count = Math.max(0, to - from);
  const { kernels, doubles: space } = kernelsFor(count);
  put(space, 0, values, from, count);
  const [mean, deviation] = kernels.windowStats(0, 0, count);
  return { mean, deviation };
}

/** The highest and lowest a[t] / b[t] over [0, n) and their indices, ties going to the latest day. */
export function ratioExtremeIndices(a: ArrayLike<number>, b: ArrayLike<number>, n: number): { peak: number; trough: number; peakIndex: number; troughIndex: number } {
  const { kernels, doubles: space } = kernelsFor(2 * n);
  put(space, 0, a, 0, n);
  put(space, n, b, 0, n);
  const [peak, trough, peakIndex, troughIndex] = kernels.ratioExtremes(0, n * BYTES, n);
  return { peak, trough, peakIndex, troughIndex };
}

/** Space for n days of the two ranking kernels, laid out in doubles then ints (byte offsets). */
function rankingLayout(n: number) {
  const values = 0;
  const keys = values + n * 8;
  const zScore = keys + n * 8;
  const order = zScore + n * 8;
  const spare = order + n * 4;
  const ranks = spare + n * 4;
  const equal = ranks + n * 4;
  const tree = equal + n * 4;
  const highs = tree + (n + 1) * 4;
  const lows = highs + n * 4;
  const largestSince = lows + n * 4;
  const belowOut = largestSince + n * 4;
  const equalOut = belowOut + n * 4;
  const counts = equalOut + n * 4;
  const end = counts + 8 * 256 * 4;
  return { values, keys, zScore, order, spare, ranks, equal, tree, highs, lows, largestSince, belowOut, equalOut, counts, end };
}

/** The values staged and ranked by the radix sort: the kernels, their memory and where each array lies. */
function rankedValues(values: ArrayLike<number>) {
  const n = values.length;
  const at = rankingLayout(n);
  const { kernels, doubles, ints } = kernelsFor(Math.ceil(at.end / BYTES));
  put(doubles, 0, values, 0, n);
  kernels.valueRanks(at.values, n, at.keys, at.order, at.spare, at.counts, at.ranks);
  return { n, at, kernels, doubles, ints };
}

/** Each value's rank among all of them (how many are strictly smaller; see surge.ts, valueRanks), into `ranks`. */
export function valueRanksInto(values: ArrayLike<number>, ranks: Int32Array): Int32Array {
  const { n, at, ints } = rankedValues(values);
  ranks.set(ints.subarray(at.ranks / 4, at.ranks / 4 + n));
  return ranks;
}

/** What surge.ts's rankSeries makes each day's figures of; views into the kernels' memory, valid until their next call. */
export interface RankedDays {
  /** Earlier days below each day, -1 before the first ranked day. */
  below: Int32Array;
  /** Earlier days equal to each day. */
  equal: Int32Array;
  /** NaN where the lookback has no spread (or the day is not ranked). */
  zScore: Float64Array;
  largestSinceIndex: Int32Array;
}

/** Every day against the days before it (see surge.ts, rankSeries). */
export function rankedDays(values: ArrayLike<number>, minObservations: number, lookback: number): RankedDays {
  const { n, at, kernels, doubles, ints } = rankedValues(values);
  kernels.rankSeries(at.values, n, minObservations, lookback, at.ranks, at.equal, at.tree, at.highs, at.lows, at.belowOut, at.equalOut, at.zScore, at.largestSince);
  return {
    below: ints.subarray(at.belowOut / 4, at.belowOut / 4 + n),
    equal: ints.subarray(at.equalOut / 4, at.equalOut / 4 + n),
    zScore: doubles.subarray(at.zScore / 8, at.zScore / 8 + n),
    largestSinceIndex: ints.subarray(at.largestSince / 4, at.largestSince / 4 + n),
  };
}

/**
 * bootstrap.ts's clusterDraws (its definition) with xoroshiro128+ from the four state words
 * `state` (pure-rand's order), in WebAssembly: the same draws, medians and shares to the last
 * bit. `values` are in the order of their clusters (`bounds`); `sign` the direction's sign.
 */
export function clusterDrawsKernel(values: readonly number[], bounds: readonly number[], sign: number, state: readonly number[], resamples: number): { medians: Float64Array; sameSign: Float64Array } {
  const n = values.length;
  const clusters = bounds.length - 1;
  // Doubles first (values, sorted, medians, shares), then ints (bounds, order, place, same, counts, state).
  const medians = 2 * n;
  const shares = medians + resamples;
  const ints = (shares + resamples) * 2;
  const boundsAt = ints;
  const order = boundsAt + clusters + 1;
  const place = order + n;
  const same = place + n;
  const counts = same + clusters;
  const stateAt = counts + n;
  const memory = kernelsFor(Math.ceil((stateAt + 4) / 2));
  for (let i = 0; i < n; i++) memory.doubles[i] = values[i] as number;
  memory.ints.set(bounds, boundsAt);
  memory.ints.set(state, stateAt);
  memory.kernels.clusterDraws(0, boundsAt * 4, sign, n * BYTES, order * 4, place * 4, same * 4, counts * 4, n, clusters, resamples, stateAt * 4, medians * BYTES, shares * BYTES);
  return { medians: memory.doubles.slice(medians, medians + resamples), sameSign: memory.doubles.slice(shares, shares + resamples) };
}

/**
 * bootstrap.ts's blockBootstrapMeans (its definition) of the shares of `values` above and below
 * zero (the series v > 0 and v < 0 as 0 and 1), with xoroshiro128+ from the four state words,
 * in WebAssembly: the same draws to the last bit. Blocks of `length`, at most values.length.
 */
export function signBlockMeansKernel(values: Float64Array, length: number, state: readonly number[], resamples: number): [Float64Array, Float64Array] {
  const n = values.length;
  const sumsA = n;
  const sumsB = sumsA + n + 1;
  const outA = sumsB + n + 1;
  const outB = outA + resamples;
  const stateAt = (outB + resamples) * BYTES;
  const { kernels, doubles, ints } = kernelsFor(outB + resamples + 2);
  doubles.set(values, 0);
  ints.set(state, stateAt / 4);
  kernels.signBlockMeans(0, sumsA * BYTES, sumsB * BYTES, n, length, resamples, stateAt, outA * BYTES, outB * BYTES);
  return [doubles.slice(outA, outA + resamples), doubles.slice(outB, outB + resamples)];
}

/**
 * For each k of `ks`: the k-th and (k + 1)-th smallest of values (0-based; the k-th twice when k
 * is the last), in WebAssembly: what sorting the values and reading places k and k + 1 gives,
 * for percentile intervals. The values are copied in once; an upper k is read as the lower
 * tail of the negated values.
 */
export function orderPairs(values: Float64Array, ks: readonly number[]): [number, number][] {
  const n = values.length;
  const { kernels, doubles } = kernelsFor(2 * n + 2);
  doubles.set(values, 0);
  return ks.map((k) => {
    const upper = k >= n / 2;
    // From the top: the k-th smallest is the (n - 1 - k)-th largest, the next one the (n - 2 - k)-th.
    const kept = upper ? Math.max(0, n - 2 - k) : k;
    const [first, second] = kernels.orderPair(0, n, kept, upper ? -1 : 1, n * BYTES);
    if (!upper) return [first, second];
    // Negated, the kept pair is (x[k + 1], x[k]); at the very top (k = n - 1) both are x[k].
    return k === n - 1 ? [first, first] : [second, first];
  });
}
