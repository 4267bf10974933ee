import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PriceCache } from "../../src/sources/cache.js";
import { YahooSource, type YahooSourceOptions } from "../../src/sources/yahoo.js";
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
    new YahooSource({ cache: new PriceCache(cacheDir), offline: false, refresh: false, fetch: fakeYahoo(serveHistory({ IWM: bars() })).fetch, retry: { sleep: async () => undefined, timeoutMs: 2_000 }, now: () => evening, concurrency: 2, fallback: false, log: () => undefined, ...extra }).load(["IWM"]);
  return { dir, cacheDir, cacheFile: path.join(cacheDir, "IWM.json"), load };
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
      if (!refresh) expect(result.warnings[0]).toMatch(/IWM\.json is a link, not a file rotation wrote \(not trusted\); fetching again/);
    }
  });

  it("a cache file others may write is not trusted: its forged bars are never used", async () => {
    const { cacheFile, load } = setup();
    await load();
    const entry = JSON.parse(readFileSync(cacheFile, "utf8"));
    entry.adjclose = entry.adjclose.map((v: number, i: number) => (i >= 7 ? v * 1.5 : v));
    writeFileSync(cacheFile, JSON.stringify(entry));
    chmodSync(cacheFile, 0o666);
    const result = await load({ offline: true });
    expect(result.warnings.join("\n")).toMatch(/IWM\.json is writable by other users \(not trusted: chmod 600 it, or remove it\)/);
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
    expect(result.warnings[0]).toMatch(/IWM\.json is not a regular file \(not trusted\); fetching again/);
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
