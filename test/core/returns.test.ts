import { describe, expect, it } from "vitest";
import { previousYearEndIndex, relativeReturns, returnsAt, windowReturn, ytdReturn } from "../../src/core/returns.js";

describe("windowReturn", () => {
  const closes = [100, 110, 99, 121];
  it("is the simple return over n rows", () => {
    expect(windowReturn(closes, 1, 1)).toBeCloseTo(0.1, 15);
    expect(windowReturn(closes, 3, 2)).toBeCloseTo(0.1, 15);
    expect(windowReturn(closes, 3, 3)).toBeCloseTo(0.21, 15);
  });
  it("is null when the window reaches before the first close", () => {
    expect(windowReturn(closes, 2, 3)).toBeNull();
    expect(windowReturn(closes, 0, 1)).toBeNull();
  });
});

describe("year to date", () => {
  const dates = ["2023-12-28", "2023-12-29", "2024-01-02", "2024-01-03"];
  const closes = [90, 100, 105, 95];
  it("measures against the last close of the previous calendar year", () => {
    expect(previousYearEndIndex(dates, 3)).toBe(1);
    expect(ytdReturn(dates, closes, 3)).toBeCloseTo(-0.05, 15);
    expect(ytdReturn(dates, closes, 2)).toBeCloseTo(0.05, 15);
  });
  it("is null when the series starts in the current year", () => {
    expect(ytdReturn(["2024-01-02", "2024-01-03"], [1, 2], 1)).toBeNull();
  });
  it("on the last day of a year measures that whole year", () => {
    expect(ytdReturn(["2022-12-30", "2023-06-30", "2023-12-29"], [50, 60, 100], 2)).toBeCloseTo(1, 15);
  });
});

describe("returnsAt and relativeReturns", () => {
  it("reports every window, null where history is short", () => {
    const dates = ["2023-12-29", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-08", "2024-01-09"];
    const closes = [100, 101, 102, 103, 104, 105, 110];
    const r = returnsAt(dates, closes, 6);
    expect(r.d1).toBeCloseTo(110 / 105 - 1, 15);
    expect(r.d5).toBeCloseTo(110 / 101 - 1, 15);
    expect(r.d21).toBeNull();
    expect(r.d63).toBeNull();
    expect(r.d252).toBeNull();
    expect(r.ytd).toBeCloseTo(0.1, 15);
  });
  it("subtracts key by key and keeps nulls", () => {
    const a = { d1: 0.02, d5: 0.1, d21: null, d63: 0.3, d252: null, ytd: 0.05 };
    const b = { d1: 0.01, d5: 0.15, d21: 0.2, d63: null, d252: null, ytd: 0.05 };
    const rel = relativeReturns(a, b);
    expect(rel.d1).toBeCloseTo(0.01, 15);
    expect(rel.d5).toBeCloseTo(-0.05, 15);
    expect(rel).toMatchObject({ d21: null, d63: null, d252: null, ytd: 0 });
  });
});
