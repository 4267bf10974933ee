import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readCacheFile } from "../helpers/price-cache-file.js";
import { expectCleanOutput, runCliAsync } from "../helpers/cli.js";
import { readFixtureCloses } from "../helpers/paths.js";
import { FakeTiingoServer, GOOD_TOKEN } from "../helpers/tiingo-server.js";

/**
 * `--source tiingo` through the built CLI against a stand-in on 127.0.0.1 that answers as
 * Tiingo's end-of-day endpoint documents (ROTATION_TIINGO_URL), with a pinned clock.
 */
const tiingo = new FakeTiingoServer();
let base = "";
let cache = "";
const TUESDAY = "2024-07-16";
const EVENING = "2024-07-16T21:30:00Z";
const NEXT_EVENING = "2024-07-17T21:30:00Z";

beforeAll(async () => {
  base = await tiingo.start();
});
afterAll(() => tiingo.stop());
beforeEach(() => {
  tiingo.requests.length = 0;
  tiingo.behaviour = () => undefined;
  tiingo.overrides.clear();
  tiingo.until = TUESDAY;
  cache = mkdtempSync(path.join(tmpdir(), "rotation-tiingo-"));
});

function run(args: string[], now = EVENING, extra: Record<string, string> = {}) {
  return runCliAsync(["check", "--source", "tiingo", "--pairs", "IWM:SPY", ...args], { ROTATION_TIINGO_URL: base, ROTATION_CACHE_DIR: cache, ROTATION_NOW: now, TIINGO_API_KEY: GOOD_TOKEN, ...extra });
}

/** IWM's five-day return minus SPY's on a date, from the fixtures' text (no code of src/). */
function fiveDayGap(date: string): number {
  const iwm = readFixtureCloses("IWM");
  const spy = readFixtureCloses("SPY");
  const dates = [...iwm.keys()].filter((d) => spy.has(d) && d <= date).sort();
  const [then, now] = [dates.at(-6)!, dates.at(-1)!];
  return iwm.get(now)! / iwm.get(then)! - spy.get(now)! / spy.get(then)!;
}

function expectNoToken(result: { stdout: string; stderr: string }): void {
  expect(result.stdout).not.toContain(GOOD_TOKEN);
  expect(result.stderr).not.toContain(GOOD_TOKEN);
}

describe("--source tiingo", () => {
  it("reads adjusted closes (never the raw ones), with the token in a header only, and caches them under tiingo/", async () => {
    const result = await run(["--json"]);
    expectCleanOutput(result);
    expectNoToken(result);
    expect(result.status).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.source.kind).toBe("tiingo");
    expect(doc.asOf).toBe(TUESDAY);
    expect(doc.pairs[0].surge.value).toBeCloseTo(fiveDayGap(TUESDAY), 12);
    expect(tiingo.requests.map((r) => r.authorization)).toEqual([`Token ${GOOD_TOKEN}`, `Token ${GOOD_TOKEN}`]);
    expect(tiingo.requests.every((r) => r.startDate === "1970-01-02")).toBe(true);
    const entry = readCacheFile(path.join(cache, "tiingo", "IWM.bin"));
    expect(entry.dates.at(-1)).toBe(TUESDAY);
    expect(entry.adjclose.at(-1)).toBe(readFixtureCloses("IWM").get(TUESDAY));
    expect(existsSync(path.join(cache, "IWM.bin"))).toBe(false);
  });

  it("the next day downloads only the days since the cache (with its overlap) and gives the next day's figures", async () => {
    expect((await run([])).status).toBe(0);
    tiingo.requests.length = 0;
    tiingo.until = "2024-07-17";
    const result = await run(["--json"], NEXT_EVENING);
    expect(result.status).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.asOf).toBe("2024-07-17");
    expect(doc.pairs[0].surge.value).toBeCloseTo(fiveDayGap("2024-07-17"), 12);
    expect(tiingo.requests.length).toBe(2);
    expect(tiingo.requests.every((r) => r.startDate > "2024-07-01" && r.startDate < TUESDAY)).toBe(true);
  });

  it("with no token: one line naming TIINGO_API_KEY, exit 2, nothing requested; --offline still reads the cache", async () => {
    const result = await run([], EVENING, { TIINGO_API_KEY: "" });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^rotation: Tiingo needs your API token in TIINGO_API_KEY \(a free personal token is at https:\/\/www\.tiingo\.com\/account\/api\/token\); or use --offline for the cache\n$/);
    expect(tiingo.count()).toBe(0);
    expect((await run([])).status).toBe(0);
    const offline = await run(["--offline", "--json"], NEXT_EVENING, { TIINGO_API_KEY: "" });
    expect(offline.status).toBe(0);
    expect(JSON.parse(offline.stdout).asOf).toBe(TUESDAY);
  });

  it("a refused token is one line saying so (exit 2), never a fallback to old prices, and the token is never printed", async () => {
    expect((await run([])).status).toBe(0);
    const result = await run([], NEXT_EVENING, { TIINGO_API_KEY: "tok-wrong-secret" });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("rotation: Tiingo refused the token in TIINGO_API_KEY (HTTP 401); a free personal token is at https://www.tiingo.com/account/api/token\n");
    expect(result.stderr).not.toContain("tok-wrong-secret");
  });

  it("429 on every request: three tries, then the cache with a warning; without a cache, exit 1 naming the host", async () => {
    expect((await run([])).status).toBe(0);
    tiingo.requests.length = 0;
    tiingo.behaviour = () => ({ status: 429, body: '{"detail":"rate limited"}' });
    tiingo.until = "2024-07-17";
    const stale = await run(["--json"], NEXT_EVENING);
    expect(stale.status).toBe(0);
    const doc = JSON.parse(stale.stdout);
    expect(doc.asOf).toBe(TUESDAY);
    expect(doc.source.stale.map((s: { symbol: string }) => s.symbol)).toEqual(["IWM", "SPY"]);
    // One ticker finds out, in three tries, that the feed refuses this client; the other is not asked again.
    expect(stale.stderr).toMatch(/warning: (IWM|SPY): 127\.0\.0\.1:\d+: HTTP 429 Too Many Requests after 3 tries, no Retry-After: the server refuses this client for now; not asked again in this run \(use the cache with --offline, read CSV files with --data DIR, or try later\); using the cached prices fetched 24 hours ago \(last date 2024-07-16\)/);
    expect(stale.stderr).toMatch(/warning: (IWM|SPY): not asked again \(Tiingo refuses this client\); using the cached prices fetched 24 hours ago/);
    expect(tiingo.count()).toBe(4);
    cache = mkdtempSync(path.join(tmpdir(), "rotation-tiingo-"));
    const cold = await run(["--no-fallback"], NEXT_EVENING);
    expect(cold.status).toBe(1);
    // One line: whichever ticker found the refusal says it in full, the other in a few words.
    expect(cold.stderr.split("\n")).toHaveLength(2);
    expect(cold.stderr).toMatch(/^rotation: /);
    expect(cold.stderr).toMatch(/(IWM|SPY): 127\.0\.0\.1:\d+: HTTP 429 Too Many Requests after 3 tries, no Retry-After: the server refuses this client for now; not asked again in this run \(use the cache with --offline, read CSV files with --data DIR, or try later\)/);
    expect(cold.stderr).toMatch(/(IWM|SPY): not asked again \(Tiingo refuses this client\)/);
  }, 30_000);

  it("a web page instead of data, an unknown ticker and an answer of another shape are each one line", async () => {
    tiingo.behaviour = () => ({ status: 200, type: "text/html", body: "<!DOCTYPE html><html><body>Sign in</body></html>" });
    const page = await run(["--no-fallback"]);
    expect(page.status).toBe(1);
    expect(page.stderr).toMatch(/^rotation: IWM: 127\.0\.0\.1:\d+: got a web page instead of data \(a proxy, captive portal or consent page\?\);/);
    tiingo.behaviour = () => undefined;
    const unknown = await runCliAsync(["check", "--source", "tiingo", "--pairs", "ZZZZ:SPY"], { ROTATION_TIINGO_URL: base, ROTATION_CACHE_DIR: cache, ROTATION_NOW: EVENING, TIINGO_API_KEY: GOOD_TOKEN });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe("rotation: ZZZZ: unknown symbol on Tiingo\n");
    tiingo.behaviour = () => ({ status: 200, body: '{"detail":"Error: something"}' });
    const shape = await run(["--no-fallback", "--refresh"]);
    expect(shape.status).toBe(1);
    expect(shape.stderr).toBe("rotation: IWM: Tiingo sent an answer of an unexpected shape (object, not a list of daily bars); SPY: Tiingo sent an answer of an unexpected shape (object, not a list of daily bars)\n");
    expectCleanOutput(shape);
  });

  it("a bar without its adjusted close is skipped and counted, never filled with the raw close", async () => {
    tiingo.overrides.set("IWM", (bars) => bars.map((bar) => (bar.date === "2024-07-12T00:00:00.000Z" ? { ...bar, adjClose: null } : bar)));
    const result = await run(["--json"]);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain("warning: IWM: 1 bar without a usable adjusted close skipped");
    const entry = readCacheFile(path.join(cache, "tiingo", "IWM.bin"));
    expect(entry.dates).not.toContain("2024-07-12");
  });

  it("rotation config names the source and says whether the token is set, never the token", async () => {
    const result = await runCliAsync(["config", "--json"], { ROTATION_SOURCE: "tiingo", TIINGO_API_KEY: GOOD_TOKEN, ROTATION_TIINGO_URL: base });
    expect(result.status).toBe(0);
    expectNoToken(result);
    const doc = JSON.parse(result.stdout);
    expect(doc.prices).toMatchObject({ kind: "tiingo", tiingoUrl: base, token: "set" });
    expect(doc.settings.source).toEqual({ value: "tiingo", origin: "env ROTATION_SOURCE" });
    const text = await runCliAsync(["config"], { ROTATION_SOURCE: "tiingo", TIINGO_API_KEY: GOOD_TOKEN });
    expectNoToken(text);
    expect(text.stdout).toContain("Prices: Tiingo (token set in TIINGO_API_KEY), cached in ");
  });
});
