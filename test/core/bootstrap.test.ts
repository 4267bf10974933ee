import { quantileSorted } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { blockBootstrapMeans, clusterBounds, clusterDraws, clusterDrawsFast, percentileInterval, randomStream, seedOf, signShareDraws } from "../../src/core/bootstrap.js";
import { episodeReportOf, type EpisodeSummary } from "../../src/core/episodes.js";
import { pointInTime, type PriceSeries } from "../../src/core/series.js";
import { seededRandom, weekdays } from "../helpers/series.js";

describe("resampling primitives", () => {
  it("seeds are 32-bit FNV-1a (the published test vectors)", () => {
    expect(seedOf("") >>> 0).toBe(0x811c9dc5);
    expect(seedOf("a") >>> 0).toBe(0xe40c292c);
    expect(seedOf("foobar") >>> 0).toBe(0xbf9cf968);
  });

  it("episodes whose forward windows overlap are one cluster, chained", () => {
    // 0, 10, 70 and 100 are each fewer than 63 sessions after the one before: one cluster.
    expect(clusterBounds([0, 10, 70, 100, 300], 63)).toEqual([0, 4, 5]);
    expect(clusterBounds([0, 10, 70, 100, 300], 5)).toEqual([0, 1, 2, 3, 4, 5]);
    // Exactly the horizon apart: the windows share no day's return.
    expect(clusterBounds([0, 21, 42], 21)).toEqual([0, 1, 2, 3]);
    expect(clusterBounds([], 21)).toEqual([0]);
  });

  it("a cluster draw pools whole clusters: two one-value clusters give medians 1, 2, 3 a quarter, half and quarter of the time", () => {
    const { medians, sameSign } = clusterDraws([-1, 3], [0, 1, 2], 1, randomStream("two clusters"));
    const count = (v: number) => medians.filter((m) => m === v).length / medians.length;
    expect(new Set(medians)).toEqual(new Set([-1, 1, 3]));
    expect(count(-1)).toBeGreaterThan(0.2);
    expect(count(-1)).toBeLessThan(0.3);
    expect(count(1)).toBeGreaterThan(0.45);
    expect(count(1)).toBeLessThan(0.55);
    // The share of positive values in the pool: 0, 1/2 or 1, matching the median drawn.
    for (let b = 0; b < medians.length; b++) expect(sameSign[b]).toBe({ [-1]: 0, 1: 0.5, 3: 1 }[medians[b]!]);
  });

  it("one cluster: every draw is the whole sample, so every median is the sample's median", () => {
    const values = [0.03, -0.01, 0.02, 0.05, -0.04, 0.01];
    const { medians } = clusterDraws(values, [0, values.length], 1, randomStream("one"), 50);
    expect(new Set(medians)).toEqual(new Set([(0.01 + 0.02) / 2]));
  });

  it("the same stream gives the same draws; another stream other draws", () => {
    const values = Array.from({ length: 30 }, (_, i) => Math.sin(i));
    const bounds = clusterBounds(Array.from({ length: 30 }, (_, i) => i * 10), 5);
    expect(clusterDraws(values, bounds, 1, randomStream("s")).medians).toEqual(clusterDraws(values, bounds, 1, randomStream("s")).medians);
    expect(clusterDraws(values, bounds, 1, randomStream("t")).medians).not.toEqual(clusterDraws(values, bounds, 1, randomStream("s")).medians);
  });

  it("block bootstrap: one block as long as the series is the series; short blocks centre on its mean", () => {
    const random = seededRandom(5);
    const ups: number[] = Array.from({ length: 500 }, () => (random() < 0.3 ? 1 : 0));
    const downs = ups.map((u) => 1 - u);
    const mean = ups.reduce((a, b) => a + b, 0) / ups.length;
    const [whole, wholeDown] = blockBootstrapMeans(ups, downs, 500, randomStream("whole"), 20);
    for (let b = 0; b < 20; b++) {
      expect(whole[b]).toBeCloseTo(mean, 12);
      expect(wholeDown[b]).toBeCloseTo(1 - mean, 12);
    }
    const [draws, other] = blockBootstrapMeans(ups, downs, 10, randomStream("blocks"));
    const average = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(Math.abs(average - mean)).toBeLessThan(0.01);
    // Both series are laid with the same blocks: their means always add up to one.
    for (let b = 0; b < draws.length; b++) expect(draws[b]! + other[b]!).toBeCloseTo(1, 12);
    // The last block is cut short, so a draw holds exactly n days: means are multiples of 1/500.
    for (const d of draws) expect(Math.abs(d * 500 - Math.round(d * 500))).toBeLessThan(1e-9);
  });

  it("the WebAssembly kernels draw exactly what the readable definitions draw", () => {
    const random = seededRandom(77);
    for (const [n, horizon] of [[1, 5], [9, 5], [40, 21], [120, 63], [333, 5]] as const) {
      // Ties and both signs; starts spaced so that some clusters chain and some stand alone.
      const values = Array.from({ length: n }, () => Math.round((random() - 0.45) * 40) / 1000);
      const starts: number[] = [];
      for (let i = 0, at = 0; i < n; i++) starts.push((at += 1 + Math.floor(random() * 40)));
      const bounds = clusterBounds(starts, horizon);
      for (const sign of [1, -1]) {
        const seed = `kernel ${n} ${horizon} ${sign}`;
        const fast = clusterDrawsFast(values, bounds, sign, seed, 300);
        const readable = clusterDraws(values, bounds, sign, randomStream(seed), 300);
        expect(Array.from(fast.medians)).toEqual(Array.from(readable.medians));
        expect(Array.from(fast.sameSign)).toEqual(Array.from(readable.sameSign));
      }
    }
    for (const [n, block] of [[1, 63], [62, 63], [63, 63], [64, 63], [1000, 21], [6000, 63]] as const) {
      // Forward returns with some exact zeros, which count as neither above nor below.
      const values = Float64Array.from({ length: n }, () => (random() < 0.03 ? 0 : random() - 0.5));
      const { positive, negative } = signShareDraws(values, block, `blocks ${n}`, 200);
      const [up, down] = blockBootstrapMeans(Array.from(values, (v) => (v > 0 ? 1 : 0)), Array.from(values, (v) => (v < 0 ? 1 : 0)), block, randomStream(`blocks ${n}`), 200);
      expect(Array.from(positive)).toEqual(Array.from(up));
      expect(Array.from(negative)).toEqual(Array.from(down));
    }
  });

  it("percentile intervals are simple-statistics' R-7 quantiles of the draws", () => {
    const random = seededRandom(9);
    for (const n of [1, 2, 10, 999, 1000]) {
      const draws = Float64Array.from({ length: n }, () => Math.round(random() * 50) / 10);
      const sorted = [...draws].sort((a, b) => a - b);
      expect(percentileInterval(draws)).toEqual({ low: quantileSorted(sorted, 0.05), high: quantileSorted(sorted, 0.95) });
    }
  });
});

/** A pair of independent random walks: nothing that follows a surge depends on it. */
function independentPair(seed: number, days: number): Map<string, PriceSeries> {
  const random = seededRandom(seed);
  const dates = weekdays("2000-01-03", days);
  const walk = () => {
    const closes = [100];
    for (let i = 1; i < days; i++) {
      // Normal returns (Box-Muller), 1% a day.
      const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      closes.push(closes[i - 1]! * Math.exp(0.01 * z));
    }
    return closes;
  };
  return new Map([["A", { symbol: "A", dates, closes: walk() }], ["B", { symbol: "B", dates, closes: walk() }]]);
}

const SELECTION = { pairs: [{ symbol: "A", benchmark: "B" }], window: 5, threshold: 95, gap: 5 };

describe("the event study's intervals", () => {
  it("are the same on every run, and a pair's intervals do not move when another pair is added", () => {
    const prices = independentPair(1, 2500);
    const more = new Map([...prices, ["C", { ...independentPair(2, 2500).get("A")!, symbol: "C" }]]);
    const once = episodeReportOf(pointInTime(prices, undefined), SELECTION).summary;
    const again = episodeReportOf(pointInTime(prices, undefined), SELECTION).summary;
    const withC = episodeReportOf(pointInTime(more, undefined), { ...SELECTION, pairs: [{ symbol: "C", benchmark: "B" }, ...SELECTION.pairs] }).summary;
    expect(again).toEqual(once);
    expect(withC.filter((s) => s.pair === "A:B")).toEqual(once);
    expect(once.some((s) => s.edge.d21?.interval)).toBe(true);
  });

  it("say 'too few' with no interval under 8 clusters", () => {
    const summary = episodeReportOf(pointInTime(independentPair(3, 700), undefined), { ...SELECTION, threshold: 99 }).summary;
    const few = summary.filter((s) => s.clusters.d63 < 8 && s.edge.d63 !== null);
    expect(few.length).toBeGreaterThan(0);
    for (const s of few) {
      expect(s.edge.d63).toMatchObject({ interval: null, verdict: "too few" });
      expect(s.followThroughInterval.d63).toBeNull();
      expect(s.medianInterval.d63).toBeNull();
    }
  });

  it("cover a known zero edge about 90% of the time: 1,000 datasets of independent walks at the default threshold (the data's seed varies, not the bootstrap's)", () => {
    let covered = 0;
    let verdicts = 0;
    for (let seed = 1000; seed < 2000; seed++) {
      const summary: EpisodeSummary[] = episodeReportOf(pointInTime(independentPair(seed, 2500), undefined), { ...SELECTION, threshold: 99 }).summary;
      for (const s of summary) {
        for (const edge of [s.edge.d21, s.edge.d63]) {
          if (!edge?.interval) continue;
          verdicts++;
          if (edge.interval.low <= 0 && edge.interval.high >= 0) covered++;
        }
      }
    }
    // Two directions and two horizons a dataset, most with 8 clusters or more.
    expect(verdicts).toBeGreaterThan(3000);
    const coverage = covered / verdicts;
    expect(coverage).toBeGreaterThanOrEqual(0.86);
    expect(coverage).toBeLessThanOrEqual(0.94);
  });
});
