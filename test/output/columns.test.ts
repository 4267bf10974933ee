import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvFromColumns, csvPieces, jsonDocument, jsonDocumentPieces, ndjsonLines, ndjsonPieces, writeText, type CsvColumn } from "../../src/output/columns.js";

const joined = (pieces: Iterable<string>): string => [...pieces].join("");

describe("reports in pieces", () => {
  it("a JSON document in pieces is byte for byte JSON.stringify(document, null, 2)", () => {
    const document = {
      schemaVersion: 1,
      empty: [],
      rows: [{ a: 1, nested: { b: [1, 2], c: [] }, gone: undefined }, null, "text with\nline feed", [3, [4]]],
      skipped: undefined,
      object: { x: "y" },
      last: [undefined, () => 1],
    };
    expect(joined(jsonDocumentPieces(document))).toBe(`${JSON.stringify(document, null, 2)}\n`);
    expect(joined(jsonDocumentPieces({}))).toBe("{}\n");
    expect(joined(jsonDocumentPieces({ only: undefined }))).toBe(`${JSON.stringify({ only: undefined }, null, 2)}\n`);
  });

  it("agrees with jsonDocument on any JSON object", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (document) => {
        expect(joined(jsonDocumentPieces(document))).toBe(jsonDocument(document));
      }),
      { numRuns: 300 },
    );
  });

  it("gathers many rows into few writes, never splitting the text differently", () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ i, text: `row ${i}` }));
    const pieces = [...jsonDocumentPieces({ rows })];
    // About 64 KiB a piece: hundreds of writes, not twenty thousand.
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.length).toBeLessThan(100);
    expect(pieces.join("")).toBe(jsonDocument({ rows }));
  });

  it("NDJSON and CSV in pieces equal their one-string forms", () => {
    const rows = [{ pair: "IWM:SPY", value: -0.5 }, { pair: "=cmd", value: null }, { pair: 'a,"b"', value: 1e-9 }];
    const columns: CsvColumn<(typeof rows)[number]>[] = [
      { name: "pair", value: (r) => r.pair },
      { name: "value", value: (r) => r.value },
    ];
    expect(joined(csvPieces(columns, rows))).toBe(csvFromColumns(columns, rows));
    expect(joined(csvPieces(columns, []))).toBe(csvFromColumns(columns, []));
    expect(joined(ndjsonPieces(rows, (r) => ({ v: 1, ...r })))).toBe(ndjsonLines(rows.map((r) => ({ v: 1, ...r }))));
    expect(joined(ndjsonPieces([], (r) => r))).toBe("");
  });

  it("writes a whole text once and pieces one by one", async () => {
    const written: string[] = [];
    const stream = { write: (text: string) => written.push(text) };
    await writeText(stream, "whole\n");
    await writeText(stream, ["a", "b"]);
    expect(written).toEqual(["whole\n", "a", "b"]);
  });

  it("waits for a full stream to drain before the next piece", async () => {
    const events: string[] = [];
    let full = true;
    const stream = {
      write: (text: string) => {
        events.push(`write ${text}`);
        return !full;
      },
      drain: async () => {
        events.push("drain");
        full = false;
      },
    };
    await writeText(stream, ["a", "b", "c"]);
    expect(events).toEqual(["write a", "drain", "write b", "write c"]);
  });
});

describe("JSON on stdout carries no raw control character", () => {
  it("C1 controls and line separators from a feed are \\u escapes; the text parses back the same", async () => {
    const { jsonDocument, jsonText } = await import("../../src/output/columns.js");
    const hostile = "IWM: Yahoo said \u009b31mred\u009b0m and \u2028 a break";
    const text = jsonDocument({ warnings: [hostile] });
    expect(text).not.toMatch(/[\u0080-\u009f\u2028\u2029]/);
    expect(text).toContain("\\u009b31mred");
    expect(JSON.parse(text).warnings[0]).toBe(hostile);
    expect(jsonText({ a: "é, ü, 日本" })).toBe('{"a":"é, ü, 日本"}');
  });
});
