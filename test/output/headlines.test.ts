import { describe, expect, it } from "vitest";
import type { CheckResult, SurgeResult, TickerResult } from "../../src/core/check.js";
import { headlinesOf, NEWS_SESSIONS } from "../../src/output/headlines.js";

function surge(fields: Partial<SurgeResult>): SurgeResult {
  return { window: 5, value: -0.1635, zScore: -4, percentile: 0.1, largestSince: "2008-10-09", largestSinceValue: -0.2137, largestSinceSessions: 30, historyStart: "2000-06-02", observations: 2100, rankedFrom: "2000-06-02", rankedTo: "2008-10-09", ...fields };
}

function resultWith(fund: Partial<SurgeResult>): CheckResult {
  const ticker: TickerResult = { symbol: "IWM", group: "small", date: "2008-10-10", close: 50, returns: { d1: null, d5: null, d21: null, d63: null, d252: null, ytd: null }, surge: surge(fund), provisional: false };
  return { asOf: "2008-10-10", tickers: [ticker], pairs: [], signals: [], warnings: [] };
}

describe("headlines that are news", () => {
  it("a 'largest since' compared with a day fewer than 21 sessions back is left out", () => {
    expect(NEWS_SESSIONS).toBe(21);
    expect(headlinesOf(resultWith({ largestSinceSessions: 1 }), { threshold: 99 })).toEqual([]);
    expect(headlinesOf(resultWith({ largestSinceSessions: 20 }), { threshold: 99 })).toEqual([]);
    expect(headlinesOf(resultWith({ largestSinceSessions: 21 }), { threshold: 99 })).toEqual(["IWM fell 16.35% in the 5 trading days to 2008-10-10, its largest 5-day loss since 2008-10-09 (-21.37%)."]);
  });

  it("a record is always news, and says what it was ranked against", () => {
    const record = { largestSince: null, largestSinceValue: null, largestSinceSessions: null };
    expect(headlinesOf(resultWith(record), { threshold: 99 })[0]).toMatch(/its largest 5-day loss on record \(since 2000-06-02\)\.$/);
    expect(headlinesOf(resultWith({ ...record, rankedFrom: "2003-10-10" }), { threshold: 99 })[0]).toMatch(/its largest 5-day loss in the ranked span \(since 2003-10-10\)\.$/);
  });
});
