import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { expectCleanOutput, runCli } from "../helpers/cli.js";
import { FIXTURE_PRICES } from "../helpers/paths.js";
import { randomWalk, weekdays } from "../helpers/series.js";

const ANSI = /\u001b\[/;
const work = mkdtempSync(path.join(tmpdir(), "rotation-e2e-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function csv(dates: string[], closes: number[]): string {
  return `Date,Close\n${dates.map((d, i) => `${d},${closes[i]!.toFixed(4)}`).join("\n")}\n`;
}

const dates = weekdays("2020-01-01", 400);
function syntheticFolder(name: string): string {
  const dir = path.join(work, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  ["IWM", "IJR", "IJH", "SPY", "QQQ"].forEach((symbol, i) => writeFileSync(path.join(dir, `${symbol}.csv`), csv(dates, randomWalk(i + 1, 400))));
  return dir;
}

describe("basics", () => {
  it("prints its version", () => {
    const result = runCli(["--version"]);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
  it("prints help for check", () => {
    const result = runCli(["check", "--help"]);
    expect(result.status).toBe(0);
    for (const option of ["--data", "--as-of", "--json", "--exit-code", "--pairs", "--window", "--threshold", "--offline", "--refresh", "--no-color"]) {
      expect(result.stdout).toContain(option);
    }
  });
});

describe(`check on the real history`, () => {
  it("flags July 2024 in the table, without colour off a terminal", () => {
    const result = runCli(["check", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Size rotation as of 2024-07-16");
    expect(result.stdout).toMatch(/IWM:SPY .*\+9\.89%.*100\.00.*record.*SMALL-SURGE/);
    expect(result.stdout).toMatch(/IJR:SPY .*2020-04-29.*SMALL-SURGE/);
    // Every ticker's date is the as-of date: said once, in the title, not in a column.
    expect(result.stdout).toMatch(/^Size rotation as of 2024-07-16/);
    expect(result.stdout).toMatch(/IWM .*small.*\+11\.52%/);
    expect(result.stdout).not.toMatch(/│ +Date │/);
    expect(result.stdout).not.toMatch(ANSI);
    expect(result.stderr).toBe("");
    expectCleanOutput(result);
  });

  it("--exit-code exits 3 on a signal and 0 without one", () => {
    expect(runCli(["check", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--exit-code"]).status).toBe(3);
    const calm = runCli(["check", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--exit-code", "--threshold", "100", "--pairs", "IWM:QQQ"]);
    expect(calm.status).toBe(0);
  });

  it("--json prints exactly one document of the documented shape", () => {
    const result = runCli(["check", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--json"]);
    expect(result.status).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(Object.keys(doc)).toEqual(["schemaVersion", "asOf", "source", "parameters", "tickers", "pairs", "signals", "valuation", "headlines", "context", "warnings"]);
    expect(doc.valuation).toBeNull();
    expect(doc.schemaVersion).toBe(1);
    expect(doc.asOf).toBe("2024-07-16");
    expect(doc.source).toEqual({ kind: "csv", dir: FIXTURE_PRICES, lagSessions: 0, lastClosedSession: "2024-07-16" });
    expect(doc.tickers.map((t: { symbol: string }) => t.symbol)).toEqual(["IWM", "IJR", "IJH", "SPY", "QQQ"]);
    expect(Object.keys(doc.tickers[0])).toEqual(["symbol", "group", "date", "close", "returns", "surge", "provisional"]);
    expect(Object.keys(doc.tickers[0].returns)).toEqual(["d1", "d5", "d21", "d63", "d252", "ytd"]);
    const pair = doc.pairs[0];
    expect(Object.keys(pair)).toEqual(["pair", "symbol", "benchmark", "date", "relative", "surge", "signal", "rrg", "provisional", "streak", "ratio"]);
    expect(Object.keys(pair.rrg)).toEqual(["date", "ratio", "momentum", "quadrant"]);
    expect(Object.keys(pair.surge)).toEqual(["window", "value", "zScore", "percentile", "largestSince", "largestSinceValue", "largestSinceSessions", "historyStart", "observations", "rankedFrom", "rankedTo"]);
    expect(pair).toMatchObject({ pair: "IWM:SPY", symbol: "IWM", benchmark: "SPY", signal: "small-surge", surge: { window: 5, percentile: 100, largestSince: null, largestSinceSessions: null } });
    expect(doc.parameters).toEqual({ window: 5, threshold: 99, lookback: "all" });
    // Ranked against every earlier surge: from the first one to the day before.
    expect(pair.surge.rankedFrom).toBe(pair.surge.historyStart);
    expect(pair.surge.rankedTo).toBe("2024-07-15");
    expect(doc.signals).toHaveLength(4);
    expect(doc.warnings).toEqual([]);
    expectCleanOutput(result);
  });

  it("colours only when asked: FORCE_COLOR on, NO_COLOR and --no-color off", () => {
    const args = ["check", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16"];
    expect(runCli(args, { FORCE_COLOR: "1" }).stdout).toMatch(ANSI);
    expect(runCli([...args, "--no-color"], { FORCE_COLOR: "1" }).stdout).not.toMatch(ANSI);
    expect(runCli(args, { FORCE_COLOR: "1", NO_COLOR: "1" }).stdout).not.toMatch(ANSI);
  });

  it("reads the data folder from ROTATION_DATA", () => {
    const result = runCli(["check", "--as-of", "2024-07-16", "--json"], { ROTATION_DATA: FIXTURE_PRICES });
    expect(JSON.parse(result.stdout).asOf).toBe("2024-07-16");
  });
});

describe("usage errors exit 2 with one line naming the option", () => {
  const cases: [string[], RegExp][] = [
    [["check", "--window", "-3"], /--window/],
    [["check", "--window", "0"], /--window must be a whole number/],
    [["check", "--threshold", "120"], /--threshold/],
    [["check", "--as-of", "2024-13-01"], /--as-of must be a calendar date YYYY-MM-DD, got "2024-13-01"/],
    [["check", "--as-of", "yesterday"], /--as-of/],
    [["check", "--pairs", "IWM:IWM"], /IWM:IWM compares a ticker with itself/],
    [["check", "--small", "../../etc/passwd"], /--small: "..\/..\/etc\/passwd" is not a ticker/],
    [["check", "--bogus"], /unknown option '--bogus'/],
    [["frobnicate"], /unknown command 'frobnicate'/],
    [["check", "--data"], /argument missing/],
  ];
  for (const [args, message] of cases) {
    it(args.join(" "), () => {
      const result = runCli(args, { ROTATION_CACHE_DIR: path.join(work, "unused-cache") });
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split("\n").length).toBeLessThanOrEqual(2);
      expect(result.stdout).toBe("");
      expectCleanOutput(result);
    });
  }
});

describe("data faults exit 1 with one line naming the culprit", () => {
  it("a missing ticker file", () => {
    const dir = syntheticFolder("missing");
    rmSync(path.join(dir, "QQQ.csv"));
    const result = runCli(["check", "--data", dir]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`rotation: no data for QQQ in ${dir} (expected file QQQ.csv)\n`);
  });
  it("a bad row", () => {
    const dir = syntheticFolder("badrow");
    writeFileSync(path.join(dir, "IJH.csv"), "Date,Close\n2024-01-02,1\n2024-01-03,abc\n");
    const result = runCli(["check", "--data", dir]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`rotation: ${path.join(dir, "IJH.csv")}:3: price "abc" is not a number (--lenient skips bad rows, each with a warning)\n`);
  });
  it("a bad row under --lenient is a warning on stderr, not in stdout", () => {
    const dir = syntheticFolder("lenient");
    writeFileSync(path.join(dir, "IJH.csv"), csv(dates, randomWalk(9, 400)) + "2019-01-01,oops\n");
    const result = runCli(["check", "--data", dir, "--lenient", "--json"]);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/warning: .*IJH\.csv:402: price "oops" is not a number; row skipped/);
    expect(JSON.parse(result.stdout).warnings[0]).toMatch(/IJH\.csv:402/);
  });
  it("a row dated after today, or before 1800, is refused naming the line (skipped under --lenient)", () => {
    const dir = syntheticFolder("out-of-range");
    writeFileSync(path.join(dir, "IJH.csv"), csv(dates, randomWalk(9, 400)) + "2099-01-01,101\n1799-12-31,100\n");
    const strict = runCli(["check", "--data", dir, "--json"]);
    expect(strict.status).toBe(1);
    expect(strict.stdout).toBe("");
    expect(strict.stderr).toMatch(/IJH\.csv:402: date 2099-01-01 is after today \(\d{4}-\d\d-\d\d\) \(--lenient skips bad rows, each with a warning\)\n$/);
    const lenient = runCli(["check", "--data", dir, "--lenient", "--json"]);
    expect(lenient.status).toBe(0);
    const doc = JSON.parse(lenient.stdout);
    expect(doc.asOf).toBe(dates.at(-1));
    expect(doc.warnings.join("\n")).toMatch(/IJH\.csv:403: date 1799-12-31 is before 1800-01-01/);
  });
  it("a data folder that does not exist", () => {
    const result = runCli(["check", "--data", path.join(work, "nowhere")]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^rotation: data folder .*nowhere does not exist or is not a folder\n$/);
  });
  it("an as-of date before the data", () => {
    const result = runCli(["check", "--data", syntheticFolder("early"), "--as-of", "1999-01-04"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe("rotation: --as-of 1999-01-04 is before the first price in the data (2020-01-01)\n");
  });
  it("binary garbage in a price file", () => {
    const dir = syntheticFolder("garbage");
    writeFileSync(path.join(dir, "SPY.csv"), Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 7919) % 256)));
    const result = runCli(["check", "--data", dir]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^rotation: .*SPY\.csv(:\d+)?: .+\n$/);
    expectCleanOutput(result);
  });
  it("--offline with an empty cache", () => {
    const result = runCli(["check", "--offline"], { ROTATION_CACHE_DIR: path.join(work, "empty-cache") });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^rotation: nothing cached for IWM, IJR, IJH, SPY, QQQ in .*empty-cache — run once without --offline to download/);
  });
});

describe("a short synthetic history", () => {
  it("gives ranks as n/a with a warning, never NaN", () => {
    const dir = syntheticFolder("short");
    for (const symbol of ["IWM", "SPY"]) writeFileSync(path.join(dir, `${symbol}.csv`), csv(dates.slice(0, 40), randomWalk(3, 40)));
    const result = runCli(["check", "--data", dir, "--pairs", "IWM:SPY"]);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/warning: IWM:SPY: only 34 earlier 5-day surges \(need 252\); no rank given/);
    expect(result.stdout).toMatch(/IWM:SPY .*n\/a/);
    expectCleanOutput(result);
  });
});


describe("headlines", () => {
  it("says what the newsletters wrote, with the table's own figures", () => {
    const result = runCli(["check", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16"]);
    expect(result.stdout).toContain("IWM rose 11.52% in the 5 trading days to 2024-07-16, its largest 5-day gain since 2020-04-29 (+13.67%).");
    // One sentence per fact: the signal and the pair's margin headline are one line.
    expect(result.stdout).toContain("SMALL-SURGE IWM outran SPY by 9.89 points over 5 days to 2024-07-16 (percentile 100.00), the largest margin in the pair's history (since 2000-06-05).");
    expect(result.stdout).not.toMatch(/IWM outran SPY by \+9\.89%/);
    expect(result.stdout.match(/IWM outran SPY/g)).toHaveLength(1);
    expect(result.stdout).toMatch(/│ IWM +│ small │ +219\.78 │ +\+3\.41% │ \+11\.52% │/);
    const doc = JSON.parse(runCli(["check", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--json"]).stdout);
    expect(doc.headlines[0]).toBe("IWM rose 11.52% in the 5 trading days to 2024-07-16, its largest 5-day gain since 2020-04-29 (+13.67%).");
  });
  it("a quiet day has none", () => {
    const doc = JSON.parse(runCli(["check", "--data", FIXTURE_PRICES, "--as-of", "2015-06-30", "--pairs", "IWM:SPY", "--json"]).stdout);
    expect(doc.headlines.filter((h: string) => !h.startsWith("Year to date"))).toEqual([]);
  });
});

describe("what a warm check loads", () => {
  it("neither Node's crypto nor its fetch machinery: modules a check from CSV files never needs (a start-up cost each)", () => {
    const work = mkdtempSync(path.join(tmpdir(), "rotation-modules-"));
    const hook = path.join(work, "loaded.mjs");
    const report = path.join(work, "loaded.json");
    writeFileSync(hook, `import { writeFileSync } from "node:fs";\nprocess.on("exit", () => writeFileSync(${JSON.stringify(report)}, JSON.stringify(process.moduleLoadList)));\n`);
    const env = { ROTATION_CACHE_DIR: path.join(work, "cache"), NODE_OPTIONS: `--import ${hook}` };
    const args = ["check", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--json"];
    expect(runCli(args, env).status).toBe(0);
    const warm = runCli(args, env);
    expect(warm.status).toBe(0);
    const loaded = JSON.parse(readFileSync(report, "utf8")) as string[];
    expect(loaded.filter((name) => /\bcrypto\b|undici/.test(name))).toEqual([]);
    // The hook sees them when they load: a hash asked for loads crypto.
    writeFileSync(hook, `import { writeFileSync } from "node:fs";\nimport "node:crypto";\nprocess.on("exit", () => writeFileSync(${JSON.stringify(report)}, JSON.stringify(process.moduleLoadList)));\n`);
    expect(runCli(args, env).status).toBe(0);
    expect((JSON.parse(readFileSync(report, "utf8")) as string[]).some((name) => /\bcrypto\b/.test(name))).toBe(true);
  });
});
