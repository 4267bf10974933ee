import { describe, expect, it } from "vitest";
import type { CacheEntry } from "../../src/sources/price-cache.js";
import { mergeIncremental } from "../../src/sources/history-merge.js";

const cached: CacheEntry = {
  format: 1,
  symbol: "IWM",
  fetchedAt: "2024-07-10T21:00:00.000Z",
  timezone: "America/New_York",
  dates: ["2024-07-08", "2024-07-09", "2024-07-10"],
  close: [100, 101, 102],
  adjclose: [99, 99.99, 100.98],
  events: ["2024-06-11:div:0.5"],
};

describe("mergeIncremental", () => {
  it("appends new days and replaces the overlap", () => {
    const outcome = mergeIncremental(
      cached,
      { timezone: "America/New_York", dates: ["2024-07-09", "2024-07-10", "2024-07-11"], close: [101, 102.5, 103], adjclose: [99.99, 101.475, 101.97], events: ["2024-06-11:div:0.5"] },
      "2024-07-11T21:00:00.000Z",
    );
    // The first cached bar is kept as it was; the download's three replace and follow it.
    expect(outcome).toEqual({
      kind: "merged",
      kept: 1,
      entry: { ...cached, fetchedAt: "2024-07-11T21:00:00.000Z", dates: ["2024-07-08", "2024-07-09", "2024-07-10", "2024-07-11"], close: Float64Array.of(100, 101, 102.5, 103), adjclose: Float64Array.of(99, 99.99, 101.475, 101.97) },
    });
  });
  it("asks for the whole history when a dividend rescaled the overlap", () => {
    const outcome = mergeIncremental(cached, { timezone: "America/New_York", dates: ["2024-07-09", "2024-07-10"], close: [101, 102], adjclose: [99.5, 100.5], events: [] }, "x");
    expect(outcome).toEqual({ kind: "refetch", reason: "adjustment changed on 2024-07-09" });
  });
  it("asks for the whole history when the overlap's raw closes moved (a split without its event)", () => {
    const halved = { timezone: "America/New_York", dates: ["2024-07-09", "2024-07-10", "2024-07-11"], close: [50.5, 51, 52], adjclose: [49.995, 50.49, 51.48], events: ["2024-06-11:div:0.5"] };
    expect(mergeIncremental(cached, halved, "x")).toEqual({ kind: "refetch", reason: "close of 2024-07-09 changed (a split without its event?)" });
  });
  it("asks for the whole history on a corporate action it has not seen", () => {
    const outcome = mergeIncremental(cached, { timezone: "America/New_York", dates: ["2024-07-10"], close: [102], adjclose: [100.98], events: ["2024-07-10:split:2/1"] }, "x");
    expect(outcome).toMatchObject({ kind: "refetch", reason: "new corporate action 2024-07-10:split:2/1" });
  });
  it("asks for the whole history when the download does not overlap", () => {
    expect(mergeIncremental(cached, { timezone: "America/New_York", dates: ["2024-07-12"], close: [1], adjclose: [1], events: [] }, "x").kind).toBe("refetch");
    expect(mergeIncremental(cached, { timezone: "America/New_York", dates: [], close: [], adjclose: [], events: [] }, "x").kind).toBe("refetch");
  });
});
