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
