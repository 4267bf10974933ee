import { describe, expect, it } from "vitest";
import { findEpisodes, summarizeEpisodes, type Episode } from "../../src/core/episodes.js";
import { randomWalk, weekdays } from "../helpers/series.js";

/** Closes that produce exactly the given one-day returns against a flat benchmark. */
function pairFromReturns(returns: number[]) {
  const a = [100];
  for (const r of returns) a.push(a[a.length - 1]! * (1 + r));
  const dates = weekdays("2024-01-01", a.length);
  return { dates, a, b: a.map(() => 50) };
}

// Surges (window 1) s0..s15; ranks need 5 earlier values.
const returns = [0.01, -0.01, 0.01, -0.01, 0.01, 0.05, 0, 0.06, 0, 0, 0, 0, -0.08, 0, 0, 0];
const pair = pairFromReturns(returns);
const surgeDate = (i: number) => pair.dates[i + 1]!;
const options = { window: 1, threshold: 90, gap: 2, minObservations: 5 };

describe("findEpisodes", () => {
  it("merges flagged days within the gap and finds each direction", () => {
    const episodes = findEpisodes("A:B", pair, options);
    expect(episodes).toHaveLength(2);
    const [up, down] = episodes as [Episode, Episode];
    expect(up).toMatchObject({ pair: "A:B", direction: "small-surge", start: surgeDate(5), peakDate: surgeDate(7), end: surgeDate(7), length: 3, flaggedDays: 2, peakPercentile: 100, open: false });
    expect(up.peakSurge).toBeCloseTo(0.06, 12);
    // From the close of the first flagged day (s5): flat, +6%, three flat days.
    expect(up.forward.d5).toBeCloseTo(0.06, 12);
    // From the peak (s7), hindsight: four flat days, then -8%.
    expect(up.forwardFromPeak.d5).toBeCloseTo(-0.08, 12);
    expect(up.forward.d21).toBeNull();
    expect(up.forward.d63).toBeNull();
    // The peak (s7) was ranked against s0..s6: seven earlier surges.
    expect(up).toMatchObject({ observations: 7, rankedFrom: surgeDate(0), rankedTo: surgeDate(6) });
    expect(down).toMatchObject({ direction: "large-surge", start: surgeDate(12), peakDate: surgeDate(12), end: surgeDate(12), length: 1, peakPercentile: 0, open: false });
    // Only three days follow the last peak: the future is not known yet.
    expect(down.forward).toEqual({ d5: null, d21: null, d63: null });
  });

  it("splits flagged days farther apart than the gap", () => {
    const episodes = findEpisodes("A:B", pair, { ...options, gap: 1 });
    expect(episodes.map((e) => [e.direction, e.start, e.end])).toEqual([
      ["small-surge", surgeDate(5), surgeDate(5)],
      ["small-surge", surgeDate(7), surgeDate(7)],
      ["large-surge", surgeDate(12), surgeDate(12)],
    ]);
  });

  it("marks an episode open while a later day could still extend it", () => {
    const short = pairFromReturns(returns.slice(0, 14));
    const episodes = findEpisodes("A:B", short, options);
    expect(episodes.at(-1)).toMatchObject({ direction: "large-surge", open: true });
    expect(episodes[0]!.open).toBe(false);
  });

  it("is open only while the next trading day could still join it", () => {
    // Last flagged surge s12, gap 2: with data to s13 the next day (s14) is 2 days on: open.
    expect(findEpisodes("A:B", pairFromReturns(returns.slice(0, 14)), options).at(-1)!.open).toBe(true);
    // With data to s14 the next day (s15) would be 3 days on: it can no longer join.
    expect(findEpisodes("A:B", pairFromReturns(returns.slice(0, 15)), options).at(-1)!.open).toBe(false);
  });

  it("is over once an episode of the other direction has started, even within the gap", () => {
    // s5 +5% (flagged small), s6 -8% (flagged large) the next day: the data ends there.
    const reversal = pairFromReturns([0.01, -0.01, 0.01, -0.01, 0.01, 0.05, -0.08]);
    const episodes = findEpisodes("A:B", reversal, options);
    expect(episodes.map((e) => [e.direction, e.open])).toEqual([
      ["small-surge", false],
      ["large-surge", true],
    ]);
  });

  it("opens no episode before the pair has enough history", () => {
    expect(findEpisodes("A:B", pair, { ...options, minObservations: 13 })).toEqual([]);
  });

  it("never changes an ended episode when later data arrives", () => {
    const dates = weekdays("2001-01-01", 1600);
    const a = randomWalk(41, 1600, 100, 0.02);
    const b = randomWalk(42, 1600, 100, 0.01);
    const full = findEpisodes("A:B", { dates, a, b }, { window: 5, threshold: 97, gap: 5 });
    for (const cut of [500, 800, 1200]) {
      const early = findEpisodes("A:B", { dates: dates.slice(0, cut), a: a.slice(0, cut), b: b.slice(0, cut) }, { window: 5, threshold: 97, gap: 5 });
      expect(early.length).toBeGreaterThan(0);
      for (const episode of early) {
        const later = full.find((e) => e.start === episode.start && e.direction === episode.direction)!;
        expect(later).toBeDefined();
        if (episode.open) {
          expect(later.end >= episode.end).toBe(true);
          continue;
        }
        const { forward, forwardFromPeak, open, ...identity } = episode;
        const { forward: laterForward, forwardFromPeak: laterFromPeak, open: laterOpen, ...laterIdentity } = later;
        expect(laterIdentity).toEqual(identity);
        expect(laterOpen).toBe(false);
        for (const key of ["d5", "d21", "d63"] as const) {
          if (forward[key] !== null) expect(laterForward[key]).toBe(forward[key]);
          if (forwardFromPeak[key] !== null) expect(laterFromPeak[key]).toBe(forwardFromPeak[key]);
        }
        void open;
      }
    }
  });
});

describe("findEpisodes, pair after pair", () => {
  it("finds the same episodes for a pair whatever pairs were looked at before it (working arrays are reused)", () => {
    const pairOf = (seed: number, days: number) => ({ dates: weekdays("2000-01-03", days), a: randomWalk(seed, days), b: randomWalk(seed + 1, days) });
    const long = pairOf(11, 2600);
    const short = pairOf(12, 700);
    const options = { window: 5, threshold: 90, gap: 3 };
    const longFirst = findEpisodes("L:B", long, options);
    const shortAfterLong = findEpisodes("S:B", short, options);
    const longAgain = findEpisodes("L:B", long, options);
    const shortAgain = findEpisodes("S:B", short, options);
    expect(longFirst.length).toBeGreaterThan(0);
    expect(shortAfterLong.length).toBeGreaterThan(0);
    expect(longAgain).toEqual(longFirst);
    expect(shortAgain).toEqual(shortAfterLong);
  });
});

describe("summarizeEpisodes", () => {
  const base = { pair: "A:B", start: "x", peakDate: "x", end: "x", length: 1, flaggedDays: 1, peakSurge: 0.05, peakPercentile: 100, peakZScore: 3, observations: 300, rankedFrom: "w", rankedTo: "x", forwardFromPeak: { d5: null, d21: null, d63: null }, open: false };
  it("gives median, mean and follow-through per pair and direction", () => {
    const list: Episode[] = [
      { ...base, direction: "small-surge", forward: { d5: 0.01, d21: 0.02, d63: -0.03 } },
      { ...base, direction: "small-surge", forward: { d5: 0.03, d21: -0.04, d63: 0.05 } },
      { ...base, direction: "small-surge", forward: { d5: -0.02, d21: 0.06, d63: null } },
      { ...base, direction: "large-surge", peakSurge: -0.05, forward: { d5: -0.01, d21: -0.02, d63: 0.01 } },
    ];
    const [small, large] = summarizeEpisodes(list);
    expect(small!.episodes).toBe(3);
    expect(small!.median.d5).toBeCloseTo(0.01, 15);
    expect(small!.mean.d21).toBeCloseTo(0.04 / 3, 15);
    expect(small!.median.d63).toBeCloseTo(0.01, 15);
    expect(small!.followThrough).toEqual({ d21: 2 / 3, d63: 0.5 });
    // A large-surge follows through when the relative return stays negative.
    expect(large).toMatchObject({ direction: "large-surge", episodes: 1, followThrough: { d21: 1, d63: 0 } });
  });
  it("reports null where no forward return is known yet", () => {
    const [only] = summarizeEpisodes([{ ...base, direction: "small-surge", forward: { d5: null, d21: null, d63: null } }]);
    expect(only!.median).toEqual({ d5: null, d21: null, d63: null });
    expect(only!.followThrough).toEqual({ d21: null, d63: null });
  });
});

describe("base rates", () => {
  it("forward returns of every base day (ranked, not flagged), at each horizon where known", async () => {
    const { forwardReturnsOfBaseDays, DAY_BASE, DAY_FLAGGED } = await import("../../src/core/episodes.js");
    const walk = { dates: weekdays("2020-01-06", 100), a: randomWalk(3, 100), b: randomWalk(4, 100) };
    // Surges 0..4 unranked, the rest base days, except surge 7, flagged.
    const states = Uint8Array.from({ length: 99 }, (_, t) => (t < 5 ? 0 : t === 7 ? DAY_FLAGGED : DAY_BASE));
    const forward = forwardReturnsOfBaseDays(walk, 1, states);
    // Surge t (from 5) sits at aligned t + 1; the 5-day forward needs t + 1 + 5 <= 99.
    const at = (t: number) => walk.a[t + 6]! / walk.a[t + 1]! - 1 - (walk.b[t + 6]! / walk.b[t + 1]! - 1);
    expect(forward.d5.length).toBe(99 - 1 - 5 - 5 + 1 - 1);
    expect(forward.d5[0]).toBeCloseTo(at(5), 12);
    // Surge 7 is skipped: the third value is surge 8's.
    expect(forward.d5[2]).toBeCloseTo(at(8), 12);
    expect(forward.d63.length).toBe(99 - 1 - 63 - 5 + 1 - 1);
  });

  it("base-rate medians are the middle of the sorted values (the mean of the two middle ones for an even count), ties included", async () => {
    const { baselineStats } = await import("../../src/core/episodes.js");
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (const n of [1, 2, 3, 4, 5, 600, 601, 1500, 1501, 5000]) {
      // Rounded to make ties; the arrays are left as they were given.
      const values = Float64Array.from({ length: n }, () => Math.round((random() - 0.5) * 200) / 1000);
      const given = Array.from(values);
      const sorted = [...given].sort((x, y) => x - y);
      const middle = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
      const stats = baselineStats({ d5: values, d21: values, d63: values });
      expect(stats.median.d5).toBe(middle);
      expect(stats.median.d63).toBe(middle);
      expect(Array.from(values)).toEqual(given);
    }
  });

  it("the summary gives each figure beside its baseline, and the episodes' 10th and 90th percentiles", async () => {
    const { baselineStats, summarizeEpisodes } = await import("../../src/core/episodes.js");
    const episode = (d21: number): Episode => ({
      pair: "A:B", direction: "small-surge", start: "s", peakDate: "p", peakSurge: 0.1, end: "e", length: 1, flaggedDays: 1, peakPercentile: 100, peakZScore: 3, observations: 300, rankedFrom: "r", rankedTo: "s", forward: { d5: d21, d21, d63: null }, forwardFromPeak: { d5: null, d21: null, d63: null }, open: false,
    });
    const forward = { d5: Float64Array.from([0.01, -0.02, 0.03, 0.04]), d21: Float64Array.from([0.01, -0.02, 0.03]), d63: Float64Array.from([]) };
    const [summary] = summarizeEpisodes([episode(-0.1), episode(0.2), episode(0.05)], new Map([["A:B", { baseline: baselineStats(forward) }]]));
    expect(summary!.baseline).toEqual({
      days: 4,
      median: { d5: expect.closeTo(0.02, 12), d21: 0.01, d63: null },
      mean: { d5: expect.closeTo(0.015, 12), d21: expect.closeTo(0.02 / 3, 12), d63: null },
      sameSign: { d5: 0.75, d21: 2 / 3, d63: null },
    });
    expect(summary!.followThrough.d21).toBeCloseTo(2 / 3, 12);
    // Linear interpolation between order statistics: sorted -0.1, 0.05, 0.2.
    expect(summary!.p10.d21).toBeCloseTo(-0.1 + 0.2 * 0.15, 12);
    expect(summary!.p90.d21).toBeCloseTo(0.05 + 0.8 * 0.15, 12);
    expect(summary!.p10.d63).toBeNull();
  });
});
