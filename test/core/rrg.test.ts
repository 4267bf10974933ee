import { describe, expect, it } from "vitest";
import { weekdays } from "../helpers/series.js";
import { lastWeeklyIndices, quadrantOf, rrgSeries, travel, weeklyIndices } from "../../src/core/rrg.js";

describe("quadrantOf", () => {
  it("puts the boundaries where the README says", () => {
    expect(quadrantOf(100, 100)).toBe("Leading");
    expect(quadrantOf(100, 99.999)).toBe("Weakening");
    expect(quadrantOf(99.999, 99.999)).toBe("Lagging");
    expect(quadrantOf(99.999, 100)).toBe("Improving");
  });
});

describe("weeklyIndices", () => {
  it("keeps the last trading day of each Monday-to-Sunday week", () => {
    const dates = ["2024-07-08", "2024-07-09", "2024-07-12", "2024-07-15", "2024-07-19", "2024-07-22"];
    expect(weeklyIndices(dates)).toEqual([2, 4, 5]);
  });

  it("gives the last weeks' picks walking back, across a year end and a skipped week", () => {
    // Weeks: Mon 2024-12-23..Fri 12-27, Mon 12-30..Thu 2025-01-02 (one week across the new year),
    // none in the week of 01-06, then Tue 01-14 alone.
    const dates = ["2024-12-23", "2024-12-27", "2024-12-30", "2024-12-31", "2025-01-02", "2025-01-14"];
    expect(lastWeeklyIndices(dates, 2)).toEqual([4, 5]);
    expect(lastWeeklyIndices(dates, 3)).toEqual([1, 4, 5]);
    expect(lastWeeklyIndices(dates, 10)).toEqual([1, 4, 5]);
    expect(lastWeeklyIndices(dates.slice(0, 1), 1)).toEqual([0]);
    expect(lastWeeklyIndices([], 3)).toEqual([]);
  });
  it("gives the same picks on every call for one calendar, whatever a caller did to an earlier answer", () => {
    const dates = weekdays("2020-01-06", 400);
    const first = lastWeeklyIndices(dates, 20);
    expect(first).toEqual(weeklyIndices([...dates]).slice(-20));
    first.reverse();
    expect(lastWeeklyIndices(dates, 20)).toEqual(weeklyIndices([...dates]).slice(-20));
    expect(lastWeeklyIndices(dates, 5)).toEqual(weeklyIndices([...dates]).slice(-5));
  });
});

describe("rrgSeries", () => {
  it("computes RS-Ratio and RS-Momentum from rolling z-scores", () => {
    // Benchmark flat at 100, so rs = the fund's close.
    const closes = [100, 101, 103, 102, 104];
    const pair = { dates: ["d0", "d1", "d2", "d3", "d4"], a: closes, b: closes.map(() => 100) };
    const points = rrgSeries(pair, { period: "daily", ratioWindow: 3, momentumWindow: 2, rocPeriods: 1, smoothing: null });
    const z = (xs: number[]) => {
      const m = xs.reduce((s, x) => s + x, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
      return (xs[xs.length - 1]! - m) / sd;
    };
    const ratio = [2, 3, 4].map((t) => 100 + z(closes.slice(t - 2, t + 1)));
    const roc = [1, 2].map((i) => 100 * (ratio[i]! / ratio[i - 1]! - 1));
    // Momentum needs two rates of change, so the first point is on d4.
    expect(points).toHaveLength(1);
    expect(points[0]!.date).toBe("d4");
    expect(points[0]!.ratio).toBeCloseTo(ratio[2]!, 12);
    expect(points[0]!.momentum).toBeCloseTo(100 + z(roc), 12);
    expect(points[0]!.quadrant).toBe(quadrantOf(points[0]!.ratio, points[0]!.momentum));
  });
  it("smooths rs into the ratio of its short to its long simple average before the z-score", () => {
    const closes = [100, 102, 101, 105, 104, 108, 107, 111];
    const pair = { dates: closes.map((_, i) => `d${i}`), a: closes, b: closes.map(() => 100) };
    const points = rrgSeries(pair, { period: "daily", ratioWindow: 3, momentumWindow: 2, rocPeriods: 1, smoothing: { short: 2, long: 4 } });
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const z = (xs: number[]) => (xs[xs.length - 1]! - mean(xs)) / Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
    // trend_t = 100 * mean(last 2) / mean(last 4), defined from d3.
    const trend = [3, 4, 5, 6, 7].map((t) => (100 * mean(closes.slice(t - 1, t + 1))) / mean(closes.slice(t - 3, t + 1)));
    const ratio = [2, 3, 4].map((i) => 100 + z(trend.slice(i - 2, i + 1)));
    const roc = [1, 2].map((i) => 100 * (ratio[i]! / ratio[i - 1]! - 1));
    expect(points.map((p) => p.date)).toEqual(["d7"]);
    expect(points[0]!.ratio).toBeCloseTo(ratio[2]!, 12);
    expect(points[0]!.momentum).toBeCloseTo(100 + z(roc), 12);
  });
  it("describes the path of travel, each quadrant once per stay", () => {
    const p = (quadrant: "Leading" | "Improving" | "Lagging" | "Weakening") => ({ date: "d", ratio: 100, momentum: 100, quadrant });
    expect(travel([p("Improving"), p("Improving"), p("Leading")])).toBe("Improving → Leading");
    expect(travel([p("Leading")])).toBe("Leading");
    // A loop is shown as a loop (first → last alone said "Lagging").
    expect(travel(["Lagging", "Improving", "Leading", "Leading", "Leading", "Leading", "Lagging", "Lagging"].map((q) => p(q as "Lagging" | "Improving" | "Leading")))).toBe("Lagging → Improving → Leading → Lagging");
    expect(travel([])).toBeNull();
  });
});

describe("latestRrgPoint", () => {
  it("equals the last point of the full series", async () => {
    const { latestRrgPoint } = await import("../../src/core/rrg.js");
    const { randomWalk, weekdays } = await import("../helpers/series.js");
    const dates = weekdays("2010-01-04", 900);
    const pair = { dates, a: randomWalk(5, 900), b: randomWalk(6, 900) };
    for (const options of [
      { period: "weekly" as const, ratioWindow: 14, momentumWindow: 14, rocPeriods: 1, smoothing: null },
      { period: "daily" as const, ratioWindow: 10, momentumWindow: 5, rocPeriods: 3, smoothing: null },
      { period: "weekly" as const, ratioWindow: 52, momentumWindow: 52, rocPeriods: 5, smoothing: { short: 5, long: 26 } },
      { period: "daily" as const, ratioWindow: 20, momentumWindow: 10, rocPeriods: 2, smoothing: { short: 3, long: 12 } },
    ]) {
      expect(latestRrgPoint(pair, options)).toEqual(rrgSeries(pair, options).at(-1));
      // Histories around the shortest that yield a point: none, then exactly the one.
      for (let days = 0; days <= 900; days += days < 100 ? 7 : 31) {
        const short = { dates: dates.slice(0, days), a: pair.a.slice(0, days), b: pair.b.slice(0, days) };
        expect(latestRrgPoint(short, options)).toEqual(rrgSeries(short, options).at(-1) ?? null);
      }
    }
  });
});

describe("the default RRG on the real history (fixtures: 18 funds against SPY)", () => {
  it("tails read smoothly: quadrant changes on at most 20% of weekly steps, immediate reversals at most 3%", async () => {
    const { DEFAULT_RRG, UNSMOOTHED_RRG } = await import("../../src/core/rrg.js");
    const { readFixtureCloses } = await import("../helpers/paths.js");
    const { readdirSync } = await import("node:fs");
    const { FIXTURE_PRICES } = await import("../helpers/paths.js");
    const spy = readFixtureCloses("SPY");
    const measure = (options: typeof DEFAULT_RRG) => {
      let steps = 0;
      let changes = 0;
      let reversals = 0;
      for (const file of readdirSync(FIXTURE_PRICES).filter((f) => f.endsWith(".csv.gz") && f !== "SPY.csv.gz")) {
        const fund = readFixtureCloses(file.replace(".csv.gz", ""));
        const dates = [...fund.keys()].filter((d) => spy.has(d)).sort();
        const q = rrgSeries({ dates, a: dates.map((d) => fund.get(d)!), b: dates.map((d) => spy.get(d)!) }, options).map((p) => p.quadrant);
        for (let t = 1; t < q.length; t++) {
          steps++;
          if (q[t] !== q[t - 1]) {
            changes++;
            if (t >= 2 && q[t] === q[t - 2]) reversals++;
          }
        }
      }
      return { changes: changes / steps, reversals: reversals / steps, steps };
    };
    const smooth = measure(DEFAULT_RRG);
    expect(smooth.steps).toBeGreaterThan(18 * 1000);
    expect(smooth.changes).toBeLessThanOrEqual(0.2);
    expect(smooth.reversals).toBeLessThanOrEqual(0.03);
    // The measure can fail: the unsmoothed form zig-zags.
    const jumpy = measure(UNSMOOTHED_RRG);
    expect(jumpy.changes).toBeGreaterThan(0.5);
    expect(jumpy.reversals).toBeGreaterThan(0.15);
  });

  it("July 2024 reads true: IWM against SPY Lagging in the week of 2024-06-28, Improving or Leading in the week of 2024-07-19", async () => {
    const { DEFAULT_RRG } = await import("../../src/core/rrg.js");
    const { readFixtureCloses } = await import("../helpers/paths.js");
    const iwm = readFixtureCloses("IWM");
    const spy = readFixtureCloses("SPY");
    const dates = [...iwm.keys()].filter((d) => spy.has(d) && d <= "2024-07-19").sort();
    const points = rrgSeries({ dates, a: dates.map((d) => iwm.get(d)!), b: dates.map((d) => spy.get(d)!) }, DEFAULT_RRG);
    const week = (day: string) => points.find((p) => p.date === day)!;
    expect(week("2024-06-28").quadrant).toBe("Lagging");
    expect(["Improving", "Leading"]).toContain(week("2024-07-19").quadrant);
  });
});
