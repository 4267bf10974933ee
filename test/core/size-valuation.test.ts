import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { publishedBy, rankSizeValuation, sizeValuationSeries, splitsOf, type SizeBookToMarket } from "../../src/core/size-valuation.js";
import { parseFrenchCsv } from "../../src/sources/french/format.js";
import { sizeBookToMarketOf } from "../../src/sources/french/provider.js";
import { FRENCH_FIXTURES } from "../helpers/french-server.js";

/**
 * Independent reference, from the raw text of the real extract: a section's rows by their
 * YYYYMM, split by commas (no code of src/ involved).
 */
function rawSection(text: string, title: string): Map<string, number[]> {
  const lines = text.split(/\r?\n/);
  let i = lines.findIndex((l) => l.includes(title));
  while (!lines[i]!.startsWith(",")) i++;
  const rows = new Map<string, number[]>();
  for (i++; /^\d{6},/.test(lines[i] ?? ""); i++) {
    const cells = lines[i]!.split(",");
    rows.set(cells[0]!, cells.slice(1).map(Number));
  }
  return rows;
}

describe("the small-versus-large book-to-market series (real extract of 25_Portfolios_5x5, vintage 202408)", () => {
  const text = readFileSync(path.join(FRENCH_FIXTURES, "25_Portfolios_5x5.CSV"), "latin1");
  const data = sizeBookToMarketOf(parseFrenchCsv(text, "25_Portfolios_5x5"), "25_Portfolios_5x5");
  const [quintiles, twoQuintiles] = splitsOf(data.columns);

  it("splits the 25 portfolios by size quintile: SMALL and ME1 are the smallest, BIG and ME5 the largest", () => {
    expect(quintiles).toMatchObject({ id: "q1-q5", small: [0, 1, 2, 3, 4], large: [20, 21, 22, 23, 24] });
    expect(twoQuintiles).toMatchObject({ id: "q12-q45", small: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], large: [15, 16, 17, 18, 19, 20, 21, 22, 23, 24] });
  });

  // By hand: book equity fixed from the July row (BE/ME_June x firms x average cap), over each month's firms x average cap.
  const firms = rawSection(text, "Number of Firms in Portfolios");
  const caps = rawSection(text, "Average Market Cap");
  const book = rawSection(text, "BE_FYt-1/ME_June t");
  const reference = (month: string, members: number[]) => {
    const year = Number(month.slice(0, 4)) - (Number(month.slice(4)) < 7 ? 1 : 0);
    const july = `${year}07`;
    let be = 0;
    let me = 0;
    for (const p of members) {
      be += book.get(july)![p]! * firms.get(july)![p]! * caps.get(july)![p]!;
      me += firms.get(month)![p]! * caps.get(month)![p]!;
    }
    return be / me;
  };

  it("matches a computation by hand for months in both halves of the portfolio year", () => {
    const series = sizeValuationSeries(data, quintiles!);
    for (const month of ["200307", "201012", "202305", "202307", "202405"]) {
      const point = series.find((p) => p.month === `${month.slice(0, 4)}-${month.slice(4)}`)!;
      const small = reference(month, quintiles!.small);
      const large = reference(month, quintiles!.large);
      expect(point.smallBookToMarket).toBeCloseTo(small, 12);
      expect(point.largeBookToMarket).toBeCloseTo(large, 12);
      expect(point.ratio).toBeCloseTo(small / large, 12);
    }
    expect(series.find((p) => p.month === "2024-06")!.formedIn).toBe("2023-07");
    expect(series.find((p) => p.month === "2024-07")!.formedIn).toBe("2024-07");
  });

  it("as of 2024-07-16 (data to 2024-05 under the publication rule): the ratio's percentile against the previous 20 years, ranked by hand", () => {
    const series = sizeValuationSeries(data, quintiles!);
    const rank = rankSizeValuation(series, "2024-07-16", { kind: "years", years: 20 })!;
    expect(rank.month).toBe("2024-05");
    const today = reference("202405", quintiles!.small) / reference("202405", quintiles!.large);
    const earlier: number[] = [];
    for (const [month] of firms) {
      if (month >= "200405" && month < "202405") earlier.push(reference(month, quintiles!.small) / reference(month, quintiles!.large));
    }
    expect(earlier).toHaveLength(240);
    const below = earlier.filter((v) => v < today).length;
    const equal = earlier.filter((v) => v === today).length;
    expect(rank).toMatchObject({ observations: 240, rankedFrom: "2004-05", rankedTo: "2024-04" });
    expect(rank.percentile).toBeCloseTo((100 * (below + equal / 2)) / 240, 10);
  });
});

describe("a month is known from the end of the month after it", () => {
  it("publishedBy", () => {
    expect(publishedBy("2024-05")).toBe("2024-06-30");
    expect(publishedBy("2024-11")).toBe("2024-12-31");
    expect(publishedBy("2024-12")).toBe("2025-01-31");
    expect(publishedBy("2024-01")).toBe("2024-02-29");
  });

  it("as of a date only the months published by then are used", () => {
    const months = ["2024-03", "2024-04", "2024-05", "2024-06"];
    const points = months.map((month, i) => ({ month, ratio: 1 + i, smallBookToMarket: 1, largeBookToMarket: 1, formedIn: "2023-07" }));
    expect(rankSizeValuation(points, "2024-06-29", { kind: "all" })?.month).toBe("2024-04");
    expect(rankSizeValuation(points, "2024-06-30", { kind: "all" })?.month).toBe("2024-05");
    expect(rankSizeValuation(points, "2024-04-29", { kind: "all" })).toBeNull();
  });
});

describe("the series jumps when the portfolios are re-formed each July", () => {
  it("book equity is fixed from July to June, then taken anew", () => {
    // Two portfolios (one small, one big); book-to-market at formation 1.0 and 0.5, then 2.0 in the next July.
    const months = ["2023-07", "2023-08", "2024-06", "2024-07"];
    const data: SizeBookToMarket = {
      columns: ["SMALL LoBM", "BIG LoBM"],
      months,
      firms: months.map(() => [10, 10]),
      averageCap: [[1, 10], [2, 10], [2, 10], [2, 10]],
      bookToMarketJune: [[1, 0.5], [1.3, 0.6], [1.4, 0.6], [2, 0.5]],
    };
    const series = sizeValuationSeries(data, { id: "halves", label: "", small: [0], large: [1] });
    // July 2023: small BE = 1 x 10 x 1 = 10, over ME 10; big BE = 0.5 x 100 = 50, over 100.
    expect(series.map((p) => p.smallBookToMarket)).toEqual([1, 0.5, 0.5, 2]);
    expect(series.map((p) => p.ratio)).toEqual([2, 1, 1, 4]);
    expect(series.map((p) => p.formedIn)).toEqual(["2023-07", "2023-07", "2023-07", "2024-07"]);
  });

  it("a month missing any number is left out, and so is a year whose July lacks one", () => {
    const months = ["2023-07", "2023-08", "2024-07", "2024-08"];
    const data: SizeBookToMarket = {
      columns: ["SMALL LoBM", "BIG LoBM"],
      months,
      firms: [[10, 10], [null, 10], [10, 10], [10, 10]],
      averageCap: months.map(() => [1, 10]),
      bookToMarketJune: [[1, 0.5], [1, 0.5], [null, 0.5], [1, 0.5]],
    };
    expect(sizeValuationSeries(data, { id: "halves", label: "", small: [0], large: [1] }).map((p) => p.month)).toEqual(["2023-07"]);
  });
});

describe("the 2 x 3 file's halves (real extract of 6_Portfolios_2x3, vintage 202002)", () => {
  it("splits at the NYSE median and computes the halves' ratio as by hand", () => {
    const text = readFileSync(path.join(FRENCH_FIXTURES, "6_Portfolios_2x3.CSV"), "latin1");
    const data = sizeBookToMarketOf(parseFrenchCsv(text, "6_Portfolios_2x3"), "6_Portfolios_2x3");
    const splits = splitsOf(data.columns);
    expect(splits).toMatchObject([{ id: "halves", small: [0, 1, 2], large: [3, 4, 5] }]);
    const firms = rawSection(text, "Number of Firms in Portfolios");
    const caps = rawSection(text, "Average Market Cap");
    const book = rawSection(text, "BE_FYt-1/ME_June t");
    const group = (month: string, members: number[]) => {
      let be = 0;
      let me = 0;
      for (const p of members) {
        be += book.get("201907")![p]! * firms.get("201907")![p]! * caps.get("201907")![p]!;
        me += firms.get(month)![p]! * caps.get(month)![p]!;
      }
      return be / me;
    };
    const point = sizeValuationSeries(data, splits[0]!).find((p) => p.month === "2020-02")!;
    expect(point.ratio).toBeCloseTo(group("202002", [0, 1, 2]) / group("202002", [3, 4, 5]), 12);
  });
});
