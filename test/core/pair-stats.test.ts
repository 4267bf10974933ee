import { describe, expect, it } from "vitest";
import { rankedSurge, runCheck } from "../../src/core/check.js";
import { ratioExtremesOf, streakOf } from "../../src/core/pair-stats.js";
import { returnSeries } from "../../src/core/surge.js";
import { weekdays } from "../helpers/series.js";

/** A against a flat B, from A's 1-day returns (0 is a tie with B). */
function pairOf(returns: number[]) {
  const a = [100];
  for (const r of returns) a.push(a.at(-1)! * (1 + r));
  return { dates: weekdays("2024-01-01", a.length), a, b: a.map(() => 50) };
}
const names = { symbol: "A", benchmark: "B" };

describe("streakOf", () => {
  it("counts the sessions the same fund led, up to the last one", () => {
    const pair = pairOf([0.01, -0.01, 0.02, 0.01, 0.03]);
    expect(streakOf(pair, names)).toEqual({ leader: "A", sessions: 3, longestSince: null });
  });
  it("a day of equal returns ends a streak: none runs on the last day", () => {
    expect(streakOf(pairOf([0.01, 0.01, 0]), names)).toEqual({ leader: null, sessions: 0, longestSince: null });
    // ...and a streak after a tie starts again at one.
    expect(streakOf(pairOf([0.01, 0.01, 0, 0.01]), names)).toEqual({ leader: "A", sessions: 1, longestSince: pairOf([0.01, 0.01, 0, 0.01]).dates[2] });
  });
  it("names the latest earlier streak of the same leader at least as long", () => {
    // A x3 (ends d3), B x1, A x2 (ends d6), B x1, A x2 (now): the last at least as long ended d6.
    const pair = pairOf([0.01, 0.01, 0.01, -0.01, 0.01, 0.01, -0.01, 0.01, 0.01]);
    expect(streakOf(pair, names)).toEqual({ leader: "A", sessions: 2, longestSince: pair.dates[6] });
    // B leading for 2 (now): no earlier B streak that long: a record.
    const b = pairOf([0.01, 0.01, -0.01, -0.01]);
    expect(streakOf(b, names)).toEqual({ leader: "B", sessions: 2, longestSince: null });
  });
  it("a record streak has no date", () => {
    const pair = pairOf([0.01, -0.01, 0.01, 0.01, 0.01, 0.01]);
    expect(streakOf(pair, names).longestSince).toBeNull();
    expect(streakOf(pair, names).sessions).toBe(4);
  });
});

describe("ratioExtremesOf", () => {
  it("at the peak itself the distance from the peak is 0", () => {
    const ratio = ratioExtremesOf(pairOf([0.01, -0.02, 0.05]))!;
    expect(ratio.fromPeak).toBe(0);
    expect(ratio.peakDate).toBe(pairOf([0.01, -0.02, 0.05]).dates[3]);
    expect(ratio.value).toBe(ratio.peak);
  });
  it("measures the distance from the peak and the trough as fractions", () => {
    const pair = { dates: ["d0", "d1", "d2", "d3"], a: [100, 150, 50, 75], b: [50, 50, 50, 50] };
    expect(ratioExtremesOf(pair)).toEqual({ value: 1.5, peak: 3, peakDate: "d1", fromPeak: -0.5, trough: 1, troughDate: "d2", fromTrough: 0.5 });
  });
  it("no common date, no ratio", () => {
    expect(ratioExtremesOf({ dates: [], a: [], b: [] })).toBeNull();
  });
});

describe("a fund's own move", () => {
  it("is ranked like a pair's surge, with the value on the largest-since date", () => {
    const closes = [100, 110, 99, 108.9, 130.68];
    const moves = returnSeries(["d0", "d1", "d2", "d3", "d4"], closes, 1);
    expect([...moves.values].map((v) => Number(v.toFixed(10)))).toEqual([0.1, -0.1, 0.1, 0.2]);
    const ranked = { ...rankedSurge(moves) };
    // Too short for a rank (252 needed): value only.
    expect(ranked).toMatchObject({ value: expect.closeTo(0.2, 12), percentile: null, largestSince: null, largestSinceValue: null, observations: 3, historyStart: "d1" });
  });
  it("a short history is named in a warning, not ranked", () => {
    const dates = weekdays("2024-01-01", 30);
    const series = (symbol: string) => ({ symbol, dates, closes: dates.map((_, i) => 100 + i) });
    const result = runCheck(new Map([["A", series("A")], ["B", series("B")]]), { universe: { small: ["A"], mid: [], large: ["B"], pairs: [{ symbol: "A", benchmark: "B" }] }, window: 5, threshold: 99 });
    expect(result.tickers[0]!.surge.percentile).toBeNull();
    expect(result.warnings).toContain("A: only 24 earlier 5-day returns (need 252); its own move is not ranked");
  });
});
