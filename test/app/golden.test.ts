import { describe, expect, it } from "vitest";
import { runCheck } from "../../src/core/check.js";
import { CsvFolderSource } from "../../src/sources/csv/folder.js";
import { parseUniverse } from "../../src/settings/validators.js";
import { FIXTURE_PRICES, readFixtureCloses } from "../helpers/paths.js";

/** The independent reference: a few lines over the raw CSV, sharing no code with src/. */
const readCloses = readFixtureCloses;

function referenceSurge(a: string, b: string, asOf: string, window = 5) {
  const A = readCloses(a);
  const B = readCloses(b);
  const dates = [...A.keys()].filter((d) => B.has(d) && d <= asOf).sort();
  const surges: [string, number][] = [];
  for (let i = window; i < dates.length; i++) {
    const ra = A.get(dates[i]!)! / A.get(dates[i - window]!)! - 1;
    const rb = B.get(dates[i]!)! / B.get(dates[i - window]!)! - 1;
    surges.push([dates[i]!, ra - rb]);
  }
  const [, today] = surges[surges.length - 1]!;
  const earlier = surges.slice(0, -1);
  // Mid-rank: values below, plus half of those equal.
  const percentile = (100 * (earlier.filter(([, v]) => v < today).length + earlier.filter(([, v]) => v === today).length / 2)) / earlier.length;
  let largestSince: string | null = null;
  for (let i = earlier.length - 1; i >= 0; i--) {
    if (today >= 0 ? earlier[i]![1] >= today : earlier[i]![1] <= today) {
      largestSince = earlier[i]![0];
      break;
    }
  }
  return { value: today, percentile, largestSince, observations: earlier.length, historyStart: surges[0]![0] };
}

describe(`golden figures on the real history in ../shared/prices`, () => {
  it("July 2024: IWM +11.52% in five days, the largest small-over-large surge on record", async () => {
    const universe = parseUniverse({});
    const loaded = await new CsvFolderSource(FIXTURE_PRICES).load(["IWM", "IJR", "IJH", "SPY", "QQQ"]);
    const result = runCheck(loaded.series, { universe, window: 5, threshold: 99, asOf: "2024-07-16" });
    expect(result.asOf).toBe("2024-07-16");

    const iwm = readCloses("IWM");
    const iwmDates = [...iwm.keys()].filter((d) => d <= "2024-07-16").sort();
    const iwmFiveDay = iwm.get(iwmDates.at(-1)!)! / iwm.get(iwmDates.at(-6)!)! - 1;
    const iwmRow = result.tickers.find((t) => t.symbol === "IWM")!;
    expect(iwmRow.returns.d5).toBeCloseTo(iwmFiveDay, 12);
    expect(iwmRow.returns.d5!.toFixed(4)).toBe("0.1152");

    for (const [a, b] of [["IWM", "SPY"], ["IJR", "SPY"], ["IJH", "SPY"], ["IWM", "QQQ"]] as const) {
      const expected = referenceSurge(a, b, "2024-07-16");
      const pair = result.pairs.find((p) => p.pair === `${a}:${b}`)!;
      expect(pair.surge.value).toBeCloseTo(expected.value, 12);
      expect(pair.surge.percentile).toBeCloseTo(expected.percentile, 10);
      expect(pair.surge.largestSince).toBe(expected.largestSince);
      expect(pair.surge.observations).toBe(expected.observations);
      expect(pair.surge.historyStart).toBe(expected.historyStart);
    }
    const iwmSpy = result.pairs.find((p) => p.pair === "IWM:SPY")!;
    expect(iwmSpy.surge.value!.toFixed(4)).toBe("0.0989");
    expect(iwmSpy.surge.percentile).toBe(100);
    expect(iwmSpy.surge.largestSince).toBeNull();
    expect(iwmSpy.signal).toBe("small-surge");
    expect(result.pairs.find((p) => p.pair === "IJR:SPY")!.surge.largestSince).toBe("2020-04-29");
  });

  it("a negative surge on a calm day: March 2020 ranked against history", async () => {
    const loaded = await new CsvFolderSource(FIXTURE_PRICES).load(["IWM", "SPY"]);
    const universe = parseUniverse({ pairs: "IWM:SPY" });
    for (const asOf of ["2020-03-18", "2008-10-10", "2015-06-30"]) {
      const pair = runCheck(loaded.series, { universe, window: 5, threshold: 99, asOf }).pairs[0]!;
      const expected = referenceSurge("IWM", "SPY", asOf);
      expect(pair.surge.value).toBeCloseTo(expected.value, 12);
      expect(pair.surge.percentile).toBeCloseTo(expected.percentile, 10);
      expect(pair.surge.largestSince).toBe(expected.largestSince);
    }
  });
});

/** Independent references for issue 15's figures: plain loops over the raw files. */
function referenceOwnMove(symbol: string, asOf: string, window = 5) {
  const closes = readCloses(symbol);
  const dates = [...closes.keys()].filter((d) => d <= asOf).sort();
  const moves = dates.slice(window).map((d, i) => [d, closes.get(d)! / closes.get(dates[i]!)! - 1] as const);
  const [, today] = moves.at(-1)!;
  const earlier = moves.slice(0, -1);
  let since: readonly [string, number] | null = null;
  for (let i = earlier.length - 1; i >= 0; i--) {
    if (today >= 0 ? earlier[i]![1] >= today : earlier[i]![1] <= today) {
      since = earlier[i]!;
      break;
    }
  }
  const below = earlier.filter(([, v]) => v < today).length;
  const equal = earlier.filter(([, v]) => v === today).length;
  return { value: today, percentile: (100 * (below + equal / 2)) / earlier.length, largestSince: since?.[0] ?? null, largestSinceValue: since?.[1] ?? null };
}

function referenceStreakAndRatio(a: string, b: string, asOf: string) {
  const A = readCloses(a);
  const B = readCloses(b);
  const dates = [...A.keys()].filter((d) => B.has(d) && d <= asOf).sort();
  const leaders = dates.slice(1).map((d, i) => {
    const ra = A.get(d)! / A.get(dates[i]!)! - 1;
    const rb = B.get(d)! / B.get(dates[i]!)! - 1;
    return ra > rb ? a : ra < rb ? b : null;
  });
  let sessions = 0;
  const leader = leaders.at(-1) ?? null;
  for (let i = leaders.length - 1; i >= 0 && leader !== null && leaders[i] === leader; i--) sessions++;
  // Earlier maximal runs of the same leader, at least as long: the latest one's last day.
  let longestSince: string | null = null;
  let run = 0;
  for (let i = 0; i < leaders.length - sessions; i++) {
    run = leaders[i] === leader && leader !== null ? run + 1 : 0;
    const ends = i + 1 === leaders.length - sessions || leaders[i + 1] !== leaders[i];
    if (run >= sessions && ends && leaders[i] === leader) longestSince = dates[i + 1]!;
  }
  const ratios = dates.map((d) => A.get(d)! / B.get(d)!);
  const peak = Math.max(...ratios);
  const value = ratios.at(-1)!;
  return { leader: sessions > 0 ? leader : null, sessions, longestSince: sessions > 0 ? longestSince : null, value, peak, peakDate: dates[ratios.lastIndexOf(peak)]!, fromPeak: value / peak - 1 };
}

describe("each fund's own record, streaks and the ratio's peak, on the real history", () => {
  it("as of 2024-07-16, IWM's 5-day return 0.1152 is its largest since 2020-04-29 (0.1367)", async () => {
    const loaded = await new CsvFolderSource(FIXTURE_PRICES).load(["IWM", "IJR", "IJH", "SPY", "QQQ"]);
    const result = runCheck(loaded.series, { universe: parseUniverse({}), window: 5, threshold: 99, asOf: "2024-07-16" });
    const iwm = result.tickers.find((t) => t.symbol === "IWM")!.surge;
    const expected = referenceOwnMove("IWM", "2024-07-16");
    expect(iwm.value).toBeCloseTo(expected.value, 12);
    expect(iwm.largestSince).toBe(expected.largestSince);
    expect(iwm.largestSinceValue).toBeCloseTo(expected.largestSinceValue!, 12);
    expect(iwm.percentile).toBeCloseTo(expected.percentile, 10);
    expect([iwm.value!.toFixed(4), iwm.largestSince, iwm.largestSinceValue!.toFixed(4)]).toEqual(["0.1152", "2020-04-29", "0.1367"]);
  });

  for (const asOf of ["2020-03-16", "2021-03-15", "2008-10-10"]) {
    it(`funds, streaks and ratios as of ${asOf} match the reference`, async () => {
      const loaded = await new CsvFolderSource(FIXTURE_PRICES).load(["IWM", "IJR", "IJH", "SPY", "QQQ"]);
      const result = runCheck(loaded.series, { universe: parseUniverse({}), window: 5, threshold: 99, asOf });
      for (const t of result.tickers) {
        const expected = referenceOwnMove(t.symbol, asOf);
        expect(t.surge.value).toBeCloseTo(expected.value, 12);
        expect(t.surge.percentile).toBeCloseTo(expected.percentile, 10);
        expect(t.surge.largestSince).toBe(expected.largestSince);
      }
      for (const p of result.pairs) {
        const expected = referenceStreakAndRatio(p.symbol, p.benchmark, asOf);
        expect(p.streak).toEqual({ leader: expected.leader, sessions: expected.sessions, longestSince: expected.longestSince });
        expect(p.ratio!.value).toBeCloseTo(expected.value, 12);
        expect(p.ratio!.peak).toBeCloseTo(expected.peak, 12);
        expect(p.ratio!.peakDate).toBe(expected.peakDate);
        expect(p.ratio!.fromPeak).toBeCloseTo(expected.fromPeak, 12);
        const largest = p.surge.largestSince === null ? null : referenceSurge(p.symbol, p.benchmark, asOf);
        if (largest) expect(p.surge.largestSinceValue).not.toBeNull();
      }
    });
  }
});
