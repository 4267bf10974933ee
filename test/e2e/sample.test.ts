import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { expectCleanOutput, runCli } from "../helpers/cli.js";
import { closedPort } from "../helpers/net.js";
import { PROJECT_ROOT, readFixtureCloses } from "../helpers/paths.js";

const BANNER = /^warning: Yahoo Finance unreachable \(ECONNREFUSED 127\.0\.0\.1:\d+\); showing the bundled sample, daily closes to 2026-08-03\. Connect, set HTTPS_PROXY, or read your own files with --data DIR\.$/m;
let offline: Record<string, string>;

/** A machine with no route to Yahoo: every request goes to a port where nothing listens. */
beforeAll(async () => {
  offline = { ROTATION_YAHOO_URL: `http://127.0.0.1:${await closedPort()}` };
});

function freshCache(): string {
  return mkdtempSync(path.join(tmpdir(), "rotation-sample-cache-"));
}

describe("the bundled sample when Yahoo Finance cannot be reached", () => {
  it("check shows the default universe as of 2026-08-03 with the banner once, and exits 0", () => {
    const result = runCli(["check"], { ...offline, ROTATION_CACHE_DIR: freshCache() });
    expectCleanOutput(result);
    expect(result.status).toBe(0);
    expect(result.stdout.split("\n")[0]).toMatch(/^Size rotation as of 2026-08-03 \[bundled sample of daily closes to 2026-08-03, not live data\] \(pairs ranked against \d{4}-\d{2}-\d{2} … 2026-07-31, [\d,]+ sessions\)$/);
    for (const symbol of ["IWM", "IJR", "IJH", "SPY", "QQQ"]) expect(result.stdout).toMatch(new RegExp(`│ ${symbol} +│ \\w+ +│ +\\d+\\.\\d\\d │`));
    expect(result.stderr).toMatch(BANNER);
    expect(result.stderr.match(/bundled sample/g)).toHaveLength(1);
    // The figures are the sample's own: IWM's close on 2026-08-03, independently read.
    expect(result.stdout).toContain(readFixtureCloses("IWM").get("2026-08-03")!.toFixed(2));
  });

  it("check --json says so in source and warnings", () => {
    const result = runCli(["check", "--json"], { ...offline, ROTATION_CACHE_DIR: freshCache() });
    expect(result.status).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.source).toEqual({ kind: "sample", lastDate: "2026-08-03", reason: expect.stringMatching(/^Yahoo Finance unreachable \(ECONNREFUSED 127\.0\.0\.1:\d+\)$/), lagSessions: expect.any(Number), lastClosedSession: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect(doc.asOf).toBe("2026-08-03");
    expect(doc.warnings[0]).toMatch(/showing the bundled sample/);
  });

  it("episodes and rrg fall back too, named in their titles", () => {
    const episodes = runCli(["episodes", "--pairs", "IWM:SPY", "--since", "2024-07-01", "--until", "2024-07-31"], { ...offline, ROTATION_CACHE_DIR: freshCache() });
    expect(episodes.status).toBe(0);
    expect(episodes.stdout.split("\n")[0]).toContain("[bundled sample of daily closes to 2026-08-03, not live data]");
    expect(episodes.stdout).toContain("2024-07-12");
    const rrg = runCli(["rrg", "--json"], { ...offline, ROTATION_CACHE_DIR: freshCache() });
    expect(rrg.status).toBe(0);
    expect(JSON.parse(rrg.stdout).source.kind).toBe("sample");
  });

  it("log never records the sample: exit 1 with the reason, and no journal", () => {
    const journal = path.join(freshCache(), "journal.jsonl");
    const result = runCli(["log", "--journal", journal], { ...offline, ROTATION_CACHE_DIR: freshCache() });
    expectCleanOutput(result);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split("\n").at(-1)).toMatch(/^rotation: Yahoo Finance unreachable \(ECONNREFUSED 127\.0\.0\.1:\d+\); rotation log never records the bundled sample; nothing written to /);
    expect(existsSync(journal)).toBe(false);
  });

  it("--no-fallback fails with one line naming every ticker and what to do", () => {
    const result = runCli(["check", "--no-fallback"], { ...offline, ROTATION_CACHE_DIR: freshCache() });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(
      /^rotation: cannot reach Yahoo Finance \(ECONNREFUSED 127\.0\.0\.1:\d+\) for IWM, IJR, IJH, SPY, QQQ — check the network or HTTPS_PROXY, use cached prices with --offline, or read CSV files with --data DIR\n$/,
    );
  });

  it("--offline with nothing cached says so once, with what to do (and no sample: offline was asked for)", () => {
    const cache = freshCache();
    const result = runCli(["check", "--offline"], { ...offline, ROTATION_CACHE_DIR: cache });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `rotation: nothing cached for IWM, IJR, IJH, SPY, QQQ in ${cache} — run once without --offline to download, use --sample for the bundled sample, or read CSV files with --data DIR\n`,
    );
  });

  it("a cache, however old, is preferred to the sample, with its own warning", () => {
    const cache = freshCache();
    mkdirSync(cache, { recursive: true });
    for (const symbol of ["IWM", "SPY"]) {
      const closes = [...readFixtureCloses(symbol)].filter(([date]) => date <= "2024-07-16");
      const entry = { format: 1, symbol, fetchedAt: "2024-07-16T21:00:00.000Z", timezone: "America/New_York", dates: closes.map(([d]) => d), close: closes.map(([, c]) => c), adjclose: closes.map(([, c]) => c), events: [] };
      writeFileSync(path.join(cache, `${symbol}.json`), JSON.stringify(entry));
    }
    const result = runCli(["check", "--pairs", "IWM:SPY", "--json"], { ...offline, ROTATION_CACHE_DIR: cache });
    expect(result.status).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.source.kind).toBe("yahoo");
    expect(doc.asOf).toBe("2024-07-16");
    expect(doc.source.stale.map((s: { symbol: string; lastDate: string; fetchedAt: string }) => [s.symbol, s.lastDate, s.fetchedAt])).toEqual([
      ["IWM", "2024-07-16", "2024-07-16T21:00:00.000Z"],
      ["SPY", "2024-07-16", "2024-07-16T21:00:00.000Z"],
    ]);
    expect(result.stderr).toMatch(/^warning: IWM: 127\.0\.0\.1:\d+: ECONNREFUSED after 3 tries; using the cached prices fetched \d+ days ago \(last date 2024-07-16\)$/m);
    expect(result.stderr).not.toContain("bundled sample");
  });

  it("--sample is the sample on purpose, and a ticker it lacks is named with what it covers", () => {
    const result = runCli(["check", "--sample", "--as-of", "2024-07-16", "--json"]);
    expect(result.status).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.source).toEqual({ kind: "sample", lastDate: "2026-08-03", reason: "asked for with --sample", lagSessions: expect.any(Number), lastClosedSession: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect(doc.pairs[0].surge.value).toBeCloseTo(0.0989, 4);
    const missing = runCli(["check", "--sample", "--pairs", "XLK:SPY"]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(
      "rotation: the bundled sample has no XLK; it covers IWM, IJR, IJH, SPY, QQQ, IJS, IJT, IJJ, IJK, IVE, IVV, IVW, IWN, IWO, IWR, IWP, IWD, IWB, IWF (daily closes to 2026-08-03)\n",
    );
    expect(runCli(["check", "--sample", "--data", "x"]).status).toBe(2);
  });

  it("rotation config says where prices come from", () => {
    const text = runCli(["config"], offline).stdout;
    expect(text).toMatch(/^Prices: Yahoo Finance through http:\/\/127\.0\.0\.1:\d+\/, cached in .*; the cache when a download fails, the bundled sample when Yahoo Finance is unreachable and nothing is cached\.$/m);
    const json = JSON.parse(runCli(["config", "--json"], { ...offline, ROTATION_DATA: "/prices" }).stdout);
    expect(json.prices).toEqual({ kind: "csv", yahooUrl: null, dir: "/prices", description: "CSV files in /prices" });
    expect(runCli(["config"], { ROTATION_YAHOO_URL: "ftp://x" }).status).toBe(2);
  });
});

describe("the package", () => {
  it("ships the sample: npm pack lists every file of it", () => {
    const pack = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: PROJECT_ROOT, encoding: "utf8" });
    expect(pack.status).toBe(0);
    const files = (JSON.parse(pack.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(files).toContain("fixtures/sample/sample.json");
    for (const symbol of ["IWM", "IJR", "IJH", "SPY", "QQQ", "IWF"]) expect(files).toContain(`fixtures/sample/${symbol}.csv.gz`);
    expect(files.some((f) => f.startsWith("fixtures/yahoo"))).toBe(false);
    expect(files).toContain("man/rotation.1");
  });

  it("the manifest matches the files: every ticker ends on lastDate", () => {
    for (const symbol of ["IWM", "IJR", "IJH", "SPY", "QQQ", "IJS", "IJT", "IJJ", "IJK", "IVE", "IVV", "IVW", "IWN", "IWO", "IWR", "IWP", "IWD", "IWB", "IWF"]) {
      expect([...readFixtureCloses(symbol).keys()].at(-1)).toBe("2026-08-03");
    }
  });
});
