import { describe, expect, it } from "vitest";
import { planChart } from "../../src/commands/chart.js";
import { planCheck } from "../../src/commands/check.js";
import { planEpisodes } from "../../src/commands/episodes.js";
import { planHistory } from "../../src/commands/history.js";
import { planLog } from "../../src/commands/log.js";
import { planRrg } from "../../src/commands/rrg.js";
import { planValuation } from "../../src/commands/valuation.js";
import { UsageError } from "../../src/errors.js";

const ENV = { ROTATION_CACHE_DIR: "/tmp/c", ROTATION_DATA_HOME: "/tmp/d" };
const YAHOO = { kind: "yahoo", cacheDir: "/tmp/c", offline: false, refresh: false, timeoutMs: 20_000, fallback: true, yahooUrl: null, partial: false };
const DEFAULT_PAIRS = [
  { symbol: "IWM", benchmark: "SPY" },
  { symbol: "IJR", benchmark: "SPY" },
  { symbol: "IJH", benchmark: "SPY" },
  { symbol: "IWM", benchmark: "QQQ" },
];
const DEFAULT_UNIVERSE = { small: ["IWM", "IJR"], mid: ["IJH"], large: ["SPY", "QQQ"], pairs: DEFAULT_PAIRS };

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
      lookback: { kind: "all" },
      history: { cacheDir: "/tmp/c", lookback: undefined },
      asOf: undefined,
      source: { kind: "yahoo", cacheDir: "/tmp/c", offline: false, refresh: false, timeoutMs: 20_000, fallback: true, yahooUrl: null, partial: false },
      format: "table",
      color: "auto",
      exitCode: false,
      context: true,
      valuation: { mode: "store", store: "/tmp/d/valuation.jsonl", timeoutMs: 20_000, yahooUrl: null, maxAgeDays: 7 },
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


describe("every other plan is a plain value", () => {
  it("planLog adds the journal, --replace and --allow-stale to the check plan", () => {
    expect(planLog({ replace: true }, ENV, "/w")).toEqual({ ...planCheck({}, ENV, "/w"), journal: "/tmp/d/journal.jsonl", replace: true, allowStale: false, notify: { urls: [], format: "json" } });
    expect(planLog({ allowStale: true }, ENV, "/w").allowStale).toBe(true);
    expect(planLog({ notify: ["https://a.example/x", "http://b.example"], notifyFormat: "text" }, ENV, "/w").notify).toEqual({ urls: ["https://a.example/x", "http://b.example/"], format: "text" });
    expect(planLog({}, { ...ENV, ROTATION_NOTIFY: "https://a.example/x, https://b.example/y" }, "/w").notify.urls).toEqual(["https://a.example/x", "https://b.example/y"]);
    expect(() => planLog({ notifyFormat: "xml" }, ENV, "/w")).toThrow(/--notify-format must be json or text/);
    expect(planLog({ journal: "j.jsonl" }, { ...ENV, ROTATION_JOURNAL: "/elsewhere" }, "/w")).toMatchObject({ journal: "/w/j.jsonl", replace: false });
  });

  it("planHistory", () => {
    expect(planHistory({}, ENV, "/w")).toEqual({ journal: "/tmp/d/journal.jsonl", since: undefined, until: undefined, pairs: undefined, signalsOnly: false, format: "table", color: "auto" });
    expect(planHistory({ since: "2024-01-01", until: "2024-12-31", pairs: "iwm:spy", signalsOnly: true, csv: true }, { ...ENV, NO_COLOR: "1" }, "/w")).toEqual({
      journal: "/tmp/d/journal.jsonl", since: "2024-01-01", until: "2024-12-31", pairs: ["IWM:SPY"], signalsOnly: true, format: "csv", color: "never",
    });
    expect(() => planHistory({ since: "2024-02-01", until: "2024-01-01" }, ENV, "/w")).toThrow(/--since 2024-02-01 is after --until 2024-01-01/);
  });

  it("planEpisodes", () => {
    expect(planEpisodes({}, ENV, "/w")).toEqual({
      universe: DEFAULT_UNIVERSE, window: 5, threshold: 99, lookback: { kind: "all" }, gap: 5, since: undefined, until: undefined, asOf: undefined, source: YAHOO, split: [], format: "table", color: "auto", workers: undefined,
    });
    // ROTATION_WORKERS: threads for a streamed run; empty or unset lets the run choose.
    expect(planEpisodes({}, { ...ENV, ROTATION_WORKERS: "3" }, "/w").workers).toBe(3);
    expect(planEpisodes({}, { ...ENV, ROTATION_WORKERS: "0" }, "/w").workers).toBe(0);
    expect(planEpisodes({}, { ...ENV, ROTATION_WORKERS: "" }, "/w").workers).toBeUndefined();
    for (const bad of ["-1", "17", "1.5", "two", " 2"]) expect(() => planEpisodes({}, { ...ENV, ROTATION_WORKERS: bad }, "/w")).toThrow(/^ROTATION_WORKERS must be a whole number from 0 to 16, got/);
    expect(planEpisodes({ gap: "0", window: "21", format: "ndjson", asOf: "2020-03-20" }, { ...ENV, FORCE_COLOR: "1" }, "/w")).toMatchObject({ gap: 0, window: 21, format: "ndjson", asOf: "2020-03-20", color: "always" });
    expect(() => planEpisodes({ gap: "x" }, ENV, "/w")).toThrow(/--gap must be a whole number of trading days from 0 to 252, got "x"/);
    expect(planEpisodes({ lookback: "2520" }, ENV, "/w").lookback).toEqual({ kind: "sessions", sessions: 2520 });
    expect(planEpisodes({ lookback: "10Y" }, ENV, "/w").lookback).toEqual({ kind: "years", years: 10 });
    expect(planEpisodes({ lookback: "all" }, ENV, "/w").lookback).toEqual({ kind: "all" });
    // A day needs 252 earlier surges to be ranked; a year holds about 252 sessions, sometimes fewer.
    for (const bad of ["251", "1y", "0", "-300", "3m", "y", "101y", "2.5y", ""]) {
      expect(() => planEpisodes({ lookback: bad }, ENV, "/w")).toThrow(/^--lookback must be all, a number of sessions of at least 252, or years from 2y to 100y, got/);
    }
  });

  it("planRrg", () => {
    expect(planRrg({}, ENV, "/w")).toEqual({
      benchmark: "SPY", symbols: ["IWM", "IJR", "IJH", "QQQ"], options: { period: "weekly", ratioWindow: 52, momentumWindow: 52, rocPeriods: 5, smoothing: { short: 5, long: 26 } }, tail: 8,
      asOf: undefined, source: YAHOO, format: "table", color: "auto", svg: undefined, html: undefined,
    });
    expect(planRrg({ benchmark: "qqq", period: "daily", tail: "3", svg: "r.svg" }, ENV, "/w")).toMatchObject({ benchmark: "QQQ", symbols: ["IWM", "IJR", "IJH"], tail: 3, svg: "/w/r.svg", options: { period: "daily" } });
    expect(() => planRrg({ roc: "0" }, ENV, "/w")).toThrow(/--roc must be a whole number from 1 to 520, got "0"/);
    expect(() => planRrg({ symbols: "SPY" }, ENV, "/w")).toThrow(/SPY is the benchmark itself/);
    // The unsmoothed form of 0.1 stays reachable.
    expect(planRrg({ smooth: "none", ratioWindow: "14", momentumWindow: "14", roc: "1" }, ENV, "/w").options).toEqual({ period: "weekly", ratioWindow: 14, momentumWindow: 14, rocPeriods: 1, smoothing: null });
    expect(planRrg({ smooth: "4,20" }, ENV, "/w").options.smoothing).toEqual({ short: 4, long: 20 });
    for (const bad of ["20,4", "5", "a,b", "0,5", "5,300"]) expect(() => planRrg({ smooth: bad }, ENV, "/w")).toThrow(/--smooth must be SHORT,LONG/);
  });

  it("planChart", () => {
    expect(planChart("iwm:spy", {}, ENV, "/w")).toEqual({
      symbol: "IWM", benchmark: "SPY", since: undefined, asOf: undefined, window: 5, threshold: 99, lookback: { kind: "all" }, gap: 5, width: undefined, height: undefined,
      svg: undefined, html: undefined, source: YAHOO, color: "auto",
    });
    expect(planChart("IJR:SPY", { width: "90", height: "16", html: "c.html", gap: "3" }, ENV, "/w")).toMatchObject({ width: 90, height: 16, html: "/w/c.html", gap: 3 });
    expect(() => planChart("IWM:SPY,IJR:SPY", {}, ENV, "/w")).toThrow(/exactly one pair/);
    expect(() => planChart("IWM:SPY", { gap: "x" }, ENV, "/w")).toThrow(/--gap must be a whole number of trading days from 0 to 252/);
    expect(() => planChart("IWM:SPY", { width: "10" }, ENV, "/w")).toThrow(UsageError);
  });

  it("planValuation", () => {
    expect(planValuation({}, ENV, "/w")).toEqual({
      pairs: DEFAULT_PAIRS.slice(0, 3), store: "/tmp/d/valuation.jsonl", minHistory: 60, live: true, asOf: undefined, timeoutMs: 20_000, yahooUrl: null, maxAgeDays: 7, format: "table", color: "auto",
      history: "french", historyLookback: undefined, cacheDir: "/tmp/c", offline: false,
    });
    // --as-of reads what is stored: the history's cache too; --lookback ranks the history.
    expect(planValuation({ asOf: "2024-07-16", lookback: "10y", history: "none" }, ENV, "/w")).toMatchObject({ offline: true, historyLookback: { kind: "years", years: 10 }, history: "none" });
    expect(planValuation({ asOf: "2024-07-16", minHistory: "5", store: "v.jsonl", timeout: "2" }, ENV, "/w")).toMatchObject({ live: false, minHistory: 5, store: "/w/v.jsonl", timeoutMs: 2000 });
    expect(() => planValuation({ minHistory: "0" }, ENV, "/w")).toThrow(/--min-history must be a whole number of at least 1, got "0"/);
  });
});

describe("where prices come from", () => {
  it("--sample, --no-fallback and ROTATION_YAHOO_URL", () => {
    expect(planCheck({ sample: true }, ENV, "/w").source).toEqual({ kind: "sample", partial: false });
    expect(() => planCheck({ sample: true, data: "d" }, ENV, "/w")).toThrow(/--sample and --data contradict each other/);
    expect(planCheck({ fallback: false }, ENV, "/w").source).toMatchObject({ kind: "yahoo", fallback: false });
    expect(planCheck({}, { ...ENV, ROTATION_YAHOO_URL: "http://127.0.0.1:8765" }, "/w").source).toMatchObject({ yahooUrl: "http://127.0.0.1:8765/" });
    expect(() => planCheck({}, { ...ENV, ROTATION_YAHOO_URL: "not a url" }, "/w")).toThrow(/ROTATION_YAHOO_URL: "not a url" is not a URL/);
    expect(() => planCheck({}, { ...ENV, ROTATION_YAHOO_URL: "file:///etc" }, "/w")).toThrow(/must be an http: or https: URL/);
  });
});

describe("planGrid", () => {
  it("the S&P family by default, Russell on request, cells and benchmark replaced", async () => {
    const { planGrid } = await import("../../src/commands/grid.js");
    const plan = planGrid({}, ENV, "/w");
    expect(plan).toMatchObject({ family: "sp", benchmark: "IVV", window: 5, horizons: ["d5", "d21", "d63", "ytd"], asOf: undefined, format: "table", color: "auto" });
    expect(plan.cells).toHaveLength(9);
    expect(plan.cells[0]).toEqual({ size: "small", style: "value", symbol: "IJS" });
    const russell = planGrid({ family: "Russell", window: "21", cells: "mid:value=IWS", benchmark: "spy" }, ENV, "/w");
    expect(russell).toMatchObject({ family: "russell", benchmark: "SPY", window: 21, horizons: ["d21"] });
    expect(russell.cells.find((c) => c.size === "mid" && c.style === "value")!.symbol).toBe("IWS");
    expect(planGrid({ family: "russell" }, ENV, "/w").cells.find((c) => c.size === "mid" && c.style === "value")!.symbol).toBeNull();
    expect(() => planGrid({ cells: "small=IWM" }, ENV, "/w")).toThrow(/--cells: "small=IWM" is not SIZE:STYLE=TICKER/);
  });
});

describe("planDrivers", () => {
  it("the default pairs against rates and credit, over 63 sessions; every flag read into the plan", async () => {
    const { planDrivers } = await import("../../src/commands/drivers.js");
    expect(planDrivers({}, ENV, "/w")).toEqual({
      pairs: DEFAULT_PAIRS,
      drivers: [
        { id: "IEF", kind: "fund", symbol: "IEF" },
        { id: "HYG-IEF", kind: "spread", long: "HYG", short: "IEF" },
      ],
      window: 63,
      surgeWindow: 5,
      lookback: { kind: "all" },
      asOf: undefined,
      source: YAHOO,
      cacheDir: "/tmp/c",
      offline: false,
      fredUrl: "https://fred.stlouisfed.org/graph/fredgraph.csv",
      timeoutMs: 20_000,
      format: "table",
      color: "auto",
    });
    const plan = planDrivers({ pairs: "iwm:spy", drivers: "tlt, fred:dgs10 ,TLT", corrWindow: "126", lookback: "10y", asOf: "2024-07-16", json: true }, { ...ENV, ROTATION_FRED_URL: "http://127.0.0.1:9/f.csv" }, "/w");
    expect(plan).toMatchObject({ pairs: [{ symbol: "IWM", benchmark: "SPY" }], window: 126, lookback: { kind: "years", years: 10 }, asOf: "2024-07-16", format: "json", fredUrl: "http://127.0.0.1:9/f.csv" });
    expect(plan.drivers).toEqual([
      { id: "TLT", kind: "fund", symbol: "TLT" },
      { id: "fred:DGS10", kind: "yield", series: "DGS10" },
    ]);
    expect(() => planDrivers({ corrWindow: "10" }, ENV, "/w")).toThrow(UsageError);
    expect(() => planDrivers({}, { ...ENV, ROTATION_FRED_URL: "ftp://x" }, "/w")).toThrow(/ROTATION_FRED_URL must be an http: or https: URL/);
  });
});

describe("planEpisodes --split", () => {
  it("none by default; calendar and the default drivers by id, in any case, once each; anything else a usage error", () => {
    expect(planEpisodes({}, ENV, "/w").split).toEqual([]);
    expect(planEpisodes({ split: "Calendar, hyg-ief,calendar" }, ENV, "/w").split).toEqual(["calendar", "HYG-IEF"]);
    expect(() => planEpisodes({ split: "rates" }, ENV, "/w")).toThrow(UsageError);
  });
});
