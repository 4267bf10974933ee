import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePlainBytes } from "../../src/sources/csv/fast-path.js";
import { parsePriceCsv } from "../../src/sources/csv/format.js";
import { weekdays } from "../helpers/series.js";

const settings = { seed: Number(process.env.FC_SEED ?? 20261204), numRuns: Number(process.env.FC_NUM_RUNS ?? 400) };
const options = { lenient: false, latest: "2026-12-04" };

/** The general parser's answer, or its error's message. */
function general(text: string): { dates: string[]; closes: number[]; warnings: string[] } | string {
  try {
    const { series, warnings } = parsePriceCsv(text, "F.csv", "F", options);
    return { dates: series.dates, closes: Array.from(series.closes), warnings };
  } catch (error) {
    return (error as Error).message;
  }
}

// Cells as files have them: mostly plain, sometimes each of the things the fast path leaves to the general parser.
const priceText = fc.oneof(
  { weight: 60, arbitrary: fc.double({ min: 0.0001, max: 99_999, noNaN: true }).map((v) => v.toFixed(4)) },
  { weight: 15, arbitrary: fc.integer({ min: 1, max: 5000 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom("0", "0.000", "-5", "1e3", " 12.5", "12.5 ", "", "abc", "1,5", ".5", "7.", "1234567890123456", "12..5", "+3", "0x10") },
);
const lineEnd = fc.constantFrom("\n", "\r\n");
const header = fc.constantFrom("Date,Close", "Date,Open,High,Low,Close,Adj Close,Volume", "date,close", " Date , Close ", "Date,Close,Note", "Close,Date", "Date;Close", "Datum,Close");

const file = fc
  .record({
    header,
    count: fc.integer({ min: 0, max: 40 }),
    prices: fc.array(priceText, { minLength: 40, maxLength: 40 }),
    end: lineEnd,
    finalEnd: fc.boolean(),
    // Faults placed at a row: out of order, a duplicate, a blank line, a quote, a bad date, a BOM, a lone CR, an extra cell, a far date.
    fault: fc.option(fc.record({ kind: fc.constantFrom("swap", "duplicate", "blank", "quote", "date", "bom", "cr", "extra", "future", "ancient", "nonascii"), at: fc.nat(39) }), { freq: 2 }),
  })
  .map(({ header, count, prices, end, finalEnd, fault }) => {
    const dates = weekdays("2020-01-01", count);
    const cellsOf = (i: number): string[] => {
      const columns = header.split(",").map((c) => c.trim().toLowerCase());
      return columns.map((c) => (c === "date" ? (dates[i] as string) : c === "close" || c === "adj close" ? (prices[i] as string) : c === "note" ? "n" : "1"));
    };
    const rows = dates.map((_, i) => cellsOf(i).join(","));
    let head: string = header;
    if (fault && rows.length > 0) {
      const at = fault.at % rows.length;
      const row = rows[at] as string;
      if (fault.kind === "swap" && at > 0) [rows[at - 1], rows[at]] = [row, rows[at - 1] as string];
      if (fault.kind === "duplicate") rows.splice(at, 0, row);
      if (fault.kind === "blank") rows.splice(at, 0, "");
      if (fault.kind === "quote") rows[at] = row.replace(/,/, ',"') + '"';
      if (fault.kind === "date") rows[at] = row.replace(/^(\d{4})-(\d\d)-(\d\d)/, "$1-$2-3x").replace(/-(\d\d)-(\d\d),/, "-13-$2,");
      if (fault.kind === "bom") head = `\ufeff${header}`;
      if (fault.kind === "cr") rows[at] = `${row}\r`;
      if (fault.kind === "extra") rows[at] = `${row},9`;
      if (fault.kind === "future") rows[at] = row.replace(/\d{4}-\d\d-\d\d/, "2099-01-01");
      if (fault.kind === "ancient") rows[at] = row.replace(/\d{4}-\d\d-\d\d/, "1700-01-01");
      if (fault.kind === "nonascii") rows[at] = `${row.replace(/,/, ",é")}`;
    }
    return [head, ...rows].join(end) + (finalEnd ? end : "");
  });

describe("the byte fast path for price files", () => {
  it("gives exactly the general parser's series whenever it answers, and leaves everything else to it", () => {
    let answered = 0;
    fc.assert(
      fc.property(file, (text) => {
        const fast = parsePlainBytes(Buffer.from(text, "utf8"), "F", options);
        if (fast === null) return;
        answered++;
        const expected = general(text);
        expect(typeof expected).toBe("object");
        if (typeof expected === "string") return;
        expect(expected.warnings).toEqual([]);
        expect(fast.warnings).toEqual([]);
        expect(fast.series.dates).toEqual(expected.dates);
        // Bit for bit: the same doubles, not merely close ones.
        expect(Array.from(fast.series.closes).map((v) => v.toString(16))).toEqual(expected.closes.map((v) => v.toString(16)));
        expect(Array.from(fast.series.closes).every((v, i) => Object.is(v, expected.closes[i]))).toBe(true);
      }),
      settings,
    );
    // The common file does take the fast path (else this test would prove nothing).
    expect(answered).toBeGreaterThan(settings.numRuns / 5);
  });

  it("answers for the layouts of Yahoo, Stooq and plain files, with CRLF or LF", () => {
    const dates = weekdays("2024-01-02", 3);
    for (const [text, closes] of [
      [`Date,Close\n${dates[0]},10.5\n${dates[1]},11\n${dates[2]},12.25\n`, [10.5, 11, 12.25]],
      [`Date,Open,High,Low,Close,Adj Close,Volume\r\n${dates.map((d, i) => `${d},1,2,0.5,${9 + i},${8 + i}.5,100`).join("\r\n")}`, [8.5, 9.5, 10.5]],
      [`Date,Open,High,Low,Close,Volume\n${dates.map((d, i) => `${d},1,2,0.5,${20 + i},100`).join("\n")}\n`, [20, 21, 22]],
    ] as const) {
      const fast = parsePlainBytes(Buffer.from(text), "F", options);
      expect(fast?.series.dates).toEqual(dates);
      expect(Array.from(fast!.series.closes)).toEqual(closes);
    }
  });

  it("leaves to the general parser each thing only it may judge", () => {
    const d = weekdays("2024-01-02", 2);
    for (const text of [
      `\ufeffDate,Close\n${d[0]},1\n`,
      `Date,Close\n${d[1]},1\n${d[0]},2\n`,
      `Date,Close\n${d[0]},1\n\n${d[1]},2\n`,
      `Date,Close\n"${d[0]}",1\n`,
      `Date,Close\n${d[0]}, 1\n`,
      `Date,Close\n${d[0]},1e3\n`,
      `Date,Close\n${d[0]},1,\n`,
      `Date,Close\n${d[0]},1\r`,
      `Date,Close\n2024-02-30,1\n`,
      `Date,Close\n2027-01-04,1\n`,
      "Date,Close\n",
      "Price,Close\n2024-01-02,1\n",
    ]) {
      expect(parsePlainBytes(Buffer.from(text), "F", options)).toBeNull();
    }
  });
});
