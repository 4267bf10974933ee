import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectCleanOutput, runCliAsync } from "../helpers/cli.js";
import { closedPort } from "../helpers/net.js";
import { FIXTURES, readFixtureCloses } from "../helpers/paths.js";
import { FakeYahooServer, TestProxy } from "../helpers/yahoo-server.js";

/**
 * The built CLI against a local server that answers like Yahoo (ROTATION_YAHOO_URL), with a
 * pinned clock (ROTATION_NOW): every case of the live-data issue, with requests counted.
 */
const yahoo = new FakeYahooServer();
let base = "";
let cache = "";
const TUESDAY = "2024-07-16";
const EVENING = "2024-07-16T21:30:00Z"; // 17:30 New York, the session closed
const NOON = "2024-07-16T16:00:00Z"; // 12:00 New York, the session open

beforeAll(async () => {
  base = await yahoo.start();
});
afterAll(() => yahoo.stop());
beforeEach(() => {
  yahoo.reset(TUESDAY);
  cache = mkdtempSync(path.join(tmpdir(), "rotation-live-"));
});

function run(args: string[], now: string, extra: Record<string, string> = {}) {
  return runCliAsync(args, { ROTATION_YAHOO_URL: base, ROTATION_CACHE_DIR: cache, ROTATION_NOW: now, ...extra });
}
const IWM_SPY = ["--pairs", "IWM:SPY"];

describe("Yahoo Finance as it behaves today, through the built CLI", () => {
  it("schema drift in fields rotation never reads does not fail the run", async () => {
    yahoo.dropMeta = ["priceHint", "currentTradingPeriod", "validRanges", "dataGranularity"];
    const result = await run(["check", ...IWM_SPY, "--json"], EVENING);
    expectCleanOutput(result);
    expect(result.status).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.asOf).toBe(TUESDAY);
    expect(doc.pairs[0].surge.value).toBeCloseTo(0.0989, 4);
    expect(yahoo.count()).toBe(2);
  });

  it("a field rotation does read, missing, is one line naming it", async () => {
    yahoo.dropMeta = ["exchangeTimezoneName"];
    const result = await run(["check", ...IWM_SPY, "--no-fallback"], EVENING);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe("rotation: IWM: Yahoo Finance's chart answer has no usable exchange time zone (meta.exchangeTimezoneName); SPY: Yahoo Finance's chart answer has no usable exchange time zone (meta.exchangeTimezoneName)\n");
  });

  it("a 429 storm with no cache fails after three tries each; with a day-old cache it shows the cache, stale", async () => {
    yahoo.behaviour = () => ({ status: 429, headers: { "retry-after": "0" }, body: "" });
    const cold = await run(["check", ...IWM_SPY], EVENING);
    expect(cold.status).toBe(1);
    expect(cold.stderr).toMatch(/^rotation: IWM: 127\.0\.0\.1:\d+: HTTP 429 Too Many Requests after 3 tries; SPY: 127\.0\.0\.1:\d+: HTTP 429 Too Many Requests after 3 tries\n$/);
    expect(yahoo.count()).toBe(6);

    yahoo.behaviour = () => undefined;
    expect((await run(["check", ...IWM_SPY], EVENING)).status).toBe(0);
    yahoo.until = "2024-07-17";
    yahoo.behaviour = () => ({ status: 429, headers: { "retry-after": "0" }, body: "" });
    yahoo.requests.length = 0;
    const warm = await run(["check", ...IWM_SPY, "--json"], "2024-07-17T21:30:00Z");
    expect(warm.status).toBe(0);
    const doc = JSON.parse(warm.stdout);
    expect(doc.asOf).toBe(TUESDAY);
    expect(doc.source.stale.map((s: { symbol: string; lastDate: string }) => `${s.symbol} ${s.lastDate}`)).toEqual([`IWM ${TUESDAY}`, `SPY ${TUESDAY}`]);
    expect(warm.stderr).toMatch(/^warning: IWM: .*HTTP 429 Too Many Requests after 3 tries; using the cached prices fetched 1 day|^warning: IWM: .*HTTP 429 Too Many Requests after 3 tries; using the cached prices fetched 24 hours ago/m);
    expect(yahoo.count()).toBe(6);
    // --no-fallback restores failing.
    expect((await run(["check", ...IWM_SPY, "--no-fallback"], "2024-07-17T21:30:00Z")).status).toBe(1);
  });

  it("a 404 for a cached ticker uses the cache with a warning", async () => {
    expect((await run(["check", ...IWM_SPY], EVENING)).status).toBe(0);
    yahoo.until = "2024-07-17";
    yahoo.behaviour = ({ symbol }) => (symbol === "SPY" ? { status: 404, body: JSON.stringify({ chart: { result: null, error: { code: "Not Found", description: "No data found, symbol may be delisted" } } }) } : undefined);
    const result = await run(["check", ...IWM_SPY, "--json"], "2024-07-17T21:30:00Z");
    expect(result.status).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.source.stale).toEqual([expect.objectContaining({ symbol: "SPY", lastDate: TUESDAY })]);
    expect(doc.tickers.find((t: { symbol: string }) => t.symbol === "IWM").date).toBe("2024-07-17");
    expect(result.stderr).toMatch(/^warning: SPY: unknown symbol on Yahoo Finance .*; using the cached prices fetched/m);
  });

  it("a body that stalls after the headers is timed out and retried", async () => {
    yahoo.behaviour = ({ symbol, count }) => (symbol === "IWM" && count === 1 ? "stall" : undefined);
    const result = await run(["check", ...IWM_SPY, "--json", "--timeout", "0.5"], EVENING);
    expectCleanOutput(result);
    expect(result.status).toBe(0);
    expect(yahoo.count("IWM")).toBe(2);
    expect(result.stderr).not.toMatch(/HTTP 23/);
  });

  it("a web page instead of data is named, not called malformed JSON", async () => {
    yahoo.behaviour = () => ({ status: 200, headers: { "content-type": "text/html" }, body: "<!DOCTYPE html><html><body>Please sign in to the network</body></html>" });
    const result = await run(["check", ...IWM_SPY], EVENING);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^rotation: IWM: 127\.0\.0\.1:\d+: got a web page instead of data \(a proxy, captive portal or consent page\?\)/);
    expect(yahoo.count()).toBe(2);
  });

  it("an empty chart answer is one line, never JavaScript error text", async () => {
    yahoo.behaviour = () => ({ status: 200, body: JSON.stringify({ chart: { result: [] } }) });
    const result = await run(["check", ...IWM_SPY, "--no-fallback"], EVENING);
    expectCleanOutput(result);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^rotation: IWM: Yahoo Finance's chart answer has no result \(an empty or unexpected answer\)/);
    expect(result.stderr).not.toMatch(/Cannot read properties|TypeError/);
  });

  it("a Retry-After of an hour fails at once, naming the wait", async () => {
    yahoo.behaviour = () => ({ status: 429, headers: { "retry-after": "3600" }, body: "" });
    const started = Date.now();
    const result = await run(["check", ...IWM_SPY], EVENING);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/the server asks to wait 3600 s, longer than the 60 s rotation waits; try again later/);
    expect(yahoo.count()).toBe(2);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("an open session: provisional at 12:00 New York, closed at 17:00; log records only closed sessions", async () => {
    const journal = path.join(cache, "journal.jsonl");
    const noon = await run(["check", ...IWM_SPY, "--json"], NOON);
    const doc = JSON.parse(noon.stdout);
    expect(doc.tickers.map((t: { provisional: boolean }) => t.provisional)).toEqual([true, true]);
    expect(doc.pairs[0].provisional).toBe(true);
    const table = await run(["check", ...IWM_SPY], NOON);
    expect(table.stdout).toMatch(/^Provisional: the session of 2024-07-16 has not closed \(16:00 New York\); IWM, SPY show its price so far/m);
    const logged = await run(["log", ...IWM_SPY, "--journal", journal], NOON);
    expect(logged.status).toBe(0);
    expect(logged.stderr).toMatch(/^warning: the session of 2024-07-16 has not closed; logging the previous session, 2024-07-15$/m);
    expect(logged.stderr).toMatch(/^rotation: logged 2024-07-15 /m);
    const evening = await run(["check", ...IWM_SPY, "--json"], EVENING);
    expect(JSON.parse(evening.stdout).pairs[0].provisional).toBe(false);
    const later = await run(["log", ...IWM_SPY, "--journal", journal], EVENING);
    expect(later.stderr).toMatch(/^rotation: logged 2024-07-16 /m);
    const dates = readFileSync(journal, "utf8").trim().split("\n").map((line) => JSON.parse(line).asOf);
    expect(dates).toEqual(["2024-07-15", "2024-07-16"]);
  });

  it("a split without its event is caught in the overlap and the whole history downloaded again", async () => {
    expect((await run(["check", ...IWM_SPY], EVENING)).status).toBe(0);
    yahoo.until = "2024-07-17";
    // A 2:1 split on 07-17: Yahoo's raw and adjusted closes before it are both halved.
    yahoo.overrides.set("IWM", (bars) => bars.map((b) => (b.date < "2024-07-17" ? { ...b, close: b.close / 2 } : b)));
    yahoo.requests.length = 0;
    const result = await run(["check", ...IWM_SPY, "--json"], "2024-07-17T21:30:00Z");
    expect(result.status).toBe(0);
    expect(yahoo.requests.filter((r) => r.symbol === "IWM").map((r) => r.period1 <= 86_400)).toEqual([false, true]);
    // Without the refetch, IWM's 21-day return would read about -49%.
    expect(JSON.parse(result.stdout).tickers[0].returns.d21).toBeGreaterThan(-0.2);
  });

  it("each ticker's whole history is downloaded again once a week", async () => {
    expect((await run(["check", ...IWM_SPY], EVENING)).status).toBe(0);
    yahoo.until = "2024-07-23";
    yahoo.requests.length = 0;
    await run(["check", ...IWM_SPY], "2024-07-22T21:30:00Z");
    expect(yahoo.requests.map((r) => r.period1 <= 86_400)).toEqual([false, false]);
    yahoo.until = "2024-07-24";
    yahoo.requests.length = 0;
    await run(["check", ...IWM_SPY], "2024-07-24T21:30:00Z");
    expect(yahoo.requests.map((r) => r.period1 <= 86_400)).toEqual([true, true]);
  });

  it("index tickers: ^RUT against ^GSPC from Yahoo, and ^RUT.csv from a folder", async () => {
    const result = await run(["check", "--pairs", "^RUT:^GSPC", "--json"], EVENING);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).pairs[0].pair).toBe("^RUT:^GSPC");
    expect(yahoo.requests.map((r) => r.symbol).sort()).toEqual(["^GSPC", "^RUT"]);
    const folder = path.join(cache, "csv");
    mkdirSync(folder);
    for (const [ticker, fund] of [["^RUT", "IWM"], ["^GSPC", "SPY"]] as const) {
      writeFileSync(path.join(folder, `${ticker}.csv`), `Date,Close\n${[...readFixtureCloses(fund)].map(([d, c]) => `${d},${c}`).join("\n")}\n`);
    }
    const csv = await runCliAsync(["check", "--data", folder, "--pairs", "^rut:^gspc", "--as-of", TUESDAY, "--json"]);
    expect(JSON.parse(csv.stdout).pairs[0].surge.value).toBeCloseTo(0.0989, 4);
    const misplaced = await runCliAsync(["check", "--pairs", "R^UT:SPY"]);
    expect(misplaced.status).toBe(2);
    expect(misplaced.stderr).toMatch(/--pairs: "R\^UT" is not a ticker/);
  });
});

describe("the transport", () => {
  it("a download, first or next-day, never loads Node's fetch machinery (undici): the http module does the requests", async () => {
    const work = mkdtempSync(path.join(tmpdir(), "rotation-transport-"));
    const hook = path.join(work, "loaded.mjs");
    const report = path.join(work, "loaded.json");
    writeFileSync(hook, `import { writeFileSync } from "node:fs";\nprocess.on("exit", () => writeFileSync(${JSON.stringify(report)}, JSON.stringify(process.moduleLoadList.filter((m) => /undici/.test(m)))));\n`);
    const loaded = () => JSON.parse(readFileSync(report, "utf8")) as string[];
    yahoo.reset("2024-07-15");
    const first = await run(["check", ...IWM_SPY, "--json"], "2024-07-15T21:30:00Z", { NODE_OPTIONS: `--import ${hook}` });
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout).asOf).toBe("2024-07-15");
    expect(loaded()).toEqual([]);
    const history = path.join(cache, "IWM.bin");
    const written = { bytes: readFileSync(history), ino: statSync(history).ino };
    yahoo.reset(TUESDAY);
    const nextDay = await run(["check", ...IWM_SPY, "--json"], EVENING, { NODE_OPTIONS: `--import ${hook}` });
    expect(nextDay.status).toBe(0);
    expect(JSON.parse(nextDay.stdout).asOf).toBe(TUESDAY);
    expect(yahoo.count()).toBe(2);
    expect(loaded()).toEqual([]);
    // The next day's bar went to the fund's log; its history file is the one the first run wrote.
    expect(statSync(history).ino).toBe(written.ino);
    expect(readFileSync(history).equals(written.bytes)).toBe(true);
    expect(statSync(path.join(cache, "IWM.log")).size).toBeLessThan(2048);
    // Read back offline, the history and its log give the day's figures.
    const offline = await run(["check", ...IWM_SPY, "--json", "--offline"], EVENING);
    expect(offline.status).toBe(0);
    expect(JSON.parse(offline.stdout).pairs).toEqual(JSON.parse(nextDay.stdout).pairs);
    // The hook does see undici when it is loaded: a proxy's requests go through it.
    const proxied = await run(["check", ...IWM_SPY, "--json", "--no-fallback"], EVENING, { NODE_OPTIONS: `--import ${hook}`, HTTP_PROXY: `http://127.0.0.1:${await closedPort()}`, ROTATION_CACHE_DIR: mkdtempSync(path.join(tmpdir(), "rotation-transport-")) });
    expect(proxied.status).toBe(1);
    expect(loaded().length).toBeGreaterThan(0);
  });
});

describe("a proxy", () => {
  const proxyPort = { value: "" };
  let proxy: TestProxy;
  beforeAll(async () => {
    proxy = new TestProxy({ "yahoo.invalid": Number(new URL(base).port) });
    proxyPort.value = await proxy.start();
  });
  afterAll(() => proxy.stop());

  it("HTTPS_PROXY/HTTP_PROXY carry every request to a host only the proxy can reach; NO_PROXY bypasses it", async () => {
    const unreachable = `http://yahoo.invalid:${new URL(base).port}`;
    for (const variable of ["HTTP_PROXY", "http_proxy"]) {
      proxy.seen.length = 0;
      yahoo.requests.length = 0;
      const cacheDir = mkdtempSync(path.join(tmpdir(), "rotation-proxy-"));
      const result = await runCliAsync(["check", ...IWM_SPY, "--json"], { ROTATION_YAHOO_URL: unreachable, ROTATION_CACHE_DIR: cacheDir, ROTATION_NOW: EVENING, [variable]: proxyPort.value });
      expectCleanOutput(result);
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout).source.kind).toBe("yahoo");
      expect(proxy.seen.length).toBeGreaterThanOrEqual(1);
      expect(yahoo.count()).toBe(2);
    }
    const bypass = await runCliAsync(["check", ...IWM_SPY, "--no-fallback"], {
      ROTATION_YAHOO_URL: unreachable,
      ROTATION_CACHE_DIR: mkdtempSync(path.join(tmpdir(), "rotation-proxy-")),
      ROTATION_NOW: EVENING,
      HTTP_PROXY: proxyPort.value,
      NO_PROXY: "yahoo.invalid",
    });
    expect(bypass.status).toBe(1);
    expect(bypass.stderr).toMatch(/cannot reach Yahoo Finance \((ENOTFOUND|EAI_AGAIN) yahoo\.invalid:\d+\)/);
  });

  it("HTTPS through HTTPS_PROXY: a CONNECT tunnel to a TLS server only the proxy can reach", async () => {
    const tls = { key: readFileSync(path.join(FIXTURES, "tls", "key.pem"), "utf8"), cert: readFileSync(path.join(FIXTURES, "tls", "cert.pem"), "utf8") };
    const secure = new FakeYahooServer();
    secure.until = TUESDAY;
    const port = new URL(await secure.start(tls)).port;
    const tunnel = new TestProxy({ "yahoo.invalid": Number(port) });
    const proxyUrl = await tunnel.start();
    try {
      const result = await runCliAsync(["check", ...IWM_SPY, "--json", "--no-fallback"], {
        ROTATION_YAHOO_URL: `https://yahoo.invalid:${port}`,
        ROTATION_CACHE_DIR: mkdtempSync(path.join(tmpdir(), "rotation-tls-")),
        ROTATION_NOW: EVENING,
        HTTPS_PROXY: proxyUrl,
        NODE_EXTRA_CA_CERTS: path.join(FIXTURES, "tls", "cert.pem"),
      });
      expectCleanOutput(result);
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout).asOf).toBe(TUESDAY);
      expect(tunnel.seen).toContain(`CONNECT yahoo.invalid:${port}`);
      expect(secure.count()).toBe(2);
    } finally {
      await tunnel.stop();
      await secure.stop();
    }
  });

  it("without a proxy, an unreachable Yahoo is said once, with what to do", async () => {
    const result = await runCliAsync(["check", "--no-fallback"], { ROTATION_YAHOO_URL: `http://127.0.0.1:${await closedPort()}`, ROTATION_CACHE_DIR: cache });
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^rotation: cannot reach Yahoo Finance \(ECONNREFUSED 127\.0\.0\.1:\d+\) for IWM, IJR, IJH, SPY, QQQ — check the network or HTTPS_PROXY/);
  });
});
