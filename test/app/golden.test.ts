import { describe, expect, it } from "vitest";
import { runCheck } from "../../src/core/check.js";
import { CsvFolderSource } from "../../src/sources/csv.js";
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
