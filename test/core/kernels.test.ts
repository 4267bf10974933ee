import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { mean, sampleStandardDeviation } from "simple-statistics";
import { lastRankFigures, meanAndDeviation, rankedDays, ratioExtremeIndices, returnValues, surgeValues, valueRanksInto } from "../../src/core/kernels.js";
import {
  largestSinceDefinition,
  rankCountsDefinition,
  rankedDaysDefinition,
  ratioExtremesDefinition,
  returnValuesDefinition,
  surgeValuesDefinition,
  valueRanksDefinition,
  windowStatsDefinition,
} from "../../src/core/definitions.js";

/**
 * The WebAssembly loops against plain JavaScript written here, operation for operation as the
 * definitions say: every double must be the same to the last bit (Object.is, so -0 and 0 differ).
 */
const price = fc.oneof(fc.double({ min: 1e-3, max: 1e6, noNaN: true }), fc.constantFrom(1, 2, 10, 100.5));
const prices = (minLength: number, maxLength: number) => fc.array(price, { minLength, maxLength });

function sameDoubles(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect.fail(`index ${i}: ${actual[i]} != ${expected[i]}`);
  }
}

describe("surgeValues and returnValues", () => {
  it("are each day's window-day relative return and own return, exactly", () => {
    fc.assert(
      fc.property(prices(0, 120), prices(0, 120), fc.integer({ min: 1, max: 30 }), fc.boolean(), (listA, listB, window, typed) => {
        const n = Math.min(listA.length, listB.length);
        const a = typed ? Float64Array.from(listA) : listA;
        const b = typed ? Float64Array.from(listB) : listB;
        const length = Math.max(0, n - window);
        const expectedSurges: number[] = [];
        const expectedReturns: number[] = [];
        for (let t = window; t < n; t++) {
          const ownA = listA[t]! / listA[t - window]! - 1;
          const ownB = listB[t]! / listB[t - window]! - 1;
          expectedSurges.push(ownA - ownB);
          expectedReturns.push(ownA);
        }
        const surges = new Float64Array(length);
        surgeValues(a, b, n, window, surges);
        sameDoubles(surges, expectedSurges);
        const returns = new Float64Array(length);
        returnValues(a, n, window, returns);
        sameDoubles(returns, expectedReturns);
      }),
      { numRuns: 300 },
    );
  });

  it("read only the first n closes of a longer array, and leave the rest of `out` alone", () => {
    const closes = Float64Array.from([10, 11, 12, 13, 99, 99]);
    const out = new Float64Array([7, 7, 7, 7]);
    returnValues(closes, 4, 1, out);
    sameDoubles(out, [11 / 10 - 1, 12 / 11 - 1, 13 / 12 - 1, 7]);
    const plain = [10, 20, 40, 80, 1];
    const surges = new Float64Array(2);
    surgeValues(plain, [1, 1, 1, 1, 1], 4, 2, surges);
    sameDoubles(surges, [40 / 10 - 1 - (1 / 1 - 1), 80 / 20 - 1 - (1 / 1 - 1)]);
  });
});

describe("lastRankFigures", () => {
  it("counts earlier values below and equal, finds the latest as extreme, and gives the lookback's mean and deviation", () => {
    // Few distinct values, so that ties, zeros and equal extremes are common.
    const value = fc.oneof(fc.integer({ min: -5, max: 5 }).map((v) => v / 4), fc.constantFrom(0, -0), fc.double({ min: -1, max: 1, noNaN: true }));
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 300 }), fc.nat(), (values, lookback) => {
        const index = values.length - 1;
        const today = values[index]!;
        const from = lookback % (index + 1);
        let below = 0;
        let equal = 0;
        for (let j = 0; j < index; j++) {
          if (values[j]! < today) below++;
          else if (values[j] === today) equal++;
        }
        let largestSinceIndex = -1;
        for (let j = index - 1; j >= 0 && largestSinceIndex < 0; j--) {
          if (today >= 0 ? values[j]! >= today : values[j]! <= today) largestSinceIndex = j;
        }
        const window = values.slice(from, index);
        const figures = lastRankFigures(Float64Array.from(values), index, from);
        expect({ below: figures.below, equal: figures.equal, largestSinceIndex: figures.largestSinceIndex }).toEqual({ below, equal, largestSinceIndex });
        if (window.length === 0) {
          expect(figures.mean).toBeNaN();
          expect(figures.deviation).toBe(0);
        } else {
          expect(figures.mean).toBe(mean(window));
          expect(figures.deviation).toBe(window.length >= 2 ? sampleStandardDeviation(window) : 0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("on hand-made values", () => {
    expect(lastRankFigures([1, 3, 2, 3, 2], 4, 0)).toEqual({ below: 1, equal: 1, largestSinceIndex: 3, mean: 2.25, deviation: Math.sqrt(2.75 / 3) });
    expect(lastRankFigures([-1, -3, 2, -2], 3, 2)).toEqual({ below: 1, equal: 0, largestSinceIndex: 1, mean: 2, deviation: 0 });
    expect(lastRankFigures([5], 0, 0)).toMatchObject({ below: 0, equal: 0, largestSinceIndex: -1, deviation: 0 });
  });
});

describe("meanAndDeviation", () => {
  it("gives simple-statistics' mean and sample standard deviation of the window, to the last bit", () => {
    const value = fc.oneof(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(0, -0, 1e-12, -1e-12, 0.1, 0.2, 0.3));
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 400 }), fc.nat(), fc.nat(), (list, a, b) => {
        const values = Float64Array.from(list);
        const from = a % values.length;
        const to = from + 1 + (b % (values.length - from));
        const window = list.slice(from, to);
        const stats = meanAndDeviation(values, from, to);
        expect(stats.mean).toBe(mean(window));
        expect(stats.deviation).toBe(window.length >= 2 ? sampleStandardDeviation(window) : 0);
      }),
      { numRuns: 500 },
    );
  });
});

describe("ratioExtremeIndices", () => {
  it("finds the highest and lowest ratio, the latest day of a tie", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 200 }), (rows) => {
        const a = rows.map(([x]) => x);
        const b = rows.map(([, y]) => y);
        let peak = -Infinity;
        let trough = Infinity;
        let peakIndex = 0;
        let troughIndex = 0;
        a.forEach((x, t) => {
          const ratio = x / b[t]!;
          if (ratio >= peak) [peak, peakIndex] = [ratio, t];
          if (ratio <= trough) [trough, troughIndex] = [ratio, t];
        });
        expect(ratioExtremeIndices(Float64Array.from(a), b, a.length)).toEqual({ peak, trough, peakIndex, troughIndex });
      }),
      { numRuns: 300 },
    );
  });
});

describe("the kernels' memory", () => {
  it("is replaced by a larger one for long series, and stays right when they alternate with short ones", () => {
    // 400,000 days of two series and the result: ~9.6 MB, well past the first 64 KiB page.
    for (const n of [400_000, 10, 250_000, 3]) {
      const a = Float64Array.from({ length: n }, (_, i) => 100 + (i % 97) + i / n);
      const b = Float64Array.from({ length: n }, (_, i) => 50 + (i % 13));
      const out = new Float64Array(Math.max(0, n - 2));
      surgeValues(a, b, n, 2, out);
      for (const t of [2, Math.floor(n / 2), n - 1].filter((t) => t >= 2 && t < n)) {
        expect(out[t - 2]).toBe(a[t]! / a[t - 2]! - 1 - (b[t]! / b[t - 2]! - 1));
      }
      const last = lastRankFigures(out, out.length - 1, 0);
      let below = 0;
      for (let j = 0; j < out.length - 1; j++) if (out[j]! < out[out.length - 1]!) below++;
      expect(last.below).toBe(below);
    }
  });
});

/**
 * Every kernel against its readable definition in src/core/definitions.ts (the definition is
 * what the tool means; the kernel an optimisation): bit for bit, except rankSeries' z-scores,
 * which the kernel keeps as running sums: to 1e-6, where the window has a spread running sums can see.
 */
describe("the kernels compute their definitions (src/core/definitions.ts)", () => {
  // No values near underflow (1e-162 squared is 0): there a variance of running sums and one of
  // squared deviations part ways in the last bits of nothing, and "no spread" is a matter of method.
  const value = fc.oneof(fc.integer({ min: -6, max: 6 }).map((v) => v / 4), fc.constantFrom(0, -0), fc.double({ min: -2, max: 2, noNaN: true }).filter((v) => v === 0 || Math.abs(v) > 1e-100));

  it("surges, returns and ratio extremes, bit for bit", () => {
    fc.assert(
      fc.property(prices(0, 80), prices(0, 80), fc.integer({ min: 1, max: 20 }), (listA, listB, window) => {
        const n = Math.min(listA.length, listB.length);
        const out = new Float64Array(Math.max(0, n - window));
        surgeValues(listA, listB, n, window, out);
        sameDoubles(out, surgeValuesDefinition(listA, listB, n, window));
        returnValues(listA, n, window, out);
        sameDoubles(out, returnValuesDefinition(listA, n, window));
        if (n > 0) expect(ratioExtremeIndices(listA, listB, n)).toEqual(ratioExtremesDefinition(listA, listB, n));
      }),
      { numRuns: 200 },
    );
  });

  it("the last day's counts, largest-since and window statistics, bit for bit", () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 200 }), fc.nat(), (values, lookback) => {
        const index = values.length - 1;
        const from = lookback % (index + 1);
        const figures = lastRankFigures(Float64Array.from(values), index, from);
        expect({ below: figures.below, equal: figures.equal }).toEqual(rankCountsDefinition(values, index));
        expect(figures.largestSinceIndex).toBe(largestSinceDefinition(values, index));
        const stats = windowStatsDefinition(values, from, index);
        if (!Object.is(figures.mean, stats.mean) || !Object.is(figures.deviation, stats.deviation)) expect.fail(`${figures.mean},${figures.deviation} != ${stats.mean},${stats.deviation}`);
      }),
      { numRuns: 300 },
    );
  });

  it("every day's ranks: value ranks and counts exactly, z-scores to 1e-6 (running sums)", () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 0, maxLength: 150 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 2, max: 40 }), (values, minObservations, lookback) => {
        expect(Array.from(valueRanksInto(values, new Int32Array(values.length)))).toEqual(valueRanksDefinition(values));
        const kernel = rankedDays(values, minObservations, lookback);
        const definition = rankedDaysDefinition(values, minObservations, lookback);
        for (let t = 0; t < values.length; t++) {
          expect(kernel.below[t], `below ${t}`).toBe(definition.below[t]);
          if ((definition.below[t] as number) >= 0) expect(kernel.equal[t], `equal ${t}`).toBe(definition.equal[t]);
          expect(kernel.largestSinceIndex[t], `largest since ${t}`).toBe(definition.largestSinceIndex[t]);
          const [got, want] = [kernel.zScore[t] as number, definition.zScore[t] as number];
          // Running sums of squares carry an error of about eps x size^2 per step (size: the
          // largest value the sums have seen), so the deviation they give is good to 1e-6 only
          // where the window's spread is at least ~1e-4 of that size; below 1e-3 of it, "no
          // spread" and a small one are a matter of method, and either answer stands.
          const size = Math.max(...values.slice(0, t + 1).map(Math.abs));
          const spread = windowStatsDefinition(values, Math.max(0, t - lookback), t).deviation;
          if (t >= minObservations && t - Math.max(0, t - lookback) >= 2 && spread <= 1e-3 * size) continue;
          if (Number.isNaN(want)) expect(got, `z ${t}`).toBeNaN();
          else expect(Math.abs(got - want), `z ${t}: ${got} vs ${want}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want)));
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("the committed kernel module", () => {
  it("is what scripts/kernels.mjs makes of kernels.wat (so a fresh clone type-checks before a build, and runs what the source says)", async () => {
    const { readFileSync } = await import("node:fs");
    const { default: wabtInit } = await import("wabt");
    const wat = readFileSync(new URL("../../src/core/kernels.wat", import.meta.url), "utf8");
    const wabt = await wabtInit();
    const module = wabt.parseWat("kernels.wat", wat, { multi_value: true });
    const { buffer } = module.toBinary({});
    module.destroy();
    const committed = readFileSync(new URL("../../src/core/kernels-wasm.ts", import.meta.url), "utf8");
    expect(committed).toContain(JSON.stringify(Buffer.from(buffer).toString("base64")));
  });
});
