import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { readCacheFile, writeCacheFile } from "../helpers/price-cache-file.js";
import { describe, expect, it } from "vitest";
import { PriceCache } from "../../src/sources/price-cache.js";
import { YahooSource, type YahooSourceOptions } from "../../src/sources/yahoo/prices.js";
import { acquireLock } from "../../src/store/lock.js";
import { DeliveryLog } from "../../src/notify/webhook.js";
import { fakeYahoo, serveHistory, type Bar } from "../helpers/fake-yahoo.js";
import { weekdays } from "../helpers/series.js";

const dates = weekdays("2024-01-02", 10);
const bars = (start = 100): Bar[] => dates.map((date, i) => ({ date, close: start + i, adjclose: (start + i) * 0.99 }));
const evening = new Date("2024-01-16T23:00:00Z");

function setup() {
  const dir = mkdtempSync(path.join(tmpdir(), "rotation-trust-"));
  const cacheDir = path.join(dir, "cache");
  mkdirSync(cacheDir, { mode: 0o700 });
  const load = (extra: Partial<YahooSourceOptions> = {}) =>
    new YahooSource({ cache: new PriceCache(cacheDir), offline: false, refresh: false, fetch: fakeYahoo(serveHistory({ IWM: bars() })).fetch, retry: { sleep: async () => undefined, timeoutMs: 2_000 }, now: () => evening, concurrency: 2, fallback: false, ...extra }).load(["IWM"]);
  return { dir, cacheDir, cacheFile: path.join(cacheDir, "IWM.bin"), load };
}

describe("price caches that cannot be turned against their user", () => {
  it("a link planted where a cache file goes is replaced by the file, never written through (also with --refresh)", async () => {
    for (const refresh of [false, true]) {
      const { dir, cacheFile, load } = setup();
      const victim = path.join(dir, "victim");
      writeFileSync(victim, "precious");
      symlinkSync(victim, cacheFile);
      const result = await load({ refresh });
      expect(result.series.get("IWM")!.dates).toEqual(dates);
      expect(readFileSync(victim, "utf8")).toBe("precious");
      expect(lstatSync(cacheFile).isFile()).toBe(true);
      expect(lstatSync(cacheFile).mode & 0o777).toBe(0o600);
      if (!refresh) expect(result.warnings[0]).toMatch(/IWM\.bin is a link, not a file rotation wrote \(not trusted\); fetching again/);
    }
  });

  it("a cache file others may write is not trusted: its forged bars are never used", async () => {
    const { cacheFile, load } = setup();
    await load();
    const entry = readCacheFile(cacheFile);
    entry.adjclose = entry.adjclose.map((v: number, i: number) => (i >= 7 ? v * 1.5 : v));
    writeCacheFile(cacheFile, entry);
    chmodSync(cacheFile, 0o666);
    const result = await load({ offline: true });
    expect(result.warnings.join("\n")).toMatch(/IWM\.bin is writable by other users \(not trusted: chmod 600 it, or remove it\)/);
    expect(result.series.get("IWM")).toBeUndefined();
    // Online, it is fetched again and replaced by a file of ours.
    const online = await load();
    expect(Array.from(online.series.get("IWM")!.closes)).toEqual(bars().map((b) => b.adjclose));
    expect(lstatSync(cacheFile).mode & 0o777).toBe(0o600);
  });

  it("a FIFO or a device as a cache file neither hangs nor is read", async () => {
    const { cacheFile, load } = setup();
    execFileSync("mkfifo", [cacheFile]);
    const started = Date.now();
    const result = await load();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.warnings[0]).toMatch(/IWM\.bin is not a regular file \(not trusted\); fetching again/);
    expect(result.series.get("IWM")!.dates).toEqual(dates);
  });
});

describe("files beside the journal", () => {
  it("the lock's owner file is 0600 whatever the umask, and never written through a link", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "rotation-owner-"));
    const journal = path.join(dir, "j.jsonl");
    const victim = path.join(dir, "victim");
    writeFileSync(victim, "precious");
    symlinkSync(victim, `${journal}.lock.owner`);
    const previous = process.umask(0);
    try {
      const lock = await acquireLock(journal, "journal");
      expect(lstatSync(`${journal}.lock.owner`).isFile()).toBe(true);
      expect(lstatSync(`${journal}.lock.owner`).mode & 0o777).toBe(0o600);
      await lock.release();
    } finally {
      process.umask(previous);
    }
    expect(readFileSync(victim, "utf8")).toBe("precious");
  });

  it("the delivery log is never appended through a link", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "rotation-notified-"));
    const victim = path.join(dir, "victim");
    writeFileSync(victim, "precious");
    symlinkSync(victim, path.join(dir, "j.jsonl.notified"));
    const log = new DeliveryLog(path.join(dir, "j.jsonl.notified"));
    expect(() => log.record("2024-07-16|k|IWM:SPY|signal-started|abc")).toThrow(/ELOOP/);
    expect(readFileSync(victim, "utf8")).toBe("precious");
  });
});

describe("hostile bars in a normal answer", () => {
  const answer = (transform: (body: { chart: { result: { timestamp: number[]; indicators: { quote: { close: number[] }[]; adjclose: { adjclose: number[] }[] } }[] } }) => void) => {
    return async (url: string) => {
      const symbol = /chart\/([^?]+)/.exec(url)![1]!;
      const { chartBody } = await import("../helpers/fake-yahoo.js");
      const body = chartBody(symbol, bars()) as Parameters<typeof transform>[0];
      transform(body);
      return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
    };
  };
  const loadWith = (fetch: YahooSourceOptions["fetch"]) => setup().load({ fetch });

  it("a bar dated after today is left out, said so; a timestamp of 1e15 is an unreadable answer, one line", async () => {
    const withClose = await loadWith(
      answer((b) => {
        const r = b.chart.result[0]!;
        r.timestamp.push(Date.parse("2031-01-02T14:30:00Z") / 1000);
        r.indicators.quote[0]!.close.push(500);
        r.indicators.adjclose[0]!.adjclose.push(500);
      }) as never,
    );
    expect(withClose.series.get("IWM")!.dates.at(-1)).toBe(dates.at(-1));
    expect(withClose.warnings).toContain("IWM: 1 bar dated after today (2031-01-02) left out");
    const huge = await loadWith(answer((b) => (b.chart.result[0]!.timestamp[3] = 1e15)) as never);
    expect(huge.series.get("IWM")).toBeUndefined();
    expect(huge.failures[0]?.error.message ?? "").toMatch(/^IWM: .*timestamps/);
    expect(huge.failures[0]?.error.message ?? "").not.toMatch(/Invalid time value/);
  });

  it("two different closes for a past session: that session is left out with a warning, never the later one in silence", async () => {
    const result = await loadWith(
      answer((b) => {
        const r = b.chart.result[0]!;
        r.timestamp.splice(4, 0, r.timestamp[3]! + 60);
        r.indicators.quote[0]!.close.splice(4, 0, 999);
        r.indicators.adjclose[0]!.adjclose.splice(4, 0, 999);
      }) as never,
    );
    expect(result.series.get("IWM")!.dates).toEqual(dates.filter((d) => d !== dates[3]));
    expect(result.warnings).toContain(`IWM: two different closes for ${dates[3]} (${103 * 0.99} and 999); that session left out`);
  });

  it("closes of 1e308 or 5e-324 are not prices: skipped from the feed, refused from the cache", async () => {
    const result = await loadWith(answer((b) => ((b.chart.result[0]!.indicators.adjclose[0]!.adjclose[2] = 1e308), (b.chart.result[0]!.indicators.adjclose[0]!.adjclose[5] = 5e-324))) as never);
    expect(result.series.get("IWM")!.dates).toHaveLength(8);
    expect(result.warnings).toContain("IWM: 2 bars without a usable close skipped");
    const { cacheFile, load } = setup();
    await load();
    const entry = readCacheFile(cacheFile);
    entry.adjclose[4] = 1e308;
    writeCacheFile(cacheFile, entry);
    const offline = await load({ offline: true });
    expect(offline.warnings.join("\n")).toMatch(/IWM\.bin is corrupt \(prices at row 4\)/);
  });
});
