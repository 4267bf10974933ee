import { describe, expect, it } from "vitest";
import { quadrantOf, rrgSeries, travel, weeklyIndices } from "../../src/core/rrg.js";

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
});

describe("rrgSeries", () => {
  it("computes RS-Ratio and RS-Momentum from rolling z-scores", () => {
    // Benchmark flat at 100, so rs = the fund's close.
    const closes = [100, 101, 103, 102, 104];
    const pair = { dates: ["d0", "d1", "d2", "d3", "d4"], a: closes, b: closes.map(() => 100) };
    const points = rrgSeries(pair, { period: "daily", ratioWindow: 3, momentumWindow: 2, rocPeriods: 1 });
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
  it("describes the direction of travel", () => {
    const p = (quadrant: "Leading" | "Improving") => ({ date: "d", ratio: 100, momentum: 100, quadrant });
    expect(travel([p("Improving"), p("Improving"), p("Leading")])).toBe("Improving → Leading");
    expect(travel([p("Leading")])).toBe("Leading");
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
      { period: "weekly" as const, ratioWindow: 14, momentumWindow: 14, rocPeriods: 1 },
      { period: "daily" as const, ratioWindow: 10, momentumWindow: 5, rocPeriods: 3 },
    ]) {
      expect(latestRrgPoint(pair, options)).toEqual(rrgSeries(pair, options).at(-1));
    }
  });
});
