import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { readCacheFile, writeCacheFile } from "../helpers/price-cache-file.js";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DataError, NetworkError } from "../../src/errors.js";
import { PriceCache } from "../../src/sources/price-cache.js";
import { YAHOO_CONCURRENCY, YahooSource, type YahooSourceOptions } from "../../src/sources/yahoo/prices.js";
import { combineFailures } from "../../src/app/prices.js";
import { chartBody, fakeYahoo, json, loadRecording, replay, serveHistory, type Bar, type Handler } from "../helpers/fake-yahoo.js";
import {} from "../helpers/paths.js";
import { weekdays } from "../helpers/series.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "rotation-yahoo-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function source(fetch: YahooSourceOptions["fetch"], now: Date, extra: Partial<YahooSourceOptions> = {}) {
  const yahoo = new YahooSource({
    cache: new PriceCache(path.join(dir, "cache")),
    offline: false,
    refresh: false,
    fetch,
    retry: { sleep: async () => undefined, timeoutMs: 2_000 },
    now: () => now,
    concurrency: 4,
    fallback: false,
    ...extra,
  });
  return { yahoo };
}

/** What a command does with a load: any failure stops the run (no --partial). */
async function strictLoad(yahoo: YahooSource, symbols: string[]) {
  const result = await yahoo.load(symbols);
  if (result.failures.length > 0) throw combineFailures(result.failures);
  return result;
}

function bars(dates: string[], start = 100): Bar[] {
  return dates.map((date, i) => ({ date, close: start + i, adjclose: (start + i) * 0.99 }));
}

describe(`recorded Yahoo answers through yahoo-finance2's own parsing`, () => {
  it("reads an ETF's daily bars, adjusted close and exchange date", async () => {
    const recording = loadRecording("chart-QQQ-2020-01-01-to-2020-01-03.json");
    const server = fakeYahoo(() => replay(recording));
    const { yahoo } = source(server.fetch, new Date("2020-01-03T22:00:00Z"));
    const result = await yahoo.load(["QQQ"]);
    // The exchange's zone (its calendar's peers) and the trading period of the answer come along.
    expect(result.series.get("QQQ")).toMatchObject({ symbol: "QQQ", dates: ["2020-01-02"], closes: Float64Array.of(209.6380615234375), timezone: "America/New_York" });
    expect(Object.keys(result.series.get("QQQ")!).sort()).toEqual(["closes", "dates", "session", "symbol", "timezone"]);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatch(/^\/v8\/finance\/chart\/QQQ\?.*interval=1d/);
  });

  it("keeps the split and the dividend beside the bars in the cache", async () => {
    const recording = loadRecording("chart-AAPL-2020-08-31-to-2020-11-07.json");
    const server = fakeYahoo(() => replay(recording));
    const { yahoo } = source(server.fetch, new Date("2020-11-07T22:00:00Z"));
    const series = (await yahoo.load(["AAPL"])).series.get("AAPL")!;
    expect(series.dates).toHaveLength(49);
    // Bars are stamped 13:30Z at the open; the trading date comes from America/New_York.
    expect(series.dates[0]).toBe("2020-08-31");
    expect(series.closes[0]).toBeCloseTo(125.82673645019531, 10);
    const cached = readCacheFile(path.join(dir, "cache", "AAPL.bin"));
    expect(cached.events).toEqual(["2020-08-31:split:4/1", "2020-11-06:div:0.205"]);
    expect(cached.close[0]).toBeCloseTo(129.0399932861328, 10);
  });

  it("survives an answer without timestamps: no bars is a clear error", async () => {
    const recording = loadRecording("chart-edgecase-no-timestamp.json");
    const { yahoo } = source(fakeYahoo(() => replay(recording)).fetch, new Date("2020-01-03T22:00:00Z"));
    await expect(strictLoad(yahoo, ["AAPL"])).rejects.toThrow(new DataError("AAPL: Yahoo Finance returned no daily bars"));
  });
});

describe("Yahoo faults", () => {
  const now = new Date("2024-07-16T22:00:00Z");
  const history = { IWM: bars(weekdays("2024-06-03", 32)) };

  it("names an unknown symbol", async () => {
    const { yahoo } = source(fakeYahoo(serveHistory(history)).fetch, now);
    await expect(strictLoad(yahoo, ["IWM", "NOPE"])).rejects.toThrow(/^NOPE: unknown symbol on Yahoo Finance \(No data found, symbol may be delisted\)$/);
  });

  it("retries a 429 and then succeeds", async () => {
    let calls = 0;
    const served = serveHistory(history);
    const server = fakeYahoo((url, symbol) => (calls++ === 0 ? json({}, 429) : served(url, symbol)));
    const { yahoo } = source(server.fetch, now);
    const result = await yahoo.load(["IWM"]);
    expect(result.series.get("IWM")!.dates).toHaveLength(32);
    expect(server.requests).toHaveLength(2);
    expect(result.info.requests).toBe(2);
  });

  it("reports a server that keeps failing as a network error naming the ticker", async () => {
    const server = fakeYahoo(() => new Response("busy", { status: 503, statusText: "Service Unavailable" }));
    const { yahoo } = source(server.fetch, now);
    await expect(strictLoad(yahoo, ["IWM"])).rejects.toThrow(NetworkError);
    await expect(strictLoad(yahoo, ["IWM"])).rejects.toThrow("IWM: query2.finance.yahoo.com: HTTP 503 Service Unavailable after 3 tries");
  });

  it("reports a network failure after three tries", async () => {
    const server = fakeYahoo(() => {
      throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ENOTFOUND" } });
    });
    const { yahoo } = source(server.fetch, now);
    await expect(strictLoad(yahoo, ["IWM"])).rejects.toThrow("IWM: query2.finance.yahoo.com: ENOTFOUND after 3 tries");
    expect(server.requests).toHaveLength(3);
  });

  it("refuses malformed JSON in a 200 answer", async () => {
    const server = fakeYahoo(() => new Response('{"chart": {"result": [', { status: 200, headers: { "content-type": "application/json" } }));
    const { yahoo } = source(server.fetch, now);
    await expect(strictLoad(yahoo, ["IWM"])).rejects.toThrow("IWM: Yahoo Finance sent an unreadable answer (malformed JSON)");
  });

  it("refuses an empty history", async () => {
    const server = fakeYahoo((_, symbol) => json(chartBody(symbol, [])));
    const { yahoo } = source(server.fetch, now);
    await expect(strictLoad(yahoo, ["IWM"])).rejects.toThrow("IWM: Yahoo Finance returned no daily bars");
  });

  it("skips bars without a close, with a warning", async () => {
    const server = fakeYahoo((_, symbol) => {
      const body = chartBody(symbol, bars(["2024-07-15", "2024-07-16"])) as { chart: { result: { indicators: { quote: { close: (number | null)[] }[] } }[] } };
      body.chart.result[0]!.indicators.quote[0]!.close[0] = null;
      return json(body);
    });
    const { yahoo } = source(server.fetch, now);
    const result = await yahoo.load(["IWM"]);
    expect(result.series.get("IWM")!.dates).toEqual(["2024-07-16"]);
    expect(result.warnings).toEqual(["IWM: 1 bar without a usable close skipped"]);
  });
});

describe("the cache", () => {
  const dates = weekdays("2024-01-01", 140);
  const tuesdayEvening = new Date(`${dates[130]}T21:00:00Z`);

  it("makes no request while fresh, one small request the next day, and merges it", async () => {
    const histories = { IWM: bars(dates.slice(0, 131)), SPY: bars(dates.slice(0, 131), 400) };
    const server = fakeYahoo(serveHistory(histories));
    const first = await source(server.fetch, tuesdayEvening).yahoo.load(["IWM", "SPY"]);
    expect(server.requests).toHaveLength(2);
    expect(first.series.get("IWM")!.dates).toHaveLength(131);

    const again = await source(server.fetch, new Date(tuesdayEvening.getTime() + 60_000)).yahoo.load(["IWM", "SPY"]);
    expect(server.requests).toHaveLength(2);
    expect(again.series).toEqual(first.series);

    // The next session adds a bar; the refresh asks only for the last days.
    histories.IWM.push(...bars([dates[131]!], 231));
    histories.SPY.push(...bars([dates[131]!], 531));
    const nextDay = new Date(`${dates[131]}T21:00:00Z`);
    const refreshed = await source(server.fetch, nextDay).yahoo.load(["IWM", "SPY"]);
    expect(server.requests).toHaveLength(4);
    const period1 = new URL(`https://x${server.requests[2]}`).searchParams.get("period1");
    expect(Number(period1)).toBeGreaterThan(Date.parse(`${dates[120]}T00:00:00Z`) / 1000);
    expect(refreshed.series.get("IWM")!.dates).toEqual(dates.slice(0, 132));
    expect(refreshed.series.get("IWM")!.closes.at(-1)).toBeCloseTo(231 * 0.99, 10);
  });

  it("fetches the whole history again when a split arrives without its event (raw closes move, the factor does not)", async () => {
    const history = bars(dates.slice(0, 131));
    const server = fakeYahoo(serveHistory({ IWM: history }));
    await source(server.fetch, tuesdayEvening).yahoo.load(["IWM"]);
    // A 2:1 split on the next day: Yahoo halves every earlier close, raw and adjusted alike.
    for (const bar of history) {
      bar.close /= 2;
      bar.adjclose = bar.adjclose! / 2;
    }
    history.push({ date: dates[131]!, close: 120, adjclose: 120 * 0.99 });
    const nextDay = new Date(`${dates[131]}T21:00:00Z`);
    const result = await source(server.fetch, nextDay).yahoo.load(["IWM"]);
    // One small request, then the whole history: the 21-day return must not read -49%.
    expect(server.requests).toHaveLength(3);
    expect(new URL(`https://x${server.requests[2]}`).searchParams.get("period1")).toBe(String(Date.parse("1970-01-02T00:00:00Z") / 1000));
    const closes = result.series.get("IWM")!.closes;
    expect(closes.at(-1)! / closes.at(-22)! - 1).toBeGreaterThan(-0.2);
  });

  it("downloads each ticker's whole history again once a week, so late dividends are picked up", async () => {
    const history = bars(dates.slice(0, 131));
    const server = fakeYahoo(serveHistory({ IWM: history }));
    await source(server.fetch, tuesdayEvening).yahoo.load(["IWM"]);
    history.push(...bars([dates[131]!, dates[132]!, dates[133]!, dates[134]!, dates[135]!, dates[136]!], 240));
    // Six days later: an incremental request.
    await source(server.fetch, new Date(`${dates[135]}T21:00:00Z`)).yahoo.load(["IWM"]);
    expect(new URL(`https://x${server.requests[1]}`).searchParams.get("period1")).not.toBe(String(Date.parse("1970-01-02T00:00:00Z") / 1000));
    // Eight days after the full download: the whole history again.
    await source(server.fetch, new Date(`${dates[136]}T21:00:00Z`)).yahoo.load(["IWM"]);
    expect(server.requests).toHaveLength(3);
    expect(new URL(`https://x${server.requests[2]}`).searchParams.get("period1")).toBe(String(Date.parse("1970-01-02T00:00:00Z") / 1000));
  });

  it("fetches the whole history again when a dividend rescales the adjusted closes", async () => {
    const history = bars(dates.slice(0, 131));
    const server = fakeYahoo(serveHistory({ IWM: history }));
    await source(server.fetch, tuesdayEvening).yahoo.load(["IWM"]);
    // A dividend on the next day lowers every earlier adjusted close by 1%.
    for (const bar of history) bar.adjclose = bar.adjclose! * 0.99;
    history.push({ date: dates[131]!, close: 300, adjclose: 300 });
    const nextDay = new Date(`${dates[131]}T21:00:00Z`);
    const result = await source(server.fetch, nextDay).yahoo.load(["IWM"]);
    expect(server.requests).toHaveLength(3);
    expect(new URL(`https://x${server.requests[2]}`).searchParams.get("period1")).toBe(String(Date.parse("1970-01-02T00:00:00Z") / 1000));
    expect(result.series.get("IWM")!.closes[0]).toBeCloseTo(100 * 0.99 * 0.99, 10);
  });

  it("warns about a corrupt cache file and fetches again", async () => {
    mkdirSync(path.join(dir, "cache"), { recursive: true });
    writeFileSync(path.join(dir, "cache", "IWM.json"), '{"format":1,"symbol":"IWM","dates":[');
    const server = fakeYahoo(serveHistory({ IWM: bars(dates.slice(0, 10)) }));
    const result = await source(server.fetch, tuesdayEvening).yahoo.load(["IWM"]);
    expect(result.warnings[0]).toMatch(/cache file .*IWM\.json is corrupt \(not JSON\); fetching again/);
    expect(readCacheFile(path.join(dir, "cache", "IWM.bin")).dates).toHaveLength(10);
    // The binary file supersedes the old one, which is removed.
    expect(existsSync(path.join(dir, "cache", "IWM.json"))).toBe(false);
  });

  it("a binary cache file cut short, with dates out of order, or an implausible price is refused and fetched again", async () => {
    const server = fakeYahoo(serveHistory({ IWM: bars(dates.slice(0, 10)) }));
    await source(server.fetch, tuesdayEvening).yahoo.load(["IWM"]);
    const file = path.join(dir, "cache", "IWM.bin");
    const whole = readFileSync(file);
    const good = readCacheFile(file);
    const forgeries: [string, () => void][] = [
      ["cut short", () => writeFileSync(file, whole.subarray(0, whole.length - 3), { mode: 0o600 })],
      ["dates", () => writeCacheFile(file, { ...good, dates: [...good.dates.slice(0, 8), good.dates[9]!, good.dates[8]!] })],
      ["dates", () => writeCacheFile(file, { ...good, dates: good.dates.map((d, i) => (i === 4 ? "2024-13-01" : d)) })],
      ["prices at row 3", () => writeCacheFile(file, { ...good, adjclose: good.adjclose.map((c, i) => (i === 3 ? Number.NaN : c)) })],
      ["not a price history of rotation's", () => writeFileSync(file, JSON.stringify(good), { mode: 0o600 })],
    ];
    for (const [problem, forge] of forgeries) {
      forge();
      const before = server.requests.length;
      const result = await source(server.fetch, tuesdayEvening).yahoo.load(["IWM"]);
      expect(result.warnings[0]).toBe(`cache file ${file} is corrupt (${problem}); fetching again`);
      expect(server.requests.length).toBe(before + 1);
      expect(readCacheFile(file)).toEqual(good);
    }
  });

  it("a history cached as JSON by 0.5 is used as it is (no request while fresh), then kept in binary and the JSON removed", async () => {
    const server = fakeYahoo(serveHistory({ IWM: bars(dates.slice(0, 10)) }));
    await source(server.fetch, tuesdayEvening).yahoo.load(["IWM"]);
    const file = path.join(dir, "cache", "IWM.bin");
    const entry = readCacheFile(file);
    rmSync(file);
    // What 0.5 wrote: the same fields, as JSON.
    const legacy = path.join(dir, "cache", "IWM.json");
    writeFileSync(legacy, JSON.stringify({ format: 1, ...entry }), { mode: 0o600 });
    const result = await source(server.fetch, tuesdayEvening).yahoo.load(["IWM"]);
    expect(result.warnings).toEqual([]);
    expect(server.requests).toHaveLength(1);
    expect([...result.series.get("IWM")!.closes]).toEqual(entry.adjclose);
    expect(existsSync(legacy)).toBe(false);
    expect(readCacheFile(file)).toEqual(entry);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("refetches a cache file of another format version", async () => {
    mkdirSync(path.join(dir, "cache"), { recursive: true });
    writeFileSync(path.join(dir, "cache", "IWM.json"), JSON.stringify({ format: 0, symbol: "IWM" }));
    const server = fakeYahoo(serveHistory({ IWM: bars(dates.slice(0, 10)) }));
    const result = await source(server.fetch, tuesdayEvening).yahoo.load(["IWM"]);
    expect(result.warnings[0]).toMatch(/has format 0, not 1/);
    expect(server.requests).toHaveLength(1);
  });

  it("--offline uses the cache only", async () => {
    const server = fakeYahoo(serveHistory({ IWM: bars(dates.slice(0, 10)) }));
    await expect(strictLoad(source(server.fetch, tuesdayEvening, { offline: true }).yahoo, ["IWM"])).rejects.toThrow(/IWM: not in the cache .*; run once without --offline/);
    await source(server.fetch, tuesdayEvening).yahoo.load(["IWM"]);
    const later = new Date(tuesdayEvening.getTime() + 30 * 86_400_000);
    const offline = await source(server.fetch, later, { offline: true }).yahoo.load(["IWM"]);
    expect(offline.series.get("IWM")!.dates).toHaveLength(10);
    expect(server.requests).toHaveLength(1);
  });

  it("--refresh downloads everything again", async () => {
    const server = fakeYahoo(serveHistory({ IWM: bars(dates.slice(0, 10)) }));
    await source(server.fetch, tuesdayEvening).yahoo.load(["IWM"]);
    await source(server.fetch, tuesdayEvening, { refresh: true }).yahoo.load(["IWM"]);
    expect(server.requests).toHaveLength(2);
    expect(new URL(`https://x${server.requests[1]}`).searchParams.get("period1")).toBe(String(Date.parse("1970-01-02T00:00:00Z") / 1000));
  });

  it("creates its folder private to the user and its files 0600", async () => {
    const server = fakeYahoo(serveHistory({ IWM: bars(dates.slice(0, 10)) }));
    await source(server.fetch, tuesdayEvening).yahoo.load(["IWM"]);
    expect(statSync(path.join(dir, "cache")).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dir, "cache", "IWM.bin")).mode & 0o777).toBe(0o600);
  });

  it("loads at most YAHOO_CONCURRENCY tickers at once, through the library's own queue too (the five default funds in one round)", async () => {
    for (const concurrency of [YAHOO_CONCURRENCY, 2]) {
      let inFlight = 0;
      let most = 0;
      // Symbols of their own per round: the first round's are cached (and fresh) by the second.
      const symbols = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"].map((letter) => `${letter}${concurrency}`);
      const served = serveHistory(Object.fromEntries(symbols.map((s) => [s, bars(dates.slice(0, 5))])));
      const handler: Handler = async (url, symbol) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight--;
        return served(url, symbol);
      };
      const result = await source(fakeYahoo(handler).fetch, tuesdayEvening, { concurrency }).yahoo.load(symbols);
      expect(result.series.size).toBe(10);
      expect(most).toBe(concurrency);
    }
    expect(YAHOO_CONCURRENCY).toBeGreaterThanOrEqual(5);
  });
});

describe("faults that leave the run going", () => {
  const dates = weekdays("2024-01-01", 140);
  const evening = new Date(`${dates[130]}T21:00:00Z`);

  it("reports each failing ticker and loads the rest (the caller decides about --partial)", async () => {
    const served = serveHistory({ IWM: bars(dates.slice(0, 131)), SPY: bars(dates.slice(0, 131)) });
    const server = fakeYahoo((url, symbol) => (symbol === "SPY" ? new Response("", { status: 500 }) : served(url, symbol)));
    const result = await source(server.fetch, evening).yahoo.load(["IWM", "SPY", "NOPE"]);
    expect([...result.series.keys()]).toEqual(["IWM"]);
    expect(result.failures.map((f) => [f.symbol, f.error.constructor.name])).toEqual([
      ["SPY", "NetworkError"],
      ["NOPE", "DataError"],
    ]);
    expect(combineFailures(result.failures).message).toBe(
      "SPY: query2.finance.yahoo.com: HTTP 500 after 3 tries; NOPE: unknown symbol on Yahoo Finance (No data found, symbol may be delisted)",
    );
  });

  it("uses a stale cache with a warning naming its age when the network fails and fallback is on", async () => {
    const good = fakeYahoo(serveHistory({ IWM: bars(dates.slice(0, 131)) }));
    await source(good.fetch, evening).yahoo.load(["IWM"]);
    const down = fakeYahoo(() => {
      throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNRESET" } });
    });
    const threeDaysLater = new Date(evening.getTime() + 3 * 86_400_000);
    const strict = await source(down.fetch, threeDaysLater).yahoo.load(["IWM"]);
    expect(strict.failures[0]!.error.message).toBe("IWM: query2.finance.yahoo.com: ECONNRESET after 3 tries");
    const fallback = await source(down.fetch, threeDaysLater, { fallback: true }).yahoo.load(["IWM"]);
    expect(fallback.failures).toEqual([]);
    expect(fallback.series.get("IWM")!.dates).toHaveLength(131);
    expect(fallback.warnings).toEqual([`IWM: query2.finance.yahoo.com: ECONNRESET after 3 tries; using the cached prices fetched 3 days ago (last date ${dates[130]})`]);
  });

  it("a cache folder that cannot be written is a warning, not a failure", async () => {
    writeFileSync(path.join(dir, "notafolder"), "x");
    const server = fakeYahoo(serveHistory({ IWM: bars(dates.slice(0, 10)) }));
    const yahoo = new YahooSource({
      cache: new PriceCache(path.join(dir, "notafolder", "cache")),
      offline: false,
      refresh: false,
      fetch: server.fetch,
      retry: { sleep: async () => undefined },
      now: () => evening,
      concurrency: 4,
      fallback: false,
    });
    const result = await yahoo.load(["IWM"]);
    expect(result.series.get("IWM")!.dates).toHaveLength(10);
    expect(result.warnings[0]).toMatch(/^cannot write cache file .*IWM\.bin \((ENOTDIR|EEXIST)\); continuing without caching IWM$/);
  });

  it("an unreadable cache entry (a folder where the file should be) is refetched with a warning", async () => {
    mkdirSync(path.join(dir, "cache", "IWM.bin"), { recursive: true });
    const server = fakeYahoo(serveHistory({ IWM: bars(dates.slice(0, 10)) }));
    const result = await source(server.fetch, evening).yahoo.load(["IWM"]);
    expect(result.warnings[0]).toMatch(/cache file .*IWM\.bin is not a regular file \(not trusted\); fetching again/);
    expect(result.series.get("IWM")!.dates).toHaveLength(10);
  });

  it("two runs writing the same cache at once leave a whole file", async () => {
    const server = fakeYahoo(serveHistory({ IWM: bars(dates.slice(0, 131)), SPY: bars(dates.slice(0, 131), 400) }));
    await Promise.all([source(server.fetch, evening).yahoo.load(["IWM", "SPY"]), source(server.fetch, evening).yahoo.load(["IWM", "SPY"])]);
    for (const symbol of ["IWM", "SPY"]) {
      const entry = readCacheFile(path.join(dir, "cache", `${symbol}.bin`));
      expect(entry.dates).toHaveLength(131);
    }
  });

  it("a truncated JSON answer is refused like malformed JSON", async () => {
    const full = JSON.stringify(chartBody("IWM", bars(dates.slice(0, 5))));
    const server = fakeYahoo(() => new Response(full.slice(0, full.length / 2), { status: 200, headers: { "content-type": "application/json" } }));
    await expect(strictLoad(source(server.fetch, evening).yahoo, ["IWM"])).rejects.toThrow("IWM: Yahoo Finance sent an unreadable answer (malformed JSON)");
  });
});
