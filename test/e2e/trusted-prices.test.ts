import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readCacheFile } from "../helpers/price-cache-file.js";
import { expectCleanOutput, runCliAsync } from "../helpers/cli.js";
import { FIXTURE_PRICES, readFixtureCloses } from "../helpers/paths.js";
import { closedPort } from "../helpers/net.js";
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
  yahoo.reset(TUESDAY);
  // Raw closes apart from adjusted ones, as Yahoo's are.
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
    const file = path.join(cache, "IJR.bin");
    const before = readFileSync(file);
    const mtime = statSync(file).mtimeMs;
    yahoo.dropAdjclose.add("IJR");
    yahoo.until = "2024-07-24";
    const result = await live([], WEEK_LATER);
    expect(result.status).toBe(0);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(statSync(file).mtimeMs).toBe(mtime);
    expect(readCacheFile(file).adjclose.at(-1)).toBe(readFixtureCloses("IJR").get(TUESDAY));
  });

  it("bars whose adjusted close is null are left out and counted, never given their raw close; all null fails the ticker", async () => {
    const gaps = ["2024-06-03", "2024-06-04", "2024-06-05"];
    yahoo.overrides.set("IWM", (bars) => bars.map((bar) => (gaps.includes(bar.date) ? { ...bar, adjclose: null } : bar)));
    const result = await live([]);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain("warning: IWM: 3 bars without an adjusted close left out (the raw close is never used in its place)");
    const entry = readCacheFile(path.join(cache, "IWM.bin"));
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

describe("one fallback chain for every command that loads prices", () => {
  const COMMANDS: { name: string; args: (out: string) => string[] }[] = [
    { name: "check", args: () => ["check"] },
    { name: "chart", args: () => ["chart", "IWM:SPY"] },
    { name: "episodes", args: () => ["episodes", "--pairs", "IWM:SPY"] },
    { name: "rrg", args: () => ["rrg"] },
    { name: "grid", args: () => ["grid"] },
    { name: "report", args: (out) => ["report", "--html", path.join(out, "r.html")] },
    { name: "log", args: (out) => ["log", "--journal", path.join(out, "j.jsonl")] },
  ];

  async function offline(args: string[], now: string) {
    const port = await closedPort();
    return runCliAsync(args, { ROTATION_YAHOO_URL: `http://127.0.0.1:${port}`, ROTATION_CACHE_DIR: cache, ROTATION_NOW: now, COLUMNS: "200" });
  }

  it("with an empty cache and no network, each falls back to the bundled sample, said loudly (log refuses to record it)", async () => {
    for (const command of COMMANDS) {
      const result = await offline(command.args(cache), NEXT_EVENING);
      expectCleanOutput(result);
      if (command.name === "log") expect(result.stderr).toMatch(/^rotation: Yahoo Finance unreachable \(ECONNREFUSED 127\.0\.0\.1:\d+\); rotation log never records the bundled sample/);
      else expect(result.stderr, command.name).toMatch(/Yahoo Finance unreachable \(ECONNREFUSED 127\.0\.0\.1:\d+\); showing the bundled sample, daily closes to 2026-08-03/);
      expect(result.status, `${command.name}: ${result.stderr}`).toBe(command.name === "log" ? 1 : 0);
    }
  }, 60_000);

  it("with a partial cache, each takes what is cached (stale, said) and the rest from the sample (said, in the title and the JSON)", async () => {
    expect((await runCliAsync(["check", "--pairs", "IWM:SPY"], { ROTATION_YAHOO_URL: base, ROTATION_CACHE_DIR: cache, ROTATION_NOW: EVENING })).status).toBe(0);
    for (const command of COMMANDS) {
      const result = await offline(command.args(cache), NEXT_EVENING);
      expectCleanOutput(result);
      expect(result.status, `${command.name}: ${result.stderr}`).toBe(command.name === "log" ? 1 : 0);
      if (command.name === "log") {
        expect(result.stderr).toMatch(/rotation log never records the bundled sample/);
        continue;
      }
      // IWM and SPY from the cache, with a warning each (grid's S&P family uses neither); anything else from the sample.
      if (command.name !== "grid") expect(result.stderr, command.name).toMatch(/warning: IWM: .*; using the cached prices fetched 24 hours ago \(last date 2024-07-16\)/);
      if (!["chart", "episodes"].includes(command.name)) expect(result.stderr, command.name).toMatch(/(showing the bundled sample|shown from the bundled sample), daily closes to 2026-08-03/);
      else expect(result.stderr, command.name).not.toMatch(/bundled sample/);
    }
    const json = await offline(["check", "--json"], NEXT_EVENING);
    const doc = JSON.parse(json.stdout);
    expect(doc.source.kind).toBe("yahoo");
    expect(doc.source.stale.map((s: { symbol: string }) => s.symbol)).toEqual(["IWM", "SPY"]);
    expect(doc.source.fromSample.symbols).toEqual(["IJR", "IJH", "QQQ"]);
    const table = await offline(["check"], NEXT_EVENING);
    expect(table.stdout.split("\n")[0]).toContain("[IJR, IJH, QQQ from the bundled sample of daily closes to 2026-08-03, not live data]");
  }, 60_000);

  it("--refresh in a 429 storm falls back to the cache on disk instead of failing", async () => {
    expect((await live([])).status).toBe(0);
    yahoo.behaviour = () => ({ status: 429, headers: { "content-type": "application/json" }, body: "{}" });
    const result = await live(["--refresh"], NEXT_EVENING);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).source.stale.map((s: { symbol: string }) => s.symbol).sort()).toEqual(["IJR", "IWM", "SPY"]);
  }, 30_000);
});

describe("no absurd tick", () => {
  /** IWM's and IWM:SPY's figures of a check --json, by name. */
  function iwm(stdout: string) {
    const doc = JSON.parse(stdout);
    return { ticker: doc.tickers.find((t: { symbol: string }) => t.symbol === "IWM"), pair: doc.pairs.find((p: { pair: string }) => p.pair === "IWM:SPY"), warnings: doc.warnings as string[] };
  }

  it("a bar 100x off that the next session takes back is left out as bad data, named with its date and value; no figure counts it", async () => {
    yahoo.overrides.set("IWM", (bars) => bars.map((bar) => (bar.date === "2024-05-20" ? { ...bar, close: bar.close * 100, adjclose: (bar.adjclose ?? bar.close) * 100 } : bar)));
    const result = await live([]);
    expect(result.status).toBe(0);
    const got = iwm(result.stdout);
    const want = iwm(JSON.stringify(await truthDocument(TUESDAY)));
    expect(got.warnings.some((w) => /^IWM: the close of 2024-05-20 \([\d.]+, \+9\d{3}\.\d% on the day before's [\d.]+\) is beyond 25% in log terms with no split recorded, and the next session took it back: left out as bad data$/.test(w))).toBe(true);
    // The short windows do not reach 2024-05-20: they are the truth's, to the last digit.
    for (const key of ["d1", "d5", "d21"]) expect(got.pair.relative[key], key).toBe(want.pair.relative[key]);
    expect(got.pair.suspect).toBeUndefined();
    expect(Math.abs(got.pair.surge.value - want.pair.surge.value)).toBe(0);
    expect(got.pair.surge.percentile).toBe(want.pair.surge.percentile);
  });

  it("a fall that stays (no reversal) is kept, named, and every figure whose window holds it is marked, in JSON and in the table", async () => {
    yahoo.overrides.set("IWM", (bars) => bars.map((bar) => (bar.date >= "2024-07-10" ? { ...bar, close: bar.close * 0.5, adjclose: (bar.adjclose ?? bar.close) * 0.5 } : bar)));
    const result = await live([]);
    expect(result.status).toBe(0);
    const got = iwm(result.stdout);
    expect(got.warnings.some((w) => w.startsWith("IWM: the close of 2024-07-10") && w.endsWith("kept, and every figure whose window holds it is marked suspect"))).toBe(true);
    expect(got.ticker.suspect).toEqual({ dates: ["2024-07-10"], figures: ["5D", "21D", "63D", "252D", "YTD", "surge", "rank"] });
    expect(got.pair.suspect).toEqual({ dates: ["2024-07-10"], figures: ["5D", "21D", "63D", "252D", "YTD", "surge", "rank", "ratio"] });
    const table = await runCliAsync(["check", ...PAIRS], { ROTATION_YAHOO_URL: base, ROTATION_CACHE_DIR: cache, ROTATION_NOW: EVENING });
    expect(table.stdout).toContain("Suspect: a one-day move beyond the bounds of a price (IWM 2024-07-10) was kept");
    expect(table.stdout).toMatch(/IWM:SPY .*!/);
  });

  it("log during an open session records the day before, judging its ticks as of that day: a provisional bar never decides", async () => {
    // Monday 07-15's close is 3x off; Tuesday's provisional price (noon, session open) takes it back.
    yahoo.overrides.set("IWM", (bars) => bars.map((bar) => (bar.date === "2024-07-15" ? { ...bar, close: bar.close * 3, adjclose: (bar.adjclose ?? bar.close) * 3 } : bar)));
    const journal = path.join(cache, "j.jsonl");
    const env = { ROTATION_YAHOO_URL: base, ROTATION_CACHE_DIR: cache, ROTATION_NOW: "2024-07-16T16:00:00Z" };
    const check = await runCliAsync(["check", ...PAIRS, "--json"], env);
    expect(JSON.parse(check.stdout).warnings.some((w: string) => w.startsWith("IWM: the close of 2024-07-15") && w.endsWith("left out as bad data"))).toBe(true);
    const logged = await runCliAsync(["log", ...PAIRS, "--journal", journal], env);
    expect(logged.status, logged.stderr).toBe(0);
    expect(JSON.parse(readFileSync(journal, "utf8").trim())).toMatchObject({ asOf: "2024-07-15" });
    expect(logged.stderr).toMatch(/warning: IWM: the close of 2024-07-15 .*kept, and every figure whose window holds it is marked suspect/);
    expect(logged.stderr).not.toMatch(/2024-07-15 .*left out as bad data/);
  });

  it("on the as-of day itself a suspect move cannot be judged yet: kept and marked, never dropped on hindsight", async () => {
    yahoo.overrides.set("IWM", (bars) => bars.map((bar) => (bar.date === TUESDAY ? { ...bar, close: bar.close * 3, adjclose: (bar.adjclose ?? bar.close) * 3 } : bar)));
    const got = iwm((await live([])).stdout);
    expect(got.ticker.date).toBe(TUESDAY);
    expect(got.ticker.suspect.figures).toContain("1D");
  });
});

async function truthDocument(asOf: string): Promise<unknown> {
  const result = await runCliAsync(["check", ...PAIRS, "--json", "--data", FIXTURE_PRICES, "--as-of", asOf]);
  return JSON.parse(result.stdout);
}

describe("freshness: how far behind, and no stale day logged as fresh", () => {
  it("every report says how far its newest close lies behind the last closed session (JSON, and the title past one session)", async () => {
    // The fixtures end on 2026-08-03; on 2026-12-04 at noon UTC (before New York's open) the last
    // closed session is 2026-12-03. Sessions after 2026-08-03 up to it: weekdays, less Labor Day
    // (09-07) and Thanksgiving (11-26), counted here from the calendar.
    let weekdaysAfter = 0;
    for (let t = Date.parse("2026-08-04T12:00:00Z"); t <= Date.parse("2026-12-03T12:00:00Z"); t += 86_400_000) if (![0, 6].includes(new Date(t).getUTCDay())) weekdaysAfter++;
    const behind = weekdaysAfter - 2;
    const env = { ROTATION_NOW: "2026-12-04T12:00:00Z" };
    const json = await runCliAsync(["check", "--data", FIXTURE_PRICES, "--json"], env);
    expect(JSON.parse(json.stdout).source).toMatchObject({ kind: "csv", lagSessions: behind, lastClosedSession: "2026-12-03" });
    const table = await runCliAsync(["check", "--data", FIXTURE_PRICES], env);
    expect(table.stdout.split("\n")[0]).toContain(`[newest close ${behind} sessions behind the last closed session, 2026-12-03]`);
    const pinned = await runCliAsync(["check", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--json"], env);
    expect(JSON.parse(pinned.stdout).source).toMatchObject({ lagSessions: 0, lastClosedSession: "2024-07-16" });
  });

  it("log refuses a day the feed failed to bring (exit 1, one line, a failed notification); --allow-stale records it marked; --as-of is exempt", async () => {
    const { WebhookReceiver } = await import("../helpers/webhook.js");
    const receiver = new WebhookReceiver();
    const hook = await receiver.start();
    try {
      const journal = path.join(cache, "j.jsonl");
      const env = (now: string) => ({ ROTATION_YAHOO_URL: base, ROTATION_CACHE_DIR: cache, ROTATION_NOW: now });
      expect((await runCliAsync(["log", "--pairs", "IWM:SPY", "--journal", journal], env(EVENING))).status).toBe(0);
      yahoo.behaviour = () => ({ status: 500, body: "" });
      const refused = await runCliAsync(["log", "--pairs", "IWM:SPY", "--journal", journal, "--notify", `${hook}/hook`], env(NEXT_EVENING));
      expect(refused.status).toBe(1);
      expect(refused.stderr.split("\n").filter((l) => l.startsWith("rotation: "))).toEqual([
        `rotation: 2024-07-16 is 1 session behind the last closed session, 2024-07-17 (the download failed for IWM, SPY, shown from the cache); nothing written to ${journal} (--allow-stale records it marked stale; --as-of DATE logs a past day)`,
      ]);
      const events = receiver.posts.map((p) => JSON.parse(p.body) as { event: string; text: string });
      expect(events.map((e) => e.event)).toEqual(["failed"]);
      expect(events[0]!.text).toContain("2024-07-16 is 1 session behind the last closed session, 2024-07-17");
      const lines = () => readFileSync(journal, "utf8").trim().split("\n").map((line) => JSON.parse(line) as { asOf: string; stale?: boolean });
      expect(lines()).toHaveLength(1);
      const allowed = await runCliAsync(["log", "--pairs", "IWM:SPY", "--journal", journal, "--allow-stale", "--replace"], env(NEXT_EVENING));
      expect(allowed.status).toBe(0);
      expect(lines().at(-1)).toMatchObject({ asOf: TUESDAY, stale: true });
      const past = await runCliAsync(["log", "--pairs", "IWM:SPY", "--journal", journal, "--as-of", TUESDAY, "--replace"], env(NEXT_EVENING));
      expect(past.status).toBe(0);
      expect(lines().at(-1)!.stale).toBeUndefined();
    } finally {
      await receiver.stop();
    }
  }, 30_000);

  it("a holiday is never a missed session: the evening of Juneteenth logs the day before, as fresh", async () => {
    yahoo.until = "2024-06-18";
    const journal = path.join(cache, "j.jsonl");
    const result = await runCliAsync(["log", "--pairs", "IWM:SPY", "--journal", journal], { ROTATION_YAHOO_URL: base, ROTATION_CACHE_DIR: cache, ROTATION_NOW: "2024-06-19T22:00:00Z" });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(readFileSync(journal, "utf8").trim())).toMatchObject({ asOf: "2024-06-18" });
  });
});

describe("no missing session", () => {
  const GAP = "2024-07-11";

  it("a session one ticker's answer lacks is fetched again in full, once; when it comes back the figures are the truth's", async () => {
    // The first answer for IWM lacks the session; the next one has it.
    yahoo.overrides.set("IWM", (bars) => (yahoo.count("IWM") <= 1 ? bars.filter((bar) => bar.date !== GAP) : bars));
    const result = await live([]);
    expect(result.status).toBe(0);
    expect(yahoo.count("IWM")).toBe(2);
    expect(figures(result.stdout)).toEqual(await truth(TUESDAY));
    expect(readCacheFile(path.join(cache, "IWM.bin")).dates).toContain(GAP);
  });

  it("still missing after the full download: a warning names the ticker and the date, and every figure spanning it is marked", async () => {
    yahoo.overrides.set("IWM", (bars) => bars.filter((bar) => bar.date !== GAP));
    const result = await live([]);
    expect(result.status).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.warnings).toContain(`IWM: no close for ${GAP}, a session its peers have (still missing after a full download); every figure spanning it is marked`);
    const pair = doc.pairs.find((p: { pair: string }) => p.pair === "IWM:SPY");
    expect(pair.missing).toEqual({ dates: [GAP], figures: ["5D", "21D", "63D", "252D", "YTD", "surge", "rank", "ratio"] });
    // 1D (07-15 to 07-16) does not span it: it is the truth's.
    const truthPair = (JSON.parse(JSON.stringify(await truth(TUESDAY))) as { pairs: { pair: string; relative: { d1: number } }[] }).pairs.find((p) => p.pair === "IWM:SPY")!;
    expect(pair.relative.d1).toBe(truthPair.relative.d1);
    const table = await runCliAsync(["check", ...PAIRS], { ROTATION_YAHOO_URL: base, ROTATION_CACHE_DIR: cache, ROTATION_NOW: EVENING });
    expect(table.stdout).toContain(`Missing: no close for IWM ${GAP}, a session its peers have. Figures marked ! span it.`);
    // The full download that confirmed the gap is remembered for a day: a rerun the same evening
    // asks nothing (the cache is fresh, the gap checked); the next day asks again, once.
    expect(yahoo.count("IWM")).toBe(2);
    expect((await live([], "2024-07-16T23:00:00Z")).status).toBe(0);
    expect(yahoo.count("IWM")).toBe(2);
    yahoo.until = "2024-07-17";
    const next = await live([], NEXT_EVENING);
    expect(next.status).toBe(0);
    expect(yahoo.count("IWM")).toBe(4);
    expect(JSON.parse(next.stdout).warnings).toContain(`IWM: no close for ${GAP}, a session its peers have (still missing after a full download); every figure spanning it is marked`);
  });

  it("a session that comes back after the overlap window has passed it: the peers' check fetches the whole history again", async () => {
    yahoo.overrides.set("IWM", (bars) => bars.filter((bar) => bar.date !== "2024-07-01"));
    expect((await live([])).status).toBe(0);
    expect(readCacheFile(path.join(cache, "IWM.bin")).dates).not.toContain("2024-07-01");
    yahoo.overrides.clear();
    yahoo.until = "2024-07-17";
    // The next day's small download overlaps only the last 5 bars, which do not reach 07-01.
    const next = await live([], NEXT_EVENING);
    expect(next.status).toBe(0);
    expect(readCacheFile(path.join(cache, "IWM.bin")).dates).toContain("2024-07-01");
    expect(figures(next.stdout)).toEqual(await truth("2024-07-17"));
  });
});

describe("provisional bars for every exchange", () => {
  it("a fund listed in Tokyo during its session: its bar is provisional (from the answer's trading period), New York's is not", async () => {
    yahoo.aliases["1306.T"] = "IWM";
    yahoo.until = "2024-07-17";
    const seconds = (iso: string) => Date.parse(iso) / 1000;
    yahoo.metaOverrides.set("1306.T", { exchangeTimezoneName: "Asia/Tokyo", currentTradingPeriod: { regular: { timezone: "JST", start: seconds("2024-07-17T00:00:00Z"), end: seconds("2024-07-17T06:00:00Z"), gmtoffset: 32400 } } });
    // 03:00 UTC: noon in Tokyo (its session open), 23:00 the night before in New York (closed).
    yahoo.overrides.set("SPY", (bars) => bars.filter((bar) => bar.date <= TUESDAY));
    const run = (now: string) => runCliAsync(["check", "--pairs", "1306.T:SPY", "--json"], { ROTATION_YAHOO_URL: base, ROTATION_CACHE_DIR: cache, ROTATION_NOW: now });
    const during = JSON.parse((await run("2024-07-17T03:00:00Z")).stdout);
    const tokyo = during.tickers.find((t: { symbol: string }) => t.symbol === "1306.T");
    expect(tokyo).toMatchObject({ date: "2024-07-17", provisional: true });
    expect(during.tickers.find((t: { symbol: string }) => t.symbol === "SPY")).toMatchObject({ date: TUESDAY, provisional: false });
    // After Tokyo's close, the same cached bar is final.
    const after = JSON.parse((await run("2024-07-17T06:30:00Z")).stdout);
    expect(after.tickers.find((t: { symbol: string }) => t.symbol === "1306.T")).toMatchObject({ date: "2024-07-17", provisional: false });
    delete yahoo.aliases["1306.T"];
    yahoo.metaOverrides.clear();
  });
});
