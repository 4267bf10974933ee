import { describe, expect, it } from "vitest";
import { alignPair, cutAsOf, pointInTime } from "../../src/core/series.js";
import fc from "fast-check";
import { rankAt, rankSeries, surgeDate, surgeSeries, valueRanks, Z_LOOKBACK } from "../../src/core/surge.js";
import { randomWalk, weekdays } from "../helpers/series.js";

describe("alignPair and cutAsOf", () => {
  it("keeps only the dates both series have", () => {
    const a = { symbol: "A", dates: ["2024-01-01", "2024-01-02", "2024-01-04"], closes: [1, 2, 4] };
    const b = { symbol: "B", dates: ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"], closes: [20, 30, 40, 50] };
    expect(alignPair(a, b)).toEqual({ dates: ["2024-01-02", "2024-01-04"], a: [2, 4], b: [20, 40] });
  });
  it("cuts at the last trading day on or before the as-of date", () => {
    const s = { symbol: "A", dates: ["2024-01-02", "2024-01-03", "2024-01-05"], closes: [1, 2, 3] };
    expect(cutAsOf(s, "2024-01-04")).toEqual({ symbol: "A", dates: ["2024-01-02", "2024-01-03"], closes: [1, 2] });
    expect(cutAsOf(s, "2023-12-31").dates).toEqual([]);
    expect(cutAsOf(s, undefined)).toBe(s);
  });
  it("gives series that share a calendar one cut calendar, and their pairs with one benchmark the same dates", () => {
    const calendar = weekdays("2020-01-06", 300);
    const longer = weekdays("2019-06-03", 450);
    const funds = new Map([
      ["A", { symbol: "A", dates: calendar, closes: randomWalk(1, 300) }],
      ["B", { symbol: "B", dates: calendar, closes: randomWalk(2, 300) }],
      ["C", { symbol: "C", dates: [...calendar], closes: randomWalk(3, 300) }],
      ["SPY", { symbol: "SPY", dates: longer, closes: randomWalk(4, 450) }],
    ]);
    const known = pointInTime(funds, calendar[200]);
    expect(known.series("A").dates).toBe(known.series("B").dates);
    expect(known.series("C").dates).not.toBe(known.series("A").dates);
    expect(known.series("C").dates).toEqual(calendar.slice(0, 201));
    const [ab, bb, cb] = ["A", "B", "C"].map((symbol) => known.pair(symbol, "SPY"));
    expect(ab!.dates).toBe(bb!.dates);
    for (const [pair, symbol] of [[ab!, "A"], [bb!, "B"], [cb!, "C"]] as const) {
      expect(pair.dates).toEqual(calendar.slice(0, 201));
      const offset = longer.indexOf(calendar[0]!);
      expect(Array.from(pair.b)).toEqual(Array.from(funds.get("SPY")!.closes).slice(offset, offset + 201));
      expect(Array.from(pair.a)).toEqual(Array.from(funds.get(symbol)!.closes).slice(0, 201));
    }
  });
});

describe("surgeSeries", () => {
  it("is the difference of window returns on common dates", () => {
    const pair = { dates: ["d0", "d1", "d2", "d3"], a: [100, 110, 121, 121], b: [100, 100, 110, 99] };
    const s = surgeSeries(pair, 2);
    expect(s.values.length).toBe(2);
    expect([surgeDate(s, 0), surgeDate(s, 1)]).toEqual(["d2", "d3"]);
    expect(s.values[0]).toBeCloseTo(0.21 - 0.1, 15);
    expect(s.values[1]).toBeCloseTo(0.1 - -0.01, 15);
  });
  it("is empty when there are not enough days", () => {
    expect(surgeSeries({ dates: ["d0"], a: [1], b: [1] }, 1).values.length).toBe(0);
  });
});

describe("rankAt", () => {
  const values = [0.01, -0.02, 0.03, 0.01, -0.05, 0.02];
  it("gives the share of earlier values strictly below today's", () => {
    // Day 5 (0.02) against [0.01, -0.02, 0.03, 0.01, -0.05]: four below.
    expect(rankAt(values, 5, 1).percentile).toBeCloseTo(80, 12);
  });
  it("counts a tie as half below (mid-rank)", () => {
    // Day 3 (0.01) against [0.01, -0.02, 0.03]: -0.02 is below, 0.01 ties: (1 + 1/2) / 3.
    expect(rankAt(values, 3, 1).percentile).toBe(50);
    // ...and "largest since" counts a tie as at least as large.
    expect(rankAt(values, 3, 1).largestSinceIndex).toBe(2);
  });
  it("looks back for a value as low for a negative surge", () => {
    const r = rankAt(values, 4, 1);
    expect(r.percentile).toBe(0);
    expect(r.largestSinceIndex).toBe(-1);
    expect(rankAt([-0.06, 0.1, -0.01, -0.05], 3, 1).largestSinceIndex).toBe(0);
  });
  it("marks a record with -1 and the latest earlier equal-or-larger value otherwise", () => {
    expect(rankAt(values, 2, 1).largestSinceIndex).toBe(-1);
    expect(rankAt(values, 5, 1).largestSinceIndex).toBe(2);
  });
  it("gives no rank with too few earlier observations", () => {
    expect(rankAt(values, 5, 6)).toEqual({ percentile: null, zScore: null, largestSinceIndex: -1, observations: 5 });
  });
  it("computes z against the previous values with the sample deviation", () => {
    // Earlier [1, 2, 3]: mean 2, sample sd 1; today 5 -> z = 3.
    expect(rankAt([1, 2, 3, 5], 3, 1).zScore).toBeCloseTo(3, 12);
    expect(rankAt([1, 1, 1, 5], 3, 1).zScore).toBeNull();
  });
  it("uses only the last Z_LOOKBACK earlier values for z", () => {
    const long = [...new Array(100).fill(1000), ...Array.from({ length: Z_LOOKBACK }, (_, i) => (i % 2 === 0 ? 1 : -1)), 2];
    // The 1000s lie outside the lookback: mean 0, sd of alternating +-1 over an even count.
    const sd = Math.sqrt(Z_LOOKBACK / (Z_LOOKBACK - 1));
    expect(rankAt(long, long.length - 1, 1).zScore).toBeCloseTo(2 / sd, 10);
  });
});


describe("valueRanks", () => {
  /** The definition, by brute force: how many values are strictly smaller. */
  const naive = (values: number[]) => values.map((v) => values.filter((w) => w < v).length);

  it("counts the values strictly below each, ties sharing a rank", () => {
    expect([...valueRanks([0.3, -0.2, 0.3, 0, 5e-324, -5e-324, -7])]).toEqual([5, 1, 5, 3, 4, 2, 0]);
    expect([...valueRanks([])]).toEqual([]);
    expect([...valueRanks([2, 2, 2])]).toEqual([0, 0, 0]);
  });

  it("treats -0 and 0 as equal, as < does", () => {
    expect([...valueRanks([0, -0, -1, 1])]).toEqual([1, 1, 0, 3]);
  });

  it("agrees with the definition on any finite doubles", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 1, -1, 0.5)), { maxLength: 300 }), (values) => {
        expect([...valueRanks(values)]).toEqual(naive(values));
      }),
      { numRuns: 300 },
    );
  });
});

describe("rankSeries agrees with rankAt on every day", () => {
  for (const seed of [1, 2, 3]) {
    it(`random pair, seed ${seed}`, () => {
      const dates = weekdays("2000-01-03", 700);
      const surges = surgeSeries({ dates, a: randomWalk(seed, 700), b: randomWalk(seed + 100, 700) }, 5);
      // Rounding creates ties, which must be handled identically.
      const values = surges.values.map((v) => Math.round(v * 1000) / 1000);
      const all = rankSeries(values, 252);
      for (let t = 0; t < values.length; t++) {
        const one = rankAt(values, t, 252);
        // rankSeries marks "none" with NaN in its typed arrays, rankAt with null.
        expect(Number.isNaN(all.percentile[t]) ? null : all.percentile[t]).toBe(one.percentile);
        expect(all.largestSinceIndex[t]).toBe(one.largestSinceIndex);
        if (one.zScore === null) expect(all.zScore[t]).toBeNaN();
        else expect(all.zScore[t]).toBeCloseTo(one.zScore, 8);
      }
    });
  }
});

describe("rankSeries' z-scores", () => {
  it("are the running sums about the first value, over the previous Z_LOOKBACK days, to the last bit", () => {
    // Written out here as rankSeries defines them: sums of (value - first) over the lookback.
    const reference = (values: readonly number[], minObservations: number): number[] => {
      const shift = values[0] ?? 0;
      let sum = 0;
      let squares = 0;
      return values.map((today, t) => {
        let z = Number.NaN;
        const count = Math.min(t, Z_LOOKBACK);
        if (t >= minObservations && count >= 2) {
          const variance = (squares - (sum * sum) / count) / (count - 1);
          const deviation = variance > 0 ? Math.sqrt(variance) : 0;
          if (deviation > 0) z = (today - shift - sum / count) / deviation;
        }
        sum += today - shift;
        squares += (today - shift) * (today - shift);
        if (t >= Z_LOOKBACK) {
          sum -= values[t - Z_LOOKBACK]! - shift;
          squares -= (values[t - Z_LOOKBACK]! - shift) * (values[t - Z_LOOKBACK]! - shift);
        }
        return z;
      });
    };
    const value = fc.oneof(fc.double({ min: -0.3, max: 0.3, noNaN: true }), fc.constantFrom(0, -0, 0.01, -0.01));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 700 }), fc.integer({ min: 0, max: 300 }), (values, minObservations) => {
        const expected = reference(values, minObservations);
        const got = rankSeries(values, minObservations).zScore;
        for (let t = 0; t < values.length; t++) if (!Object.is(got[t], expected[t])) expect.fail(`day ${t}: ${got[t]} != ${expected[t]}`);
      }),
      { numRuns: 200 },
    );
  });
});

describe("working arrays", () => {
  it("rankSeries and surgeSeries give the same figures into a caller's longer, dirty arrays, and valueRanks is unchanged by runs in between", () => {
    const dirty = () => ({ percentile: new Float64Array(2000).fill(7), zScore: new Float64Array(2000).fill(-3), largestSinceIndex: new Int32Array(2000).fill(99) });
    const into = dirty();
    const surgesInto = new Float64Array(2000).fill(5);
    // Long, short, long: anything left over from a longer series must never show in a shorter one.
    for (const [seed, days] of [[1, 900], [2, 320], [3, 1500], [4, 40]] as const) {
      const pair = { dates: weekdays("2001-01-02", days), a: randomWalk(seed, days), b: randomWalk(seed + 50, days) };
      const fresh = surgeSeries(pair, 5);
      const viewed = surgeSeries(pair, 5, surgesInto);
      expect(Array.from(viewed.values)).toEqual(Array.from(fresh.values));
      const expected = rankSeries(fresh.values, 252);
      const got = rankSeries(viewed.values, 252, into);
      expect(got.percentile.length).toBe(fresh.values.length);
      expect(Array.from(got.percentile)).toEqual(Array.from(expected.percentile));
      expect(Array.from(got.zScore)).toEqual(Array.from(expected.zScore));
      expect(Array.from(got.largestSinceIndex)).toEqual(Array.from(expected.largestSinceIndex));
      const ranks = valueRanks(fresh.values);
      expect(Array.from(ranks)).toEqual(Array.from(fresh.values, (v) => fresh.values.filter((w) => w < v).length));
    }
  });
});

describe("ties ranked fairly", () => {
  it("a flat history reads 50 every day and raises no signal, in either orientation", () => {
    const flat = new Array(300).fill(0);
    expect(rankAt(flat, 299).percentile).toBe(50);
    const ranks = rankSeries(flat);
    expect(ranks.percentile.slice(252).every((p) => p === 50)).toBe(true);
  });
  it("rankAt and rankSeries agree on ties", () => {
    const tied = [0.01, 0, 0.01, -0.01, 0.01, 0, 0.02, 0.01];
    const series = rankSeries(tied, 1);
    for (let t = 1; t < tied.length; t++) expect(series.percentile[t]).toBe(rankAt(tied, t, 1).percentile);
    // Day 7 (0.01): below are 0, -0.01, 0 (3), equal are 0.01 x3: (3 + 1.5) / 7.
    expect(series.percentile[7]).toBe((100 * 4.5) / 7);
  });
});
