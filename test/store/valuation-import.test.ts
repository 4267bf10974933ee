import { describe, expect, it } from "vitest";
import { parseValuationCsv } from "../../src/store/valuation-store.js";

describe("valuation import refuses multiples that are not valuations", () => {
  it("zero, negative, denormal, tiny and astronomical P/E: the line named, nothing imported", () => {
    for (const bad of ["-15", "0", "1e-320", "0.0000001", "1e308"]) {
      const csv = `Date,Symbol,TrailingPE,ForwardPE\n2024-07-15,IWM,18.5,\n2024-07-16,IWM,${bad},\n`;
      expect(() => parseValuationCsv(csv, "pe.csv")).toThrow(new RegExp(`^pe\\.csv:3: TrailingPE ${bad.replace(/[.+]/g, "\\$&")} is not a usable P/E \\(from 0\\.5 to 10000; leave the cell empty when there is none\\)$`));
    }
    expect(parseValuationCsv("Date,Symbol,TrailingPE,ForwardPE\n2024-07-16,IWM,18.5,0.5\n", "pe.csv")).toEqual([{ date: "2024-07-16", symbol: "IWM", trailingPE: 18.5, forwardPE: 0.5, source: "import" }]);
  });
});

describe("valuation import refuses records dated in the future", () => {
  it("a date after today is refused, the line named", () => {
    const csv = "Date,Symbol,TrailingPE,ForwardPE\n2024-07-16,IWM,18.5,\n2031-01-02,IWM,18.5,\n";
    expect(() => parseValuationCsv(csv, "pe.csv", "2026-12-04")).toThrow(/^pe\.csv:3: date 2031-01-02 is after today \(2026-12-04\)$/);
    expect(parseValuationCsv(csv.split("\n").slice(0, 2).join("\n"), "pe.csv", "2026-12-04")).toHaveLength(1);
  });
});

describe("imports and stores of any size, held column by column", () => {
  it("keep one record per (date, symbol), the last given, in date then symbol order (against a plain map)", async () => {
    const { ValuationStore } = await import("../../src/store/valuation-store.js");
    const { mkdtempSync, readFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const path = await import("node:path");
    // A seeded generator: the same records every run.
    let seed = 7;
    const next = () => {
      // mulberry32
      let t = (seed = (seed + 0x6d2b79f5) | 0);
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
    const symbols = Array.from({ length: 60 }, (_, i) => ["IWM", "SPY", "A", "ZZ", "vb"][i % 5]! + (i < 5 ? "" : String(i)));
    const make = (n: number, source: string) =>
      Array.from({ length: n }, () => ({
        date: `20${10 + Math.floor(next() * 10)}-0${1 + Math.floor(next() * 9)}-${10 + Math.floor(next() * 19)}`,
        symbol: symbols[Math.floor(next() * symbols.length)]!.toUpperCase(),
        trailingPE: next() < 0.2 ? null : Math.round(next() * 4000) / 100 + 1,
        forwardPE: Math.round(next() * 3000) / 100 + 1,
        source,
      }));
    const file = path.join(mkdtempSync(path.join(tmpdir(), "rotation-val-")), "store.jsonl");
    const store = new ValuationStore(file);
    const batches = [make(30_000, "import"), make(20_000, "yahoo"), make(500, "import")];
    const expected = new Map<string, unknown>();
    for (const batch of batches) {
      await store.upsert(batch);
      for (const r of batch) expected.set(`${r.date}|${r.symbol}`, r);
    }
    const want = [...expected.entries()].sort(([x], [y]) => (x.slice(0, 10) < y.slice(0, 10) ? -1 : x.slice(0, 10) > y.slice(0, 10) ? 1 : x.slice(11).localeCompare(y.slice(11)))).map(([, r]) => JSON.stringify(r));
    const text = readFileSync(file, "utf8");
    expect(text.length).toBeGreaterThan(2 ** 20); // read back in several pieces
    expect(text).toBe(`${want.join("\n")}\n`);
    const { records } = await store.read(["IWM"]);
    expect(records.map((r) => JSON.stringify(r))).toEqual(want.filter((line) => line.includes('"symbol":"IWM"')));
  });
});
