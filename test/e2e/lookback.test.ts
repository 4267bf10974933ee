import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectCleanOutput, runCli } from "../helpers/cli.js";
import { FIXTURE_PRICES, readFixtureCloses } from "../helpers/paths.js";

/** Independent reference: IWM:SPY's 5-day surges on their common dates to `asOf`, from the raw files. */
function surgesTo(asOf: string) {
  const A = readFixtureCloses("IWM");
  const B = readFixtureCloses("SPY");
  const dates = [...A.keys()].filter((d) => B.has(d) && d <= asOf).sort();
  return dates.slice(5).map((d, i) => ({ date: d, value: A.get(d)! / A.get(dates[i]!)! - 1 - (B.get(d)! / B.get(dates[i]!)! - 1) }));
}

describe("--lookback: every rank against a chosen span", () => {
  it("check --lookback 10y ranks 2024-07-16 against the surges on or after 2014-07-16 only, and says so", () => {
    const result = runCli(["check", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--lookback", "10y", "--json"]);
    expect(result.status).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.parameters).toEqual({ window: 5, threshold: 99, lookback: "10y" });
    const pair = doc.pairs.find((p: { pair: string }) => p.pair === "IWM:SPY");
    const surges = surgesTo("2024-07-16");
    const today = surges.at(-1)!;
    const window = surges.slice(0, -1).filter((s) => s.date >= "2014-07-16");
    expect(pair.surge.rankedFrom).toBe(window[0]!.date);
    expect(pair.surge.rankedTo).toBe(window.at(-1)!.date);
    expect(pair.surge.observations).toBe(window.length);
    const below = window.filter((s) => s.value < today.value).length;
    const equal = window.filter((s) => s.value === today.value).length;
    expect(pair.surge.percentile).toBeCloseTo((100 * (below + equal / 2)) / window.length, 10);
    // The whole history's first surge is still where the pair's history starts.
    expect(pair.surge.historyStart < "2001-01-01").toBe(true);
    const table = runCli(["check", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--lookback", "10y"]);
    expect(table.stdout.split("\n")[0]).toMatch(new RegExp(`^Size rotation as of 2024-07-16 \\(pairs ranked against ${window[0]!.date} … 2024-07-15, [\\d,]+ sessions`));
    expectCleanOutput(table);
  });

  it("a number of sessions: the previous N surges; the z-score is unchanged", () => {
    const all = JSON.parse(runCli(["check", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--json"]).stdout);
    const doc = JSON.parse(runCli(["check", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--lookback", "756", "--json"]).stdout);
    const pair = doc.pairs.find((p: { pair: string }) => p.pair === "IWM:SPY");
    const whole = all.pairs.find((p: { pair: string }) => p.pair === "IWM:SPY");
    expect(pair.surge.observations).toBe(756);
    const surges = surgesTo("2024-07-16");
    expect(pair.surge.rankedFrom).toBe(surges.at(-757)!.date);
    expect(pair.surge.zScore).toBe(whole.surge.zScore);
  });

  it("is refused with exit 2 and one line when it cannot rank a day", () => {
    for (const bad of ["251", "1y", "ten", "0y"]) {
      const result = runCli(["check", "--data", FIXTURE_PRICES, "--lookback", bad]);
      expect(result.status).toBe(2);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(/^rotation: --lookback must be all, a number of sessions of at least 252, or years from 2y to 100y, got /);
    }
  });

  it("episodes: each peak ranked against its own window, flags and base rates with it", () => {
    const doc = JSON.parse(runCli(["episodes", "--data", FIXTURE_PRICES, "--pairs", "IWM:SPY", "--lookback", "2520", "--json"]).stdout);
    expect(doc.parameters.lookback).toBe("2520");
    const all = JSON.parse(runCli(["episodes", "--data", FIXTURE_PRICES, "--pairs", "IWM:SPY", "--json"]).stdout);
    for (const e of doc.episodes) expect(e.observations).toBeLessThanOrEqual(2520);
    expect(doc.episodes.at(-1).observations).toBe(2520);
    // Against a shorter span the same days rank differently, so other days are flagged.
    expect(doc.episodes.map((e: { start: string }) => e.start)).not.toEqual(all.episodes.map((e: { start: string }) => e.start));
    expect(doc.summary[0].baseline.days).not.toBe(all.summary[0].baseline.days);
  });

  it("grid, chart and report take it too", () => {
    const grid = runCli(["grid", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--lookback", "3y", "--json"]);
    expect(grid.status).toBe(0);
    const gridDoc = JSON.parse(grid.stdout);
    expect(gridDoc.lookback).toBe("3y");
    const ranked = gridDoc.cells.find((c: { surge: { percentile: number | null } | null }) => c.surge?.percentile !== null && c.surge !== null);
    expect(ranked.surge.rankedFrom >= "2021-07-16").toBe(true);
    const chart = runCli(["chart", "IWM:SPY", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--lookback", "3y", "--width", "80", "--height", "12"]);
    expect(chart.status).toBe(0);
    expectCleanOutput(chart);
    const report = runCli(["report", "-", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--lookback", "10y"]);
    expect(report.status).toBe(0);
    expect(report.stdout).toContain("the last 10 years");
  });

  it("log: a lookback is part of the configuration, recorded in the record", () => {
    const journal = path.join(mkdtempSync(path.join(tmpdir(), "rotation-lookback-")), "j.jsonl");
    expect(runCli(["log", "--data", FIXTURE_PRICES, "--journal", journal, "--as-of", "2024-07-16"]).status).toBe(0);
    expect(runCli(["log", "--data", FIXTURE_PRICES, "--journal", journal, "--as-of", "2024-07-16", "--lookback", "10y"]).status).toBe(0);
    const records = readFileSync(journal, "utf8").trim().split("\n").map((line) => JSON.parse(line));
    expect(records).toHaveLength(2);
    expect(records[0].parameters).toEqual({ window: 5, threshold: 99 });
    expect(records[1].parameters).toEqual({ window: 5, threshold: 99, lookback: "10y" });
    expect(records[1].configKey).toBe(`${records[0].configKey.replace(";pairs=", ";lookback=10y;pairs=")}`);
  });

  it("a config file may set it, and a bad value names the file and the key", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "rotation-config-"));
    const config = path.join(dir, "config.json");
    writeFileSync(config, JSON.stringify({ lookback: "3y" }));
    const doc = JSON.parse(runCli(["check", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--json"], { ROTATION_CONFIG: config }).stdout);
    expect(doc.parameters.lookback).toBe("3y");
    writeFileSync(config, JSON.stringify({ lookback: "3m" }));
    const bad = runCli(["check", "--data", FIXTURE_PRICES], { ROTATION_CONFIG: config });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(`rotation: config ${config}: "lookback" must be all, a number of sessions of at least 252, or years from 2y to 100y, got "3m"\n`);
  });
});
