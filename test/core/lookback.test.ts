import { describe, expect, it } from "vitest";
import { lookbackStart, lookbackStarts, yearsBefore, type Lookback } from "../../src/core/lookback.js";
import { rankAt, rankSeries } from "../../src/core/surge.js";
import { seededRandom, weekdays } from "../helpers/series.js";

describe("lookback windows", () => {
  it("N years before a date, as text that compares right even for 29 February", () => {
    expect(yearsBefore("2024-07-16", 10)).toBe("2014-07-16");
    expect(yearsBefore("2024-02-29", 3)).toBe("2021-02-29");
    // No 2021-02-29: the first date on or after it is 1 March.
    expect("2021-02-28" < yearsBefore("2024-02-29", 3)).toBe(true);
    expect("2021-03-01" >= yearsBefore("2024-02-29", 3)).toBe(true);
  });

  it("sessions: the previous N days; years: the days on or after the same date N years before", () => {
    const dates = weekdays("2010-01-04", 2000);
    const dateOf = (i: number) => dates[i]!;
    expect(lookbackStart({ kind: "all" }, 1500, dateOf)).toBe(0);
    expect(lookbackStart({ kind: "sessions", sessions: 300 }, 1500, dateOf)).toBe(1200);
    expect(lookbackStart({ kind: "sessions", sessions: 300 }, 100, dateOf)).toBe(0);
    const start = lookbackStart({ kind: "years", years: 2 }, 1500, dateOf);
    // Independently: the first weekday on or after the same date two years before.
    const from = `${Number(dates[1500]!.slice(0, 4)) - 2}${dates[1500]!.slice(4)}`;
    expect(start).toBe(dates.findIndex((d) => d >= from));
    for (const lookback of [{ kind: "sessions", sessions: 260 }, { kind: "years", years: 2 }, { kind: "years", years: 3 }] as Lookback[]) {
      const starts = lookbackStarts(lookback, dates.length, dateOf)!;
      for (let i = 0; i < dates.length; i += 37) expect(starts[i]).toBe(lookbackStart(lookback, i, dateOf));
    }
    expect(lookbackStarts({ kind: "all" }, 10, dateOf)).toBeNull();
  });
});

/** The definition, written plainly: day t against values[start, t). */
function naiveRank(values: number[], t: number, start: number) {
  const earlier = values.slice(start, t);
  const below = earlier.filter((v) => v < values[t]!).length;
  const equal = earlier.filter((v) => v === values[t]!).length;
  let since = -1;
  for (let j = t - 1; j >= start; j--) {
    if (values[t]! >= 0 ? values[j]! >= values[t]! : values[j]! <= values[t]!) {
      since = j;
      break;
    }
  }
  return { percentile: (100 * (below + equal / 2)) / earlier.length, since };
}

describe("ranks within a lookback", () => {
  const random = seededRandom(2024);
  // Rounded so that ties happen; both signs, as surges have.
  const values = Array.from({ length: 1400 }, () => Math.round((random() - 0.5) * 400) / 1000);
  const dates = weekdays("2015-01-05", values.length);

  it("every day's percentile and 'largest since' count only the window's days", () => {
    const lookback: Lookback = { kind: "sessions", sessions: 300 };
    const starts = lookbackStarts(lookback, values.length, (i) => dates[i]!)!;
    const ranks = rankSeries(values, 252, undefined, starts);
    const whole = rankSeries(values, 252);
    for (let t = 0; t < values.length; t++) {
      if (t - starts[t]! < 252) {
        expect(Number.isNaN(ranks.percentile[t])).toBe(true);
        continue;
      }
      const expected = naiveRank(values, t, starts[t]!);
      expect(ranks.percentile[t]).toBeCloseTo(expected.percentile, 10);
      expect(ranks.largestSinceIndex[t]).toBe(expected.since);
      // The z-score looks back 252 days, inside every window a ranked day has.
      expect(Object.is(ranks.zScore[t], whole.zScore[t])).toBe(true);
      // The same day ranked alone (check's path) agrees.
      const one = rankAt(values, t, 252, starts[t]!);
      expect(one.percentile).toBeCloseTo(expected.percentile, 10);
      expect(one.largestSinceIndex).toBe(expected.since);
      expect(one.observations).toBe(t - starts[t]!);
    }
  });

  it("with every window starting at day 0, the readable definition gives the kernel's percentiles to the last bit", () => {
    const zeros = new Int32Array(values.length);
    const readable = rankSeries(values, 252, undefined, zeros);
    const kernel = rankSeries(values, 252);
    for (let t = 0; t < values.length; t++) {
      expect(Object.is(readable.percentile[t], kernel.percentile[t])).toBe(true);
      expect(readable.largestSinceIndex[t]).toBe(kernel.largestSinceIndex[t]);
    }
  });

  it("years: a window that rolls with the calendar", () => {
    const lookback: Lookback = { kind: "years", years: 2 };
    const starts = lookbackStarts(lookback, values.length, (i) => dates[i]!)!;
    const ranks = rankSeries(values, 252, undefined, starts);
    for (const t of [600, 900, 1399]) {
      expect(dates[starts[t]!]! >= yearsBefore(dates[t]!, 2)).toBe(true);
      expect(dates[starts[t]! - 1]! < yearsBefore(dates[t]!, 2)).toBe(true);
      expect(ranks.percentile[t]).toBeCloseTo(naiveRank(values, t, starts[t]!).percentile, 10);
    }
  });
});
