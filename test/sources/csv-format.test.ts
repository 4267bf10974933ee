import { describe, expect, it } from "vitest";
import { parsePriceCsv } from "../../src/sources/csv/format.js";
import { DataError } from "../../src/errors.js";

const strict = { lenient: false };
const lenient = { lenient: true };

/** The parse, its closes as a plain array (the parser gives a Float64Array) so they compare with literals. */
function parse(text: string, options = strict) {
  const parsed = parsePriceCsv(text, "T.csv", "T", options);
  expect(parsed.series.closes).toBeInstanceOf(Float64Array);
  return { ...parsed, series: { ...parsed.series, closes: Array.from(parsed.series.closes) } };
}

describe("accepted layouts", () => {
  it("Date,Close", () => {
    expect(parse("Date,Close\n2024-01-02,10.5\n2024-01-03,11\n").series).toEqual({ symbol: "T", dates: ["2024-01-02", "2024-01-03"], closes: [10.5, 11] });
  });
  it("Yahoo's download uses Adj Close, not Close", () => {
    const text = "Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,1,2,0.5,10,9.5,100\n";
    expect(parse(text).series.closes).toEqual([9.5]);
  });
  it("Stooq's layout uses Close", () => {
    const text = "Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,10,100\n";
    expect(parse(text).series.closes).toEqual([10]);
  });
  it("sorts rows given in any order", () => {
    expect(parse("Date,Close\n2024-01-03,2\n2024-01-02,1\n2024-01-04,3").series).toMatchObject({ dates: ["2024-01-02", "2024-01-03", "2024-01-04"], closes: [1, 2, 3] });
  });
  it("reads a BOM, CRLF line ends, extra columns and quoted fields", () => {
    expect(parse("\ufeffDate,Close,Note\r\n2024-01-02,10,x\r\n").series.closes).toEqual([10]);
    expect(parse('"Date","Close"\n"2024-01-02","10.25"\n').series.closes).toEqual([10.25]);
    expect(parse('Date,Close,Note\n2024-01-02,10,"a, b"\n').series.closes).toEqual([10]);
  });
  it("reads scientific notation", () => {
    expect(parse("Date,Close\n2024-01-02,1.5e2\n").series.closes).toEqual([150]);
  });
});

describe("refused input names file and line", () => {
  const cases: [string, string, RegExp][] = [
    ["an empty file", "", /^T\.csv: file is empty$/],
    ["a header only", "Date,Close\n", /^T\.csv: no price rows$/],
    ["no Close column", "Date,Price\n2024-01-02,1\n", /^T\.csv:1: header needs Date and Close/],
    ["a blank line", "Date,Close\n2024-01-02,1\n\n2024-01-03,2\n", /^T\.csv:3: blank line$/],
    ["a duplicate date", "Date,Close\n2024-01-02,1\n2024-01-03,2\n2024-01-02,3\n", /^T\.csv:4: duplicate date 2024-01-02 \(first on line 2\)$/],
    ["a word for a price", "Date,Close\n2024-01-02,null\n", /^T\.csv:2: price "null" is not a number$/],
    ["a thousands separator", 'Date,Close\n2024-01-02,"1,234.5"\n', /^T\.csv:2: price "1,234\.5" is not a number$/],
    ["a zero price", "Date,Close\n2024-01-02,0\n", /^T\.csv:2: price 0 is not positive$/],
    ["a negative price", "Date,Close\n2024-01-02,-3\n", /^T\.csv:2: price -3 is not positive$/],
    ["another date format", "Date,Close\n01/02/2024,1\n", /^T\.csv:2: date "01\/02\/2024" is not a YYYY-MM-DD calendar date$/],
    ["an impossible date", "Date,Close\n2023-02-29,1\n", /^T\.csv:2: date "2023-02-29"/],
    ["an unclosed quote", 'Date,Close\n"2024-01-02,1\n', /^T\.csv(:\d+)?: not a readable CSV file/],
  ];
  for (const [what, text, message] of cases) {
    it(what, () => {
      expect(() => parse(text)).toThrow(DataError);
      expect(() => parse(text)).toThrow(message);
    });
  }
  it("binary garbage", () => {
    const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256)).toString("utf8");
    expect(() => parse(bytes)).toThrow(DataError);
  });
});

describe("--lenient", () => {
  it("skips bad rows with one warning each and keeps the first of duplicates", () => {
    const { series, warnings } = parse("Date,Close\n2024-01-02,1\n\n2024-01-03,abc\n2024-01-04,4\n2024-01-02,9\n", lenient);
    expect(series).toMatchObject({ dates: ["2024-01-02", "2024-01-04"], closes: [1, 4] });
    expect(warnings).toEqual([
      "T.csv:3: blank line; row skipped (--lenient)",
      'T.csv:4: price "abc" is not a number; row skipped (--lenient)',
      "T.csv:6: duplicate date 2024-01-02 (first on line 2); row skipped (--lenient)",
    ]);
  });
  it("still refuses a file with no usable row", () => {
    expect(() => parse("Date,Close\n2024-01-02,x\n", lenient)).toThrow(/no price rows/);
  });
});

describe("a row with more cells than the header is refused, never half-read", () => {
  const hint = "an unquoted thousands separator or decimal comma?";
  const layouts: [string, string, string][] = [
    ["Date,Close with a thousands separator", "Date,Close\n2024-07-15,2900.5\n2024-07-16,2,956.35\n", "T.csv:3: more cells than the 2 of the header: " + hint],
    ["Date,Close with a decimal comma", "Date,Close\n2024-07-16,295,64\n", "T.csv:2: more cells than the 2 of the header: " + hint],
    ["Yahoo's layout", "Date,Open,High,Low,Close,Adj Close,Volume\n2024-07-16,1,234.5,1240,1230,1238,1,236.2,100\n", "T.csv:2: more cells than the 7 of the header: " + hint],
    ["Stooq's layout", "Date,Open,High,Low,Close,Volume\n2024-07-16,100,101,99,1,000.5,5000\n", "T.csv:2: more cells than the 6 of the header: " + hint],
    ["a quoted file", 'Date,"Close"\n2024-07-16,2,956.35\n', "T.csv:2: more cells than the 2 of the header: " + hint],
  ];
  for (const [what, text, message] of layouts) {
    it(`${what}: an error naming file and line, with the hint`, () => {
      expect(() => parse(text, strict)).toThrow(DataError);
      expect(() => parse(text, strict)).toThrow(message);
    });
  }

  it("--lenient skips such a row with that warning and keeps the rest", () => {
    const { series, warnings } = parse("Date,Close\n2024-07-15,2900.5\n2024-07-16,2,956.35\n2024-07-17,2960\n", lenient);
    expect(series.dates).toEqual(["2024-07-15", "2024-07-17"]);
    expect(series.closes).toEqual([2900.5, 2960]);
    expect(warnings).toEqual([`T.csv:3: more cells than the 2 of the header: ${hint}; row skipped (--lenient)`]);
  });

  it("blank trailing cells are not extra cells", () => {
    expect(parse("Date,Close\n2024-07-16,295.5,\n2024-07-17,296, ,\n", strict).series.closes).toEqual([295.5, 296]);
  });
});

describe("dates read character by character", () => {
  it("a date with a non-digit in it is refused, even when a real date was read before", () => {
    // Once, signed parts summed into the key let "2024-03-x5" stand for 2023-03-05.
    for (const bad of ["2024-03-x5", "2024-03-0:", "20a4-03-05", "2024-0/-05"]) {
      expect(() => parse(`Date,Close\n2023-03-05,1\n${bad},2\n`)).toThrow(`T.csv:3: date "${bad}" is not a YYYY-MM-DD calendar date`);
    }
  });
});
