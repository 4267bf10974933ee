import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { expectCleanOutput, runCli } from "../helpers/cli.js";
import { randomWalk, weekdays } from "../helpers/series.js";
import { PROJECT_ROOT } from "../helpers/paths.js";

// --format ndjson goes a chunk of 64 pairs at a time (check and episodes): these universes
// cross chunk boundaries, share benchmarks between chunks, and hold every fund-level and
// universe-level thing a chunk cannot see alone.
const work = mkdtempSync(path.join(tmpdir(), "rotation-streamed-"));
afterAll(() => spawnSync("rm", ["-rf", work]));

const DAYS = weekdays("2015-01-05", 420);

function writeFund(dir: string, symbol: string, dates: string[], closes: number[]): void {
  writeFileSync(path.join(dir, `${symbol}.csv`), `Date,Close\n${dates.map((d, i) => `${d},${closes[i]!.toFixed(4)}`).join("\n")}\n`);
}

/** 30 funds: one missing a session its peers have, one with an absurd one-day jump, one stale, one young. */
function universeFolder(): { dir: string; pairs: string[] } {
  const dir = path.join(work, "data");
  mkdirSync(dir);
  for (let k = 0; k < 30; k++) {
    const symbol = `F${String(k).padStart(2, "0")}`;
    let dates = DAYS;
    let closes = randomWalk(100 + k, DAYS.length, 50 + k, 0.02);
    if (k === 5) [dates, closes] = [DAYS.filter((_, i) => i !== 380), closes.filter((_, i) => i !== 380)];
    if (k === 7) closes = closes.map((c, i) => (i === 300 ? c * 9 : c));
    if (k === 9) [dates, closes] = [DAYS.slice(0, -12), closes.slice(0, -12)];
    if (k === 11) [dates, closes] = [DAYS.slice(330), closes.slice(330)];
    writeFund(dir, symbol, dates, closes);
  }
  const funds = Array.from({ length: 30 }, (_, k) => `F${String(k).padStart(2, "0")}`);
  const pairs = [
    ...funds.slice(1, 29).map((f) => `${f}:F00`),
    ...funds.slice(2, 29).map((f) => `${f}:F01`),
    ...funds.slice(3, 29).map((f) => `${f}:F02`),
    // Named twice, and a fund with no file (left out under --partial).
    "F03:F00",
    "NOPE:F00",
  ];
  return { dir, pairs };
}

const { dir, pairs } = universeFolder();
const list = path.join(work, "pairs.txt");
writeFileSync(list, `# ${pairs.length} pairs\n${pairs.join("\n")}\n`);
const cache = path.join(work, "cache");

describe("check --format ndjson, a chunk of pairs at a time", () => {
  it("writes exactly the --json run's pairs, one line each with its as-of date, and the same warnings", () => {
    expect(pairs.length).toBeGreaterThan(64);
    const common = ["check", "--data", dir, "--pairs-file", list, "--small", "F29", "--mid", "F28", "--large", "F27", "--partial", "--as-of", DAYS[418]!];
    // Twice streamed: the first run parses and writes snapshots, the second reads them back.
    for (const run of [1, 2]) {
      const json = runCli([...common, "--json", "--no-context"], { ROTATION_CACHE_DIR: cache });
      const streamed = runCli([...common, "--format", "ndjson"], { ROTATION_CACHE_DIR: cache });
      expect(json.status, `run ${run}: ${json.stderr}`).toBe(0);
      expect(streamed.status).toBe(0);
      expectCleanOutput(streamed);
      const document = JSON.parse(json.stdout) as { schemaVersion: number; asOf: string; pairs: object[] };
      const expected = document.pairs.map((pair) => `${JSON.stringify({ schemaVersion: document.schemaVersion, asOf: document.asOf, ...pair })}\n`).join("");
      expect(streamed.stdout).toBe(expected);
      // Every fund-level and universe-level warning, in the same order.
      expect(streamed.stderr).toBe(json.stderr);
      for (const said of [/NOPE/, /F05: no close for/, /F07/, /F09: last price is from/, /F11:.*not ranked/]) expect(streamed.stderr).toMatch(said);
    }
  });

  it("counts signals across chunks for --exit-code", () => {
    const common = ["check", "--data", dir, "--pairs-file", list, "--partial", "--threshold", "60", "--exit-code"];
    const json = runCli([...common, "--json"], { ROTATION_CACHE_DIR: cache });
    const streamed = runCli([...common, "--format", "ndjson"], { ROTATION_CACHE_DIR: cache });
    expect(JSON.parse(json.stdout).signals.length).toBeGreaterThan(0);
    expect(streamed.status).toBe(json.status);
    expect(streamed.status).toBe(3);
  });
});

describe("episodes --format ndjson, a chunk of pairs at a time", () => {
  it("writes the --json run's episodes pair by pair in the order given, each pair's newest first", () => {
    const common = ["episodes", "--data", dir, "--pairs-file", list, "--partial", "--threshold", "98", "--window", "10"];
    const json = runCli([...common, "--json"], { ROTATION_CACHE_DIR: cache });
    const streamed = runCli([...common, "--format", "ndjson"], { ROTATION_CACHE_DIR: cache });
    expect(json.status, json.stderr).toBe(0);
    expect(streamed.status, streamed.stderr).toBe(0);
    const document = JSON.parse(json.stdout) as { schemaVersion: number; episodes: { pair: string; start: string }[] };
    expect(document.episodes.length).toBeGreaterThan(40);
    const order = [...new Set(pairs)];
    const expected = order
      .flatMap((pair) => document.episodes.filter((e) => e.pair === pair).sort((a, b) => (a.start < b.start ? 1 : -1)))
      .map((e) => `${JSON.stringify({ schemaVersion: document.schemaVersion, ...e })}\n`)
      .join("");
    expect(streamed.stdout).toBe(expected);
    expect(streamed.stderr).toBe(json.stderr);
  });

  it("writes the same lines whether worker threads compute chunks or not (ROTATION_WORKERS)", () => {
    const common = ["episodes", "--data", dir, "--pairs-file", list, "--partial", "--threshold", "95", "--format", "ndjson"];
    const alone = runCli(common, { ROTATION_CACHE_DIR: cache, ROTATION_WORKERS: "0" });
    expect(alone.status).toBe(0);
    expect(alone.stdout.split("\n").length).toBeGreaterThan(100);
    for (const workers of ["1", "2"]) {
      const threaded = runCli(common, { ROTATION_CACHE_DIR: cache, ROTATION_WORKERS: workers });
      expect(threaded.status).toBe(0);
      expect(threaded.stdout).toBe(alone.stdout);
      expect(threaded.stderr).toBe(alone.stderr);
    }
    const bad = runCli(common, { ROTATION_CACHE_DIR: cache, ROTATION_WORKERS: "lots" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('rotation: ROTATION_WORKERS must be a whole number from 0 to 16, got "lots"\n');
  });

  it("gives each episode the drivers the whole run gives it (driver funds read once, beside the chunks)", () => {
    const drivers = path.join(PROJECT_ROOT, "fixtures", "drivers");
    const common = ["episodes", "--data", drivers, "--pairs", "IWM:SPY,IWC:SPY,RSP:SPY", "--threshold", "95"];
    const json = runCli([...common, "--json"], { ROTATION_CACHE_DIR: cache });
    // Through a worker thread: the drivers cross to it once.
    const streamed = runCli([...common, "--format", "ndjson"], { ROTATION_CACHE_DIR: cache, ROTATION_WORKERS: "1" });
    expect(json.status).toBe(0);
    const episodes = (JSON.parse(json.stdout) as { episodes: { pair: string; start: string; context?: { drivers?: unknown[] } }[] }).episodes;
    expect(episodes.some((e) => (e.context?.drivers?.length ?? 0) > 0)).toBe(true);
    const lines = streamed.stdout.trim().split("\n").map((line) => JSON.parse(line) as { pair: string; start: string });
    const key = (e: { pair: string; start: string }) => `${e.pair} ${e.start}`;
    expect(lines.map(key)).toEqual(["IWM:SPY", "IWC:SPY", "RSP:SPY"].flatMap((pair) => episodes.filter((e) => e.pair === pair).sort((a, b) => (a.start < b.start ? 1 : -1)).map(key)));
    const byKey = new Map(episodes.map((e) => [key(e), e]));
    for (const line of lines) expect(line).toEqual({ schemaVersion: expect.any(Number), ...byKey.get(key(line)) });
  });
});
