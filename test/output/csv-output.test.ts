import { describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { csvCell, toCsv } from "../../src/output/csv.js";

describe("CSV output", () => {
  it("quotes what RFC 4180 requires", () => {
    expect(csvCell('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell(null)).toBe("");
    expect(csvCell(-0.05)).toBe("-0.05");
    expect(csvCell(true)).toBe("true");
  });
  it("neutralises text a spreadsheet would run as a formula", () => {
    expect(csvCell("=HYPERLINK(\"x\")")).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-cmd")).toBe("'-cmd");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
  });
  it("parses back with a CSV parser", () => {
    const text = toCsv(["a", "b"], [["x,y", -1.5], ["=1+1", null]]);
    expect(text.endsWith("\r\n")).toBe(true);
    expect(parse(text)).toEqual([["a", "b"], ["x,y", "-1.5"], ["'=1+1", ""]]);
  });
});
