// Variant for bench/pieces.mjs: the kernels `check` and `episodes` rank with, as plain
// JavaScript loops over typed arrays (what src/core/kernels.ts would be without WebAssembly).
// The event study's resampling kernels stay WebAssembly (re-exported): they are a piece of
// their own, measured in issue 25 against their readable definitions in bootstrap.ts.
export { clusterDrawsKernel, signBlockMeansKernel, orderPairs } from "../../dist/core/kernels.js";
import { mean, sampleStandardDeviation } from "simple-statistics";

export function surgeValues(a, b, n, window, out) {
  for (let t = window; t < n; t++) out[t - window] = a[t] / a[t - window] - 1 - (b[t] / b[t - window] - 1);
}

export function returnValues(closes, n, window, out) {
  for (let t = window; t < n; t++) out[t - window] = closes[t] / closes[t - window] - 1;
}

export function meanAndDeviation(values, from, to) {
  const window = Array.prototype.slice.call(values, from, to);
  if (window.length === 0) return { mean: Number.NaN, deviation: 0 };
  return { mean: mean(window), deviation: window.length < 2 ? 0 : sampleStandardDeviation(window) };
}

export function lastRankFigures(values, index, lookbackFrom) {
  const today = values[index];
  let below = 0;
  let equal = 0;
  for (let j = 0; j < index; j++) {
    const value = values[j];
    if (value < today) below++;
    else if (value === today) equal++;
  }
  let largestSinceIndex = -1;
  for (let j = index - 1; j >= 0; j--) {
    if (today >= 0 ? values[j] >= today : values[j] <= today) {
      largestSinceIndex = j;
      break;
    }
  }
  return { below, equal, largestSinceIndex, ...meanAndDeviation(values, lookbackFrom, index) };
}

export function ratioExtremeIndices(a, b, n) {
  let peak = -Infinity, trough = Infinity, peakIndex = -1, troughIndex = -1;
  for (let t = 0; t < n; t++) {
    const ratio = a[t] / b[t];
    if (ratio >= peak) { peak = ratio; peakIndex = t; }
    if (ratio <= trough) { trough = ratio; troughIndex = t; }
  }
  return { peak, trough, peakIndex, troughIndex };
}

export function valueRanksInto(values, ranks) {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => values[x] - values[y]);
  let rank = 0;
  for (let k = 0; k < n; k++) {
    if (k > 0 && values[order[k]] !== values[order[k - 1]]) rank = k;
    ranks[order[k]] = rank;
  }
  return ranks;
}

export function rankedDays(values, minObservations, lookback) {
  const n = values.length;
  const ranks = valueRanksInto(values, new Int32Array(n));
  const tree = new Int32Array(n + 1);
  const equalCount = new Int32Array(n);
  const below = new Int32Array(n).fill(-1);
  const equal = new Int32Array(n);
  const zScore = new Float64Array(n).fill(Number.NaN);
  const largestSinceIndex = new Int32Array(n).fill(-1);
  const highs = [];
  const lows = [];
  const shift = n > 0 ? values[0] : 0;
  let sum = 0;
  let sumOfSquares = 0;
  for (let t = 0; t < n; t++) {
    const today = values[t];
    while (highs.length > 0 && values[highs[highs.length - 1]] < today) highs.pop();
    while (lows.length > 0 && values[lows[lows.length - 1]] > today) lows.pop();
    if (t >= minObservations) {
      let count = 0;
      for (let i = ranks[t]; i > 0; i -= i & -i) count += tree[i];
      below[t] = count;
      equal[t] = equalCount[ranks[t]];
      if (today >= 0) { if (highs.length > 0) largestSinceIndex[t] = highs[highs.length - 1]; }
      else if (lows.length > 0) largestSinceIndex[t] = lows[lows.length - 1];
      const c = t < lookback ? t : lookback;
      if (c >= 2) {
        const variance = (sumOfSquares - (sum * sum) / c) / (c - 1);
        const deviation = variance > 0 ? Math.sqrt(variance) : 0;
        if (deviation > 0) zScore[t] = (today - shift - sum / c) / deviation;
      }
    }
    for (let i = ranks[t] + 1; i <= n; i += i & -i) tree[i]++;
    equalCount[ranks[t]]++;
    highs.push(t);
    lows.push(t);
    const centred = today - shift;
    sum += centred;
    sumOfSquares += centred * centred;
    if (t >= lookback) {
      const leaving = values[t - lookback] - shift;
      sum -= leaving;
      sumOfSquares -= leaving * leaving;
    }
  }
  return { below, equal, zScore, largestSinceIndex };
}
