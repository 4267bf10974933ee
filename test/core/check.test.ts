import { describe, expect, it } from "vitest";
import { runCheck, signalFor } from "../../src/core/check.js";
import type { PriceSeries } from "../../src/core/series.js";
import { randomWalk, series, weekdays } from "../helpers/series.js";

const universe = { small: ["SML"], mid: [], large: ["BIG"], pairs: [{ symbol: "SML", benchmark: "BIG" }] };

function mapOf(...list: PriceSeries[]): Map<string, PriceSeries> {
  return new Map(list.map((s) => [s.symbol, s]));
}

describe("signalFor", () => {
  it("flags at or beyond the threshold in both directions", () => {
    expect(signalFor(99, 99)).toBe("small-surge");
    expect(signalFor(98.99, 99)).toBeNull();
    expect(signalFor(1, 99)).toBe("large-surge");
    expect(signalFor(1.01, 99)).toBeNull();
    expect(signalFor(null, 99)).toBeNull();
    expect(signalFor(95, 95)).toBe("small-surge");
  });
});

describe("runCheck on a hand-made pair", () => {
  // 300 days of calm alternation, then the small fund jumps 10% in five days.
  const dates = weekdays("2023-01-02", 306);
  const big = dates.map(() => 100);
  const small = dates.map((_, i) => (i < 300 ? 100 + (i % 2) : 100 + (i - 299) * 2.2));
  const data = mapOf(series("SML", dates, small), series("BIG", dates, big));

  it("ranks the last day as a record small-surge", () => {
    const result = runCheck(data, { universe, window: 5, threshold: 99 });
    const pair = result.pairs[0]!;
    expect(result.asOf).toBe(dates[305]);
    // Five days back (index 300) the small fund stood at 102.2; today at 113.2.
    expect(pair.surge.value).toBeCloseTo(113.2 / 102.2 - 1, 12);
    expect(pair.surge.percentile).toBe(100);
    expect(pair.surge.largestSince).toBeNull();
    expect(pair.surge.observations).toBe(300);
    expect(pair.surge.historyStart).toBe(dates[5]);
    expect(pair.signal).toBe("small-surge");
    expect(result.signals).toEqual([{ pair: "SML:BIG", signal: "small-surge", date: dates[305], value: pair.surge.value, percentile: 100 }]);
    expect(result.tickers.map((t) => [t.symbol, t.group])).toEqual([["SML", "small"], ["BIG", "large"]]);
  });

  it("with --as-of sees nothing after that date", () => {
    const result = runCheck(data, { universe, window: 5, threshold: 99, asOf: dates[299] });
    expect(result.asOf).toBe(dates[299]);
    expect(result.pairs[0]!.signal).toBeNull();
    expect(result.tickers[0]!.close).toBe(small[299]);
  });

  it("gives no rank and a warning with fewer than 252 earlier surges", () => {
    const short = mapOf(series("SML", dates.slice(0, 100), small.slice(0, 100)), series("BIG", dates.slice(0, 100), big.slice(0, 100)));
    const result = runCheck(short, { universe, window: 5, threshold: 99 });
    expect(result.pairs[0]!.surge.percentile).toBeNull();
    expect(result.pairs[0]!.surge.value).not.toBeNull();
    expect(result.pairs[0]!.signal).toBeNull();
    expect(result.warnings.join("\n")).toMatch(/SML:BIG: only 94 earlier 5-day surges \(need 252\)/);
  });

  it("flags a large-surge when the benchmark runs away", () => {
    const falling = dates.map((_, i) => (i < 300 ? 100 + (i % 2) : 100 - (i - 299) * 2));
    const result = runCheck(mapOf(series("SML", dates, falling), series("BIG", dates, big)), { universe, window: 5, threshold: 99 });
    const pair = result.pairs[0]!;
    expect(pair.signal).toBe("large-surge");
    // The day before fell further (90/101 against 88/98): one earlier value is lower.
    expect(pair.surge.value).toBeCloseTo(88 / 98 - 1, 12);
    expect(pair.surge.percentile).toBeCloseTo(100 / 300, 12);
    expect(pair.surge.largestSince).toBe(dates[304]);
  });
});

describe("runCheck on common dates", () => {
  it("computes pair figures only on the dates both funds traded", () => {
    const dates = weekdays("2024-01-01", 8);
    const a = series("SML", dates, [100, 101, 102, 103, 104, 105, 106, 107]);
    // BIG misses the second day: the pair's five-day window reaches one day further back.
    const b = series("BIG", [dates[0]!, ...dates.slice(2)], [50, 50, 50, 50, 50, 50, 55]);
    const result = runCheck(mapOf(a, b), { universe, window: 5, threshold: 99 });
    const pair = result.pairs[0]!;
    expect(pair.date).toBe(dates[7]);
    expect(pair.surge.value).toBeCloseTo(107 / 102 - 1 - 0.1, 12);
    expect(pair.relative.d5).toBeCloseTo(pair.surge.value!, 15);
    // The ticker's own five-day return uses its own dates.
    expect(result.tickers[0]!.returns.d5).toBeCloseTo(107 / 102 - 1, 12);
  });

  it("warns about a ticker whose prices stop well before the as-of date", () => {
    const dates = weekdays("2024-01-01", 30);
    const result = runCheck(mapOf(series("SML", dates.slice(0, 20), randomWalk(1, 20)), series("BIG", dates, randomWalk(2, 30))), { universe, window: 5, threshold: 99 });
    expect(result.warnings.join("\n")).toMatch(/SML: last price is from 2024-01-26, 14 days before 2024-02-09/);
  });
});

describe("point in time", () => {
  it("appending later data never changes a figure computed as of an earlier date", () => {
    const dates = weekdays("2020-01-01", 900);
    const a = randomWalk(7, 900);
    const b = randomWalk(8, 900);
    const asOf = dates[600]!;
    const before = runCheck(mapOf(series("SML", dates.slice(0, 601), a.slice(0, 601)), series("BIG", dates.slice(0, 601), b.slice(0, 601))), { universe, window: 5, threshold: 99, asOf });
    const after = runCheck(mapOf(series("SML", dates, a), series("BIG", dates, b)), { universe, window: 5, threshold: 99, asOf });
    expect(after).toEqual(before);
  });
});

describe("two funds with identical returns", () => {
  it("raise no signal in either orientation, and no episode (ties are mid-ranked)", async () => {
    const { findEpisodes } = await import("../../src/core/episodes.js");
    const dates = weekdays("2020-01-06", 700);
    const a = series("AAA", dates, randomWalk(11, 700));
    const b: PriceSeries = { symbol: "BBB", dates, closes: a.closes.map((c) => c * 2) };
    const both = { small: ["AAA"], mid: [], large: ["BBB"], pairs: [{ symbol: "AAA", benchmark: "BBB" }, { symbol: "BBB", benchmark: "AAA" }] };
    const result = runCheck(mapOf(a, b), { universe: both, window: 5, threshold: 99 });
    expect(result.pairs.map((p) => p.surge.percentile)).toEqual([50, 50]);
    expect(result.signals).toEqual([]);
    expect(findEpisodes("AAA:BBB", { dates, a: a.closes, b: b.closes }, { window: 5, threshold: 99, gap: 5 })).toEqual([]);
    expect(findEpisodes("BBB:AAA", { dates, a: b.closes, b: a.closes }, { window: 5, threshold: 99, gap: 5 })).toEqual([]);
  });
});
