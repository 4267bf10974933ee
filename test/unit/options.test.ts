import { describe, expect, it } from "vitest";
import { planCheck } from "../../src/commands/check.js";
import { parsePairs, parseTicker, parseUniverse } from "../../src/settings/validators.js";
import { defaultPairs } from "../../src/core/universe.js";
import { UsageError } from "../../src/errors.js";

describe("planCheck turns flags into a plan", () => {
  it("has the documented defaults", () => {
    expect(planCheck({}, { ROTATION_CACHE_DIR: "/tmp/c", ROTATION_DATA_HOME: "/tmp/d" }, "/work")).toEqual({
      universe: {
        small: ["IWM", "IJR"],
        mid: ["IJH"],
        large: ["SPY", "QQQ"],
        pairs: [
          { symbol: "IWM", benchmark: "SPY" },
          { symbol: "IJR", benchmark: "SPY" },
          { symbol: "IJH", benchmark: "SPY" },
          { symbol: "IWM", benchmark: "QQQ" },
        ],
      },
      window: 5,
      threshold: 99,
      asOf: undefined,
      source: { kind: "yahoo", cacheDir: "/tmp/c", offline: false, refresh: false, timeoutMs: 20_000, offlineFallback: false, partial: false },
      format: "table",
      color: "auto",
      exitCode: false,
      valuation: { mode: "store", store: "/tmp/d/valuation.jsonl", timeoutMs: 20_000 },
    });
  });

  it("reads every flag", () => {
    const plan = planCheck(
      { data: "prices", small: "vb, iwm", large: "spy", window: "10", threshold: "95", asOf: "2024-07-16", json: true, color: false, exitCode: true, lenient: true },
      {},
      "/work",
    );
    expect(plan).toMatchObject({
      universe: { small: ["VB", "IWM"], mid: ["IJH"], large: ["SPY"] },
      window: 10,
      threshold: 95,
      asOf: "2024-07-16",
      source: { kind: "csv", dir: "/work/prices", lenient: true },
      format: "json",
      color: "never",
      exitCode: true,
    });
    expect(plan.universe.pairs.map((p) => `${p.symbol}:${p.benchmark}`)).toEqual(["VB:SPY", "IWM:SPY", "IJH:SPY"]);
  });

  it("takes the data folder from ROTATION_DATA, and the flag over it", () => {
    expect(planCheck({}, { ROTATION_DATA: "/d", ROTATION_CACHE_DIR: "/c" }, "/w").source).toEqual({ kind: "csv", dir: "/d", lenient: false, partial: false, snapshotDir: "/c/csv" });
    expect(planCheck({}, { ROTATION_DATA: "/d", ROTATION_CSV_SNAPSHOTS: "0" }, "/w").source).toMatchObject({ snapshotDir: null });
    expect(planCheck({ data: "/x" }, { ROTATION_DATA: "/d" }, "/w").source).toMatchObject({ dir: "/x" });
  });

  it("puts the cache under XDG_CACHE_HOME unless ROTATION_CACHE_DIR says otherwise", () => {
    expect(planCheck({}, { XDG_CACHE_HOME: "/xdg" }, "/w").source).toMatchObject({ cacheDir: "/xdg/rotation" });
    expect(planCheck({}, { XDG_CACHE_HOME: "/xdg", ROTATION_CACHE_DIR: "/mine" }, "/w").source).toMatchObject({ cacheDir: "/mine" });
  });

  const bad: [string, Record<string, string>, RegExp][] = [
    ["a date that does not exist", { asOf: "2024-13-01" }, /--as-of must be a calendar date YYYY-MM-DD, got "2024-13-01"/],
    ["a word for a date", { asOf: "yesterday" }, /--as-of .*"yesterday"/],
    ["a negative window", { window: "-5" }, /--window must be a whole number of trading days from 1 to 252, got "-5"/],
    ["a fractional window", { window: "2.5" }, /--window/],
    ["a threshold of 50", { threshold: "50" }, /--threshold must be a percentile above 50 and at most 100, got "50"/],
    ["a threshold over 100", { threshold: "101" }, /--threshold/],
    ["a ticker with a slash", { small: "../etc" }, /--small: "..\/etc" is not a ticker/],
    ["a pair without a colon", { pairs: "IWM-SPY" }, /--pairs: "IWM-SPY" is not a pair/],
    ["a pair of a ticker with itself", { pairs: "IWM:iwm" }, /--pairs: IWM:IWM compares a ticker with itself/],
    ["an empty universe", { small: "", mid: "", large: "" }, /the universe is empty/],
    ["groups with nothing to compare", { small: "IWM", mid: "", large: "" }, /nothing to compare/],
    ["a zero timeout", { timeout: "0" }, /--timeout must be a positive number/],
  ];
  for (const [what, flags, message] of bad) {
    it(`refuses ${what} as a usage error`, () => {
      expect(() => planCheck(flags, {}, "/w")).toThrow(UsageError);
      expect(() => planCheck(flags, {}, "/w")).toThrow(message);
    });
  }
});

describe("tickers and pairs", () => {
  it("upper-cases and accepts index-style characters", () => {
    expect(parseTicker(" brk.b ", "--small")).toBe("BRK.B");
    expect(parseTicker("es=f", "--small")).toBe("ES=F");
  });
  it("refuses names that could leave a folder", () => {
    for (const name of ["..", ".hidden", "a/b", "a\\b", "A\u0000", "/etc/passwd", "TOOLONGTICKERNAME1"]) {
      expect(() => parseTicker(name, "--pairs")).toThrow(UsageError);
    }
  });
  it("keeps pairs in order without duplicates", () => {
    expect(parsePairs("iwm:spy, IJR:SPY,IWM:SPY")).toEqual([{ symbol: "IWM", benchmark: "SPY" }, { symbol: "IJR", benchmark: "SPY" }]);
  });
  it("derives default pairs from the groups", () => {
    expect(defaultPairs({ small: ["A", "B"], mid: ["C"], large: ["X", "Y", "Z"] }).map((p) => `${p.symbol}:${p.benchmark}`)).toEqual(["A:X", "B:X", "C:X", "A:Y", "A:Z"]);
    expect(parseUniverse({ pairs: "XLK:SPY" })).toEqual({ small: [], mid: [], large: ["SPY"], pairs: [{ symbol: "XLK", benchmark: "SPY" }] });
    expect(parseUniverse({ pairs: "IWM:SPY", small: "VB" }).small).toEqual(["VB"]);
  });
});
