import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { latestBySymbol, rankSpread, spreadOf, usablePE, valuationReport, type ValuationRecord } from "../../src/core/valuation.js";
import { DataError } from "../../src/errors.js";
import { parseValuationCsv, ValuationStore } from "../../src/store/valuation-store.js";

const record = (date: string, symbol: string, trailingPE: number | null, forwardPE: number | null = null): ValuationRecord => ({ date, symbol, trailingPE, forwardPE, source: "test" });

describe("spread figures", () => {
  it("spread, ratio and earnings-yield gap", () => {
    const figures = spreadOf(16, 25);
    expect(figures.spread).toBe(-9);
    expect(figures.ratio).toBe(0.64);
    expect(figures.yieldGap).toBeCloseTo(1 / 16 - 1 / 25, 15);
    expect(figures.yieldGap).toBeCloseTo(0.0225, 15);
    expect(spreadOf(null, 25)).toEqual({ spread: null, ratio: null, yieldGap: null });
  });
  it("treats zero, negative and missing multiples as missing, never as 0", () => {
    expect([usablePE(0), usablePE(-5), usablePE(undefined), usablePE(Number.NaN), usablePE(12.5)]).toEqual([null, null, null, null, 12.5]);
    // Denormal, tiny or astronomical multiples are slips, not valuations: never ranked.
    expect([usablePE(1e-320), usablePE(1e-7), usablePE(0.49), usablePE(1e308), usablePE(Infinity), usablePE(0.5), usablePE(10_000)]).toEqual([null, null, null, null, null, 0.5, 10_000]);
  });
});

describe("rankSpread", () => {
  // Five earlier dates with spreads -10, -8, -6, -4, -2 (A = 10..18, B = 20).
  const history = [0, 1, 2, 3, 4].flatMap((i) => [record(`2024-01-0${i + 1}`, "A", 10 + 2 * i, 9), record(`2024-01-0${i + 1}`, "B", 20, 18)]);
  it("ranks today's spread against the earlier dates only", () => {
    const today = { date: "2024-01-08", a: record("2024-01-08", "A", 15), b: record("2024-01-08", "B", 20) };
    // Later records must not count: they are the future.
    const withFuture = [...history, record("2024-02-01", "A", 1), record("2024-02-01", "B", 50)];
    const figures = rankSpread(withFuture, today, "trailing", 5);
    expect(figures.spread).toBe(-5);
    expect(figures.rank).toEqual({ percentile: 60, rankedFrom: "2024-01-01", rankedTo: "2024-01-05", observations: 5 });
    expect(figures.note).toBeNull();
  });
  it("gives no percentile, with a note, below the minimum history", () => {
    const today = { date: "2024-01-08", a: record("2024-01-08", "A", 15), b: record("2024-01-08", "B", 20) };
    const figures = rankSpread(history, today, "trailing", 60);
    expect(figures.rank).toBeNull();
    expect(figures.note).toBe("only 5 earlier trailing observations of this spread (need 60); no percentile");
  });
  it("says which fund lacks the multiple", () => {
    const today = { date: "2024-01-08", a: record("2024-01-08", "A", 15, null), b: record("2024-01-08", "B", 20, 18) };
    expect(rankSpread(history, today, "forward", 1)).toMatchObject({ spread: null, rank: null, note: "no forward P/E for A" });
  });
  it("finds the latest record of each symbol as of a date", () => {
    const latest = latestBySymbol(history, "2024-01-03");
    expect(latest.get("A")).toEqual(record("2024-01-03", "A", 14, 9));
  });
  it("builds a report with n/a reasons for funds with nothing recorded", () => {
    const report = valuationReport(history, [{ symbol: "A", benchmark: "B" }, { symbol: "C", benchmark: "B" }], "2024-01-05", 2);
    expect(report.funds.find((f) => f.symbol === "C")).toMatchObject({ trailingPE: null, notes: { trailingPE: "no valuation recorded" } });
    expect(report.pairs[0]!.trailing.spread).toBe(-2);
    expect(report.pairs[0]!.trailing.rank!.percentile).toBe(100);
    expect(report.pairs[1]!.trailing.note).toBe("no trailing P/E for C");
  });
});

describe("valuation import", () => {
  it("reads a history in any order, last duplicate winning, either P/E empty", () => {
    const records = parseValuationCsv("Date,Symbol,TrailingPE,ForwardPE\n2024-01-03,iwm,15,\n2024-01-02,SPY,,21\n2024-01-03,IWM,16,14\n", "v.csv");
    // One record per (date, symbol), the later line's, in the store's order (date, then symbol).
    expect(records).toEqual([
      { date: "2024-01-02", symbol: "SPY", trailingPE: null, forwardPE: 21, source: "import" },
      { date: "2024-01-03", symbol: "IWM", trailingPE: 16, forwardPE: 14, source: "import" },
    ]);
  });
  const bad: [string, RegExp][] = [
    ["Date,Symbol,PE\n", /^v\.csv:1: header must be Date,Symbol,TrailingPE,ForwardPE$/],
    ["Date,Symbol,TrailingPE,ForwardPE\n2024-01-02,IWM,15,\n2024-13-02,IWM,15,\n", /^v\.csv:3: date "2024-13-02" is not YYYY-MM-DD$/],
    ["Date,Symbol,TrailingPE,ForwardPE\n2024-01-02,IWM,abc,\n", /^v\.csv:2: TrailingPE "abc" is not a number$/],
    ["Date,Symbol,TrailingPE,ForwardPE\n2024-01-02,IWM,,\n", /^v\.csv:2: both P\/E are empty$/],
    ["Date,Symbol,TrailingPE,ForwardPE\n2024-01-02,../x,1,\n", /^v\.csv:2: "..\/x" is not a ticker$/],
    ["Date,Symbol,TrailingPE,ForwardPE\n2024-01-02,IWM,1\n", /^v\.csv:2: expected 4 fields, found 3$/],
    ["Date,Symbol,TrailingPE,ForwardPE\n", /^v\.csv: no valuation rows$/],
  ];
  for (const [text, message] of bad) {
    it(`refuses ${message.source.slice(1, 40)}`, () => {
      expect(() => parseValuationCsv(text, "v.csv")).toThrow(DataError);
      expect(() => parseValuationCsv(text, "v.csv")).toThrow(message);
    });
  }
  it("the store replaces a (date, symbol) and keeps the rest, sorted", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "rotation-val-")), "store.jsonl");
    const store = new ValuationStore(file);
    await store.upsert([record("2024-01-03", "IWM", 15), record("2024-01-02", "SPY", 20)]);
    await store.upsert([record("2024-01-03", "IWM", 16)]);
    const lines = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.date, l.symbol, l.trailingPE])).toEqual([["2024-01-02", "SPY", 20], ["2024-01-03", "IWM", 16]]);
    writeFileSync(file, `${readFileSync(file, "utf8")}not json\n`);
    expect((await store.read()).warnings).toEqual([`${file}:3: not valid JSON; skipped`]);
    // A line that is no record is never dropped by a later write: it stays, after the records.
    await store.upsert([record("2024-01-01", "SPY", 19)]);
    expect(readFileSync(file, "utf8").split("\n").slice(2)).toEqual([JSON.stringify(record("2024-01-03", "IWM", 16)), "not json", ""]);
  });
});
