import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectCleanOutput, runCliAsync } from "../helpers/cli.js";
import { FIXTURE_PRICES, readFixtureCloses } from "../helpers/paths.js";
import { FakeYahooServer } from "../helpers/yahoo-server.js";

/**
 * Prices a live feed cannot corrupt silently (issue 26), through the built CLI against a
 * Yahoo stand-in that serves the fixtures' real adjusted closes with synthetic quarterly
 * dividends (so raw and adjusted closes differ, as Yahoo's do). The truth is the same command
 * on the fixtures' CSV files (`--data`), a path that shares no code with the download.
 */
const yahoo = new FakeYahooServer();
let base = "";
let cache = "";
const TUESDAY = "2024-07-16";
const EVENING = "2024-07-16T21:30:00Z";
const NEXT_EVENING = "2024-07-17T21:30:00Z";
const WEEK_LATER = "2024-07-24T21:30:00Z";
const PAIRS = ["--pairs", "IWM:SPY,IJR:SPY"];

beforeAll(async () => {
  base = await yahoo.start();
});
afterAll(() => yahoo.stop());
beforeEach(() => {
  yahoo.requests.length = 0;
  yahoo.behaviour = () => undefined;
  yahoo.until = TUESDAY;
  yahoo.overrides.clear();
  yahoo.dropAdjclose.clear();
  yahoo.dividends = true;
  cache = mkdtempSync(path.join(tmpdir(), "rotation-trusted-"));
});

function live(args: string[], now = EVENING) {
  return runCliAsync(["check", ...PAIRS, "--json", ...args], { ROTATION_YAHOO_URL: base, ROTATION_CACHE_DIR: cache, ROTATION_NOW: now });
}

/** The figures of a check --json: tickers and pairs, without what says where they came from. */
function figures(stdout: string): unknown {
  const doc = JSON.parse(stdout);
  return { asOf: doc.asOf, tickers: doc.tickers, pairs: doc.pairs };
}

async function truth(asOf: string): Promise<unknown> {
  const result = await runCliAsync(["check", ...PAIRS, "--json", "--data", FIXTURE_PRICES, "--as-of", asOf]);
  expect(result.status).toBe(0);
  return figures(result.stdout);
}

describe("adjusted closes or nothing", () => {
  it("with raw and adjusted closes apart, every figure is the CSV truth's (the adjusted close is what is read)", async () => {
    const result = await live([]);
    expectCleanOutput(result);
    expect(result.status).toBe(0);
    expect(figures(result.stdout)).toEqual(await truth(TUESDAY));
  });

  it("an ETF's answer without adjclose fails that ticker (no raw closes used): one line, or its cache with a warning", async () => {
    yahoo.dropAdjclose.add("IJR");
    const cold = await live(["--no-fallback"]);
    expect(cold.status).toBe(1);
    expect(cold.stderr).toBe("rotation: IJR: Yahoo Finance's chart answer has no adjusted closes (indicators.adjclose); raw closes are not used in their place\n");
    yahoo.dropAdjclose.clear();
    expect((await live([])).status).toBe(0);
    yahoo.dropAdjclose.add("IJR");
    yahoo.until = "2024-07-17";
    const next = await live([], NEXT_EVENING);
    expect(next.status).toBe(0);
    const doc = JSON.parse(next.stdout);
    expect(doc.source.stale.map((s: { symbol: string }) => s.symbol)).toEqual(["IJR"]);
    expect(next.stderr).toContain("warning: IJR: Yahoo Finance's chart answer has no adjusted closes (indicators.adjclose); raw closes are not used in their place; using the cached prices fetched 24 hours ago (last date 2024-07-16)");
  });

  it("the weekly full download that lacks adjusted closes never overwrites a correct cache", async () => {
    expect((await live([])).status).toBe(0);
    const file = path.join(cache, "IJR.json");
    const before = readFileSync(file, "utf8");
    const mtime = statSync(file).mtimeMs;
    yahoo.dropAdjclose.add("IJR");
    yahoo.until = "2024-07-24";
    const result = await live([], WEEK_LATER);
    expect(result.status).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(before);
    expect(statSync(file).mtimeMs).toBe(mtime);
    expect(JSON.parse(before).adjclose.at(-1)).toBe(readFixtureCloses("IJR").get(TUESDAY));
  });

  it("bars whose adjusted close is null are left out and counted, never given their raw close; all null fails the ticker", async () => {
    const gaps = ["2024-06-03", "2024-06-04", "2024-06-05"];
    yahoo.overrides.set("IWM", (bars) => bars.map((bar) => (gaps.includes(bar.date) ? { ...bar, adjclose: null } : bar)));
    const result = await live([]);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain("warning: IWM: 3 bars without an adjusted close left out (the raw close is never used in its place)");
    const entry = JSON.parse(readFileSync(path.join(cache, "IWM.json"), "utf8"));
    for (const date of gaps) expect(entry.dates).not.toContain(date);
    const fixture = readFixtureCloses("IWM");
    entry.dates.forEach((date: string, i: number) => expect(entry.adjclose[i]).toBe(fixture.get(date)));
    yahoo.overrides.set("IWM", (bars) => bars.map((bar) => ({ ...bar, adjclose: null })));
    const allNull = await live(["--refresh", "--no-fallback"]);
    expect(allNull.status).toBe(1);
    expect(allNull.stderr).toBe("rotation: IWM: Yahoo Finance's chart answer has no adjusted close on any bar; raw closes are not used in their place\n");
  });

  it("an index's close is its adjusted close: used when Yahoo leaves adjclose out, and said in source", async () => {
    yahoo.dropAdjclose.add("^RUT");
    const result = await runCliAsync(["check", "--pairs", "^RUT:SPY", "--json"], { ROTATION_YAHOO_URL: base, ROTATION_CACHE_DIR: cache, ROTATION_NOW: EVENING });
    expect(result.status).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.source.closesAsAdjusted).toEqual(["^RUT"]);
    expect(doc.pairs[0].date).toBe(TUESDAY);
  });
});

describe("one line, always ours", () => {
  const page = "<!DOCTYPE html><html><body>Access denied</body></html>";

  it("HTTP 403 with a web page: one rotation line naming the base URL used, nothing of the library's, even with -q; no request started after it", async () => {
    yahoo.behaviour = () => ({ status: 403, headers: { "content-type": "text/html" }, body: page });
    const result = await live(["--no-fallback", "-q"]);
    expect(result.status).toBe(1);
    const host = new URL(base).host;
    // One line: the first ticker's refusal in full, the others' in a few words (in any order).
    expect(result.stderr.split("\n")).toHaveLength(2);
    const parts = result.stderr.replace(/^rotation: /, "").trim().split(/; (?=(?:IWM|IJR|SPY): )/);
    expect(parts.sort()).toEqual(
      ["IWM", "IJR", "SPY"]
        .map((symbol) => (parts.some((p) => p.startsWith(`${symbol}: ${host}`)) ? `${symbol}: ${host}: HTTP 403: the server refuses this client; not asked again in this run (use the cache with --offline, read CSV files with --data DIR, or try later)` : `${symbol}: not asked again (Yahoo Finance refuses this client)`))
        .sort(),
    );
    expect(parts.filter((p) => p.includes("HTTP 403"))).toHaveLength(1);
    // The three tickers' first requests leave together (three at once); none is made after the 403.
    expect(yahoo.count()).toBeLessThanOrEqual(3);
  });

  it("HTTP 401 with a web page: one line, no URL printed by the library", async () => {
    yahoo.behaviour = () => ({ status: 401, headers: { "content-type": "text/html" }, body: page });
    const result = await live(["--no-fallback"]);
    expect(result.status).toBe(1);
    expect(result.stderr.split("\n").filter((line) => line !== "").every((line) => line.startsWith("rotation: "))).toBe(true);
    expect(result.stderr).not.toMatch(/https?:\/\/(query\d|finance)\.yahoo\.com/);
    expectCleanOutput(result);
  });

  it("HTTP 204: one line saying the answer was empty", async () => {
    yahoo.behaviour = () => ({ status: 204, body: "" });
    const result = await live(["--no-fallback", "--pairs", "IWM:SPY"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^rotation: IWM: 127\.0\.0\.1:\d+: HTTP 204: an empty answer where data was expected; SPY: /);
    expect(result.stderr).not.toMatch(/Response constructor/);
  });

  it("429 on every request without Retry-After: the first ticker's three tries, then the others go straight to their cache", async () => {
    expect((await live([])).status).toBe(0);
    yahoo.requests.length = 0;
    yahoo.behaviour = () => ({ status: 429, headers: { "content-type": "application/json" }, body: "{}" });
    yahoo.until = "2024-07-17";
    const result = await live([], NEXT_EVENING);
    expect(result.status).toBe(0);
    // Three first requests leave together; one of them then retries (twice) for all, and the
    // others, told the server refuses this client, make no request of their own again.
    expect(yahoo.count()).toBe(5);
    const warnings = result.stderr.split("\n").filter((line) => line.startsWith("warning: "));
    expect(warnings.filter((line) => line.includes("refuses this client for now"))).toHaveLength(1);
    expect(warnings.filter((line) => line.includes("not asked again (Yahoo Finance refuses this client)"))).toHaveLength(2);
  }, 30_000);
});
