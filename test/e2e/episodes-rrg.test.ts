import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { expectCleanOutput, runCli } from "../helpers/cli.js";
import { FIXTURE_PRICES, readFixtureCloses } from "../helpers/paths.js";

const readCloses = readFixtureCloses;

/** Independent reference: naive percentiles over the raw files, flagged days grouped by gap. */
function referenceEpisodeAround(day: string) {
  const A = readCloses("IWM");
  const B = readCloses("SPY");
  const dates = [...A.keys()].filter((d) => B.has(d)).sort();
  const surges = dates.slice(5).map((d, i) => ({ date: d, value: A.get(d)! / A.get(dates[i]!)! - 1 - (B.get(d)! / B.get(dates[i]!)! - 1) }));
  const target = surges.findIndex((s) => s.date === day);
  const flagged: number[] = [];
  for (let t = target - 30; t <= target + 30; t++) {
    const below = surges.slice(0, t).filter((s) => s.value < surges[t]!.value).length;
    const equal = surges.slice(0, t).filter((s) => s.value === surges[t]!.value).length;
    if ((100 * (below + equal / 2)) / t >= 99) flagged.push(t);
  }
  // Walk out from the target day while flagged days are at most 5 apart.
  let first = flagged.indexOf(target);
  let last = first;
  while (first > 0 && flagged[first]! - flagged[first - 1]! <= 5) first--;
  while (last < flagged.length - 1 && flagged[last + 1]! - flagged[last]! <= 5) last++;
  const members = flagged.slice(first, last + 1).map((t) => surges[t]!);
  const peak = members.reduce((best, s) => (s.value > best.value ? s : best));
  // Relative return over h common days from the close of `date`.
  const forward = (date: string, h: number) => {
    const i = dates.indexOf(date);
    const to = dates[i + h]!;
    return A.get(to)! / A.get(date)! - 1 - (B.get(to)! / B.get(date)! - 1);
  };
  return { start: members[0]!.date, end: members.at(-1)!.date, peakDate: peak.date, peakSurge: peak.value, forward5: forward(members[0]!.date, 5), forward63: forward(members[0]!.date, 63), fromPeak5: forward(peak.date, 5) };
}

describe(`rotation episodes on the real history`, () => {
  it("finds July 2024 for IWM:SPY with the peak computed independently", () => {
    const result = runCli(["episodes", "--data", FIXTURE_PRICES, "--pairs", "IWM:SPY", "--json"]);
    expect(result.status).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.schemaVersion).toBe(2);
    expect(doc.parameters).toEqual({ window: 5, threshold: 99, lookback: "all", gap: 5, since: null, until: null, intervals: { confidence: 0.9, resamples: 1000, minClusters: 8 } });
    const july = doc.episodes.find((e: { start: string; end: string }) => e.start <= "2024-07-16" && e.end >= "2024-07-16");
    const expected = referenceEpisodeAround("2024-07-16");
    expect(july).toMatchObject({ pair: "IWM:SPY", direction: "small-surge", start: expected.start, end: expected.end, peakDate: expected.peakDate, open: false });
    expect(july.peakSurge).toBeCloseTo(expected.peakSurge, 12);
    expect(july.peakPercentile).toBe(100);
    // What followed runs from the close of the first flagged day; the peak's figures are hindsight.
    expect(july.forward.d5).toBeCloseTo(expected.forward5, 12);
    expect(july.forward.d63).toBeCloseTo(expected.forward63, 12);
    expect(july.forwardFromPeak.d5).toBeCloseTo(expected.fromPeak5, 12);
    expect(july.forward.d5).not.toBeCloseTo(july.forwardFromPeak.d5, 4);
    const summary = doc.summary.find((s: { direction: string }) => s.direction === "small-surge");
    expect(summary.episodes).toBe(doc.episodes.filter((e: { direction: string }) => e.direction === "small-surge").length);
    expectCleanOutput(result);
  });

  it("shows the table newest first, and --since/--until narrow it", () => {
    const result = runCli(["episodes", "--data", FIXTURE_PRICES, "--pairs", "IWM:SPY", "--since", "2024-07-01", "--until", "2024-07-31"]);
    expect(result.status).toBe(0);
    const rows = result.stdout.split("\n").filter((line) => line.includes("IWM:SPY") && /\d{4}-\d{2}-\d{2}/.test(line));
    expect(rows.length).toBeGreaterThanOrEqual(1);
    const starts = rows.map((r) => r.match(/\d{4}-\d{2}-\d{2}/)![0]);
    expect([...starts].sort().reverse()).toEqual(starts);
    expect(result.stdout).toMatch(/2024-07-1\d.*SMALL-SURGE|SMALL-SURGE.*2024-07-1\d/);
  });

  it("writes CSV that parses back, and --as-of hides the future", () => {
    const result = runCli(["episodes", "--data", FIXTURE_PRICES, "--pairs", "IWM:SPY,IJR:SPY", "--csv", "--as-of", "2024-07-16"]);
    expect(result.status).toBe(0);
    const rows = parse(result.stdout, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([
      "pair", "direction", "start", "peakDate", "end", "length", "flaggedDays", "peakSurge", "peakPercentile", "peakZScore", "forward5", "forward21", "forward63", "open",
      "forwardFromPeak5", "forwardFromPeak21", "forwardFromPeak63", "observations", "rankedFrom", "rankedTo",
      "russellReconstitution", "january", "IEF_move", "IEF_correlation", "IEF_percentile", "HYG-IEF_move", "HYG-IEF_correlation", "HYG-IEF_percentile",
    ]);
    // The calendar at each start; the drivers' columns empty when their funds are not at hand (the sample has none).
    expect(rows.find((r) => r.pair === "IWM:SPY" && r.start!.startsWith("2024-07"))).toMatchObject({ russellReconstitution: "outside", january: "outside", IEF_correlation: "" });
    expect(rows.every((r) => r.end! <= "2024-07-16")).toBe(true);
    const current = rows.find((r) => r.pair === "IWM:SPY" && r.end === "2024-07-16")!;
    expect(current.open).toBe("true");
    expect(current.forward5).toBe("");
  });

  it("NDJSON has one episode per line", () => {
    const result = runCli(["episodes", "--data", FIXTURE_PRICES, "--pairs", "IWM:SPY", "--format", "ndjson", "--until", "2001-12-31"]);
    const lines = result.stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ schemaVersion: 2, pair: "IWM:SPY" });
  });
});

describe("an episode is open only while the next trading day could join it", () => {
  it("July 2024 (07-12 to 07-18, gap 5): open to 2024-07-24, closed from 2024-07-25", () => {
    const at = (asOf: string) =>
      (JSON.parse(runCli(["episodes", "--data", FIXTURE_PRICES, "--pairs", "IWM:SPY", "--since", "2024-07-01", "--as-of", asOf, "--json"]).stdout).episodes as { start: string; end: string; open: boolean }[]).find((e) => e.start === "2024-07-12")!;
    expect(at("2024-07-24")).toMatchObject({ end: "2024-07-18", open: true });
    expect(at("2024-07-25")).toMatchObject({ end: "2024-07-18", open: false });
  });
});

describe("an episode of the other direction ends an episode", () => {
  it("IJH:SPY as of 2020-05-21: the large-surge of 2020-05-15 is over once the small-surge of 2020-05-20 has started", () => {
    const doc = JSON.parse(runCli(["episodes", "--data", FIXTURE_PRICES, "--pairs", "IJH:SPY", "--since", "2020-05-01", "--as-of", "2020-05-21", "--json"]).stdout);
    const byStart = new Map((doc.episodes as { start: string; direction: string; open: boolean }[]).map((e) => [e.start, e]));
    expect(byStart.get("2020-05-15")).toMatchObject({ direction: "large-surge", open: false });
    expect(byStart.get("2020-05-20")).toMatchObject({ direction: "small-surge", open: true });
    expect(doc.episodes.filter((e: { open: boolean }) => e.open)).toHaveLength(1);
  });
});

describe(`rotation rrg on the real history`, () => {
  it("places the default funds in quadrants with a tail", () => {
    const result = runCli(["rrg", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--json"]);
    expect(result.status).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({ schemaVersion: 1, asOf: "2024-07-16", benchmark: "SPY", parameters: { period: "weekly", ratioWindow: 52, momentumWindow: 52, rocPeriods: 5, smoothing: { short: 5, long: 26 }, tail: 8 } });
    expect(doc.symbols.map((s: { symbol: string }) => s.symbol)).toEqual(["IWM", "IJR", "IJH", "QQQ"]);
    for (const item of doc.symbols) {
      expect(item.tail).toHaveLength(8);
      for (const point of item.tail) expect(["Leading", "Weakening", "Lagging", "Improving"]).toContain(point.quadrant);
      expect(item.tail.at(-1).date).toBe("2024-07-16");
    }
    const rows = parse(runCli(["rrg", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--csv"]).stdout, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(32);
    expect(Object.keys(rows[0]!)).toEqual(["benchmark", "symbol", "date", "ratio", "momentum", "quadrant", "travel"]);
    const lines = runCli(["rrg", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--format", "ndjson"]).stdout.trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).symbol).filter((s: string) => s === "IWM")).toHaveLength(8);
    const table = runCli(["rrg", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--period", "daily", "--tail", "3"]);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/Relative rotation against SPY as of 2024-07-16 \(daily/);
    expectCleanOutput(table);
  });

  it("refuses bad options with exit 2", () => {
    expect(runCli(["rrg", "--period", "monthly"]).stderr).toMatch(/--period must be daily or weekly/);
    expect(runCli(["rrg", "--symbols", "SPY"]).status).toBe(2);
    expect(runCli(["rrg", "--tail", "0"]).status).toBe(2);
    expect(runCli(["episodes", "--gap", "-1"]).status).toBe(2);
    expect(runCli(["episodes", "--since", "2024-02-01", "--until", "2024-01-01"]).stderr).toMatch(/--since 2024-02-01 is after --until 2024-01-01/);
    expect(runCli(["episodes", "--json", "--csv"]).stderr).toMatch(/contradict/);
  });
});

describe("base rates on the real history", () => {
  it("IWM:SPY: every ranked day's 63-day forward relative return, computed independently", () => {
    const doc = JSON.parse(runCli(["episodes", "--data", FIXTURE_PRICES, "--pairs", "IWM:SPY", "--as-of", "2024-07-16", "--json"]).stdout);
    const A = readCloses("IWM");
    const B = readCloses("SPY");
    const dates = [...A.keys()].filter((d) => B.has(d) && d <= "2024-07-16").sort();
    // Surge k (from common day 5 on) is ranked from k = 252 against every earlier surge; a day at
    // or beyond the threshold is an episode's day, not a base day.
    const surges = dates.slice(5).map((d, i) => A.get(d)! / A.get(dates[i]!)! - 1 - (B.get(d)! / B.get(dates[i]!)! - 1));
    const sortedEarlier: number[] = surges.slice(0, 252).sort((x, y) => x - y);
    const flagged = new Set<number>();
    for (let k = 252; k < surges.length; k++) {
      const v = surges[k]!;
      let below = 0;
      let equal = 0;
      for (const e of sortedEarlier) {
        if (e < v) below++;
        else if (e === v) equal++;
        else break;
      }
      const percentile = (100 * (below + equal / 2)) / k;
      if (percentile >= 99 || percentile <= 1) flagged.add(k);
      sortedEarlier.splice(below, 0, v);
    }
    expect(flagged.size).toBeGreaterThan(50);
    // Its forward window starts on day k + 5.
    const forward: number[] = [];
    for (let k = 252; k + 5 + 63 < dates.length; k++) {
      if (flagged.has(k)) continue;
      const from = dates[k + 5]!;
      const to = dates[k + 5 + 63]!;
      forward.push(A.get(to)! / A.get(from)! - (B.get(to)! / B.get(from)!));
    }
    const up = forward.filter((v) => v > 0).length / forward.length;
    const small = doc.summary.find((s: { direction: string }) => s.direction === "small-surge");
    const large = doc.summary.find((s: { direction: string }) => s.direction === "large-surge");
    expect(small.baseline.sameSign.d63).toBeCloseTo(up, 12);
    expect(large.baseline.sameSign.d63).toBeCloseTo(forward.filter((v) => v < 0).length / forward.length, 12);
    expect(small.baseline.sameSign.d63).toBeGreaterThan(0.4);
    expect(small.baseline.sameSign.d63).toBeLessThan(0.6);
    const sorted = [...forward].sort((x, y) => x - y);
    const mid = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
    expect(small.baseline.median.d63).toBeCloseTo(mid, 12);
  });
});
