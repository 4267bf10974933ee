import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runCheck } from "../../src/core/check.js";
import { rankSeries, surgeSeries } from "../../src/core/surge.js";
import { parsePriceCsv, parsePriceCsvPieces } from "../../src/sources/csv/format.js";
import { DataError } from "../../src/errors.js";
import { weekdays } from "../helpers/series.js";

// Fixed seed so a failure reproduces; FC_NUM_RUNS=1000 npm test explores further.
const settings = { seed: Number(process.env.FC_SEED ?? 20240716), numRuns: Number(process.env.FC_NUM_RUNS ?? 60) };

const dailyReturn = fc.double({ min: -0.08, max: 0.08, noNaN: true });
const pairOfPaths = (length: number) =>
  fc.tuple(fc.array(dailyReturn, { minLength: length, maxLength: length }), fc.array(dailyReturn, { minLength: length, maxLength: length }));

function closesFrom(returns: number[]): number[] {
  const closes = [100];
  for (const r of returns) closes.push(closes[closes.length - 1]! * (1 + r));
  return closes;
}

const universe = { small: ["A"], mid: [], large: ["B"], pairs: [{ symbol: "A", benchmark: "B" }] };
const options = { universe, window: 5, threshold: 95 };

describe("properties of the core", () => {
  it("appending later data never changes a figure computed as of an earlier date", () => {
    fc.assert(
      fc.property(pairOfPaths(320), fc.integer({ min: 260, max: 300 }), ([ra, rb], cut) => {
        const dates = weekdays("2015-01-05", 321);
        const a = closesFrom(ra);
        const b = closesFrom(rb);
        const full = new Map([["A", { symbol: "A", dates, closes: a }], ["B", { symbol: "B", dates, closes: b }]]);
        const known = new Map([["A", { symbol: "A", dates: dates.slice(0, cut + 1), closes: a.slice(0, cut + 1) }], ["B", { symbol: "B", dates: dates.slice(0, cut + 1), closes: b.slice(0, cut + 1) }]]);
        expect(runCheck(full, { ...options, asOf: dates[cut] })).toEqual(runCheck(known, { ...options, asOf: dates[cut] }));
      }),
      settings,
    );
  });

  it("scaling every price of one series changes no return and no rank", () => {
    fc.assert(
      fc.property(pairOfPaths(300), fc.double({ min: 0.01, max: 1000, noNaN: true }), ([ra, rb], scale) => {
        const dates = weekdays("2015-01-05", 301);
        const a = closesFrom(ra);
        const b = closesFrom(rb);
        const base = runCheck(new Map([["A", { symbol: "A", dates, closes: a }], ["B", { symbol: "B", dates, closes: b }]]), options);
        const scaled = runCheck(new Map([["A", { symbol: "A", dates, closes: a.map((x) => x * scale) }], ["B", { symbol: "B", dates, closes: b }]]), options);
        expect(scaled.pairs[0]!.surge.value).toBeCloseTo(base.pairs[0]!.surge.value!, 9);
        expect(scaled.pairs[0]!.relative.d21).toBeCloseTo(base.pairs[0]!.relative.d21!, 9);
        expect(scaled.tickers[0]!.returns.d63).toBeCloseTo(base.tickers[0]!.returns.d63!, 9);
      }),
      settings,
    );
  });

  it("swapping A and B negates the surge and mirrors the percentile", () => {
    fc.assert(
      fc.property(pairOfPaths(300), ([ra, rb]) => {
        const dates = weekdays("2015-01-05", 301);
        const a = closesFrom(ra);
        const b = closesFrom(rb);
        const ab = surgeSeries({ dates, a, b }, 5);
        const ba = surgeSeries({ dates, a: b, b: a }, 5);
        // === (not toEqual) so that 0 and -0, the same surge, agree.
        expect(ba.values.every((v, i) => v === -ab.values[i]!)).toBe(true);
        const rankAB = rankSeries(ab.values);
        const rankBA = rankSeries(ba.values);
        for (let t = 252; t < ab.values.length; t++) {
          // Below one way is above the other, and ties count half on each side: ties included,
          // the two percentiles always sum to 100 (to the last bits of a double).
          expect(rankAB.percentile[t]! + rankBA.percentile[t]!).toBeCloseTo(100, 9);
        }
      }),
      settings,
    );
  });

  it("percentile and largestSince agree with a naive quadratic ranking, ties included", () => {
    const value = fc.oneof(fc.integer({ min: -5, max: 5 }).map((x) => x / 100), fc.double({ min: -0.2, max: 0.2, noNaN: true }));
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 120 }), fc.integer({ min: 1, max: 20 }), (values, minObservations) => {
        const ranks = rankSeries(values, minObservations);
        for (let t = 0; t < values.length; t++) {
          if (t < minObservations) {
            expect(ranks.percentile[t]).toBeNaN();
            continue;
          }
          const today = values[t]!;
          const below = values.slice(0, t).filter((v) => v < today).length;
          const equal = values.slice(0, t).filter((v) => v === today).length;
          expect(ranks.percentile[t]).toBe((100 * (below + equal / 2)) / t);
          let since = -1;
          for (let j = t - 1; j >= 0; j--) {
            if (today >= 0 ? values[j]! >= today : values[j]! <= today) {
              since = j;
              break;
            }
          }
          expect(ranks.largestSinceIndex[t]).toBe(since);
        }
      }),
      settings,
    );
  });
});

describe("properties of the CSV reader", () => {
  const price = fc.double({ min: 0.0001, max: 1e6, noNaN: true });
  it("round-trips any valid series, in any row order", () => {
    fc.assert(
      fc.property(fc.array(price, { minLength: 1, maxLength: 60 }), fc.boolean(), fc.boolean(), (closes, shuffle, crlf) => {
        const dates = weekdays("2000-01-03", closes.length);
        const rows = dates.map((d, i) => `${d},${closes[i]}`);
        if (shuffle) rows.reverse();
        const text = ["Date,Close", ...rows].join(crlf ? "\r\n" : "\n") + (crlf ? "\r\n" : "\n");
        const { series } = parsePriceCsv(text, "p.csv", "P", { lenient: false });
        expect(series.dates).toEqual(dates);
        expect(Array.from(series.closes)).toEqual(closes);
      }),
      settings,
    );
  });

  it("for any bytes, either parses or fails with one DataError line naming the file", () => {
    const bytes = fc.uint8Array({ maxLength: 400 });
    const csvish = fc.array(fc.constantFrom("Date", "Close", ",", "\n", "\r", '"', "2024-01-02", "1.5", "-3", "x", " ", "\u001b", "\u0000"), { maxLength: 60 }).map((parts) => parts.join(""));
    fc.assert(
      fc.property(fc.oneof(bytes.map((b) => Buffer.from(b).toString("utf8")), csvish), (text) => {
        try {
          parsePriceCsv(text, "f.csv", "F", { lenient: false });
        } catch (error) {
          expect(error).toBeInstanceOf(DataError);
          expect((error as Error).message).toMatch(/^f\.csv(:\d+)?: /);
          expect((error as Error).message).not.toMatch(/\n/);
        }
      }),
      { ...settings, numRuns: settings.numRuns * 5 },
    );
  });

  it("reads a file cut into pieces anywhere (inside a line, between CR and LF, inside a quote) exactly as the whole text", () => {
    const csvish = fc.array(fc.constantFrom("Date,Close\n", "Date", "Close", ",", "\n", "\r\n", "\r", '"', "2024-01-02", "2024-01-03", "1.5", "-3", "x", " ", "\ufeff"), { maxLength: 40 }).map((parts) => parts.join(""));
    const outcome = (read: () => unknown): unknown => {
      try {
        return read();
      } catch (error) {
        return { error: (error as Error).message };
      }
    };
    fc.assert(
      fc.property(csvish, fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(), (text, cuts, lenient) => {
        const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((x, y) => x - y);
        const pieces = [0, ...at].map((from, i) => text.slice(from, [...at, text.length][i]));
        expect(pieces.join("")).toBe(text);
        const whole = outcome(() => parsePriceCsv(text, "f.csv", "F", { lenient }));
        expect(outcome(() => parsePriceCsvPieces(() => pieces, "f.csv", "F", { lenient }))).toEqual(whole);
      }),
      { ...settings, numRuns: settings.numRuns * 5 },
    );
  });
});
