import { existsSync, mkdtempSync, readFileSync, statSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { CACHE_FORMAT, PriceCache, type CacheEntry } from "../../src/sources/price-cache.js";
import { weekdays } from "../helpers/series.js";

/**
 * A next-day update appended to the fund's log (TICKER.log) instead of re-writing its history:
 * read back, the history and its log give exactly the entry written; a log that is torn,
 * garbled, planted or left from an older history is never used as if sound.
 */


const ALL_DATES = weekdays("2020-01-01", 700);
const adjusted = (i: number) => 100 + i * 0.25 + (i % 7) * 0.5;
const raw = (i: number) => adjusted(i) * 1.02;

/** A history of the first `n` days, as a download gives it (plain arrays), fetched on `fetchedAt`. */
function history(n: number, fetchedAt: string, revise: (i: number) => number = () => 0): CacheEntry {
  return {
    format: CACHE_FORMAT,
    symbol: "IWM",
    fetchedAt,
    timezone: "America/New_York",
    dates: ALL_DATES.slice(0, n),
    close: Array.from({ length: n }, (_, i) => raw(i) + revise(i)),
    adjclose: Array.from({ length: n }, (_, i) => adjusted(i) + revise(i)),
    events: ["2020-03-20:div:0.5"],
    fullAt: "2020-01-01T00:00:00.000Z",
    session: { date: ALL_DATES[n - 1]!, start: 1, end: 2 },
  };
}

/** What a reader gets, as plain values, to compare with what was written. */
function plain(entry: CacheEntry | null) {
  if (entry === null) return null;
  return { ...entry, dates: [...entry.dates], close: Array.from(entry.close), adjclose: Array.from(entry.adjclose) };
}

let dir: string;
let cache: PriceCache;
const read = async () => new PriceCache(dir).read("IWM");

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "rotation-log-"));
  cache = new PriceCache(dir);
});

describe("the live cache's log of next-day updates", () => {
  it("appends a few hundred bytes, leaves the history file as it was, and reads back exactly what was written", async () => {
    await cache.write(history(600, "2022-04-01T22:00:00.000Z"));
    const historyFile = cache.fileFor("IWM");
    const before = { bytes: readFileSync(historyFile), ino: statSync(historyFile).ino };
    const first = await cache.read("IWM");
    // The next day: the last five bars asked for again, one new bar.
    const next = history(601, "2022-04-04T22:00:00.000Z");
    await cache.update(next, first.entry, 596);
    expect(readFileSync(historyFile).equals(before.bytes)).toBe(true);
    expect(statSync(historyFile).ino).toBe(before.ino);
    expect(statSync(cache.logFileFor("IWM")).size).toBeLessThan(1024);
    expect(plain((await read()).entry)).toEqual(plain(next));
    // And the day after, with the newest bar of the day before revised (a session read while open).
    const second = await read();
    const after = history(603, "2022-04-06T22:00:00.000Z", (i) => (i === 600 ? 0.125 : 0));
    await cache.update(after, second.entry, 598);
    const back = await read();
    expect(back.problem).toBeUndefined();
    expect(plain(back.entry)).toEqual(plain(after));
    expect(Array.from(back.entry!.adjclose.slice(600, 601))).toEqual([adjusted(600) + 0.125]);
  });

  it("a log cut short or garbled makes the cached history unusable (said, fetched again), never a torn tail", async () => {
    await cache.write(history(600, "2022-04-01T22:00:00.000Z"));
    await cache.update(history(601, "2022-04-04T22:00:00.000Z"), (await cache.read("IWM")).entry, 596);
    const log = cache.logFileFor("IWM");
    const whole = readFileSync(log);
    truncateSync(log, whole.length - 3);
    expect(await read()).toEqual({ entry: null, problem: `cache file ${log} is corrupt (record 1 cut short)` });
    const garbled = Buffer.from(whole);
    garbled[garbled.length - 20] = (garbled[garbled.length - 20]! + 1) % 256;
    writeFileSync(log, garbled);
    expect(await read()).toEqual({ entry: null, problem: `cache file ${log} is corrupt (record 1)` });
  });

  it("a history written whole removes its log; a log left from an older history is passed over, then replaced", async () => {
    await cache.write(history(600, "2022-04-01T22:00:00.000Z"));
    await cache.update(history(601, "2022-04-04T22:00:00.000Z"), (await cache.read("IWM")).entry, 596);
    const log = cache.logFileFor("IWM");
    const leftover = readFileSync(log);
    const full = history(610, "2022-04-20T22:00:00.000Z", () => 1);
    await cache.write(full);
    expect(existsSync(log)).toBe(false);
    // As if its removal had failed: the record names the old history file, so it is not applied.
    writeFileSync(log, leftover, { mode: 0o600 });
    const read1 = await read();
    expect(plain(read1.entry)).toEqual(plain(full));
    const next = history(611, "2022-04-21T22:00:00.000Z", () => 1);
    await cache.update(next, read1.entry, 606);
    expect(readFileSync(log).length).toBeLessThan(leftover.length + 50);
    expect(plain((await read()).entry)).toEqual(plain(next));
  });

  it("never writes through a link planted at the log: the history is written whole instead", async () => {
    await cache.write(history(600, "2022-04-01T22:00:00.000Z"));
    const first = await cache.read("IWM");
    const victim = path.join(dir, "victim.txt");
    writeFileSync(victim, "not rotation's");
    symlinkSync(victim, cache.logFileFor("IWM"));
    const next = history(601, "2022-04-04T22:00:00.000Z");
    await cache.update(next, first.entry, 596);
    expect(readFileSync(victim, "utf8")).toBe("not rotation's");
    expect(existsSync(cache.logFileFor("IWM"))).toBe(false);
    expect(plain((await read()).entry)).toEqual(plain(next));
    // A link there when the cache is read: not trusted, said; the history is fetched again.
    symlinkSync(victim, cache.logFileFor("IWM"));
    expect(await read()).toEqual({ entry: null, problem: `cache file ${cache.logFileFor("IWM")} is a link, not a file rotation wrote (not trusted)` });
  });

  it("after 32 updates the history is written whole again and the log starts over", async () => {
    await cache.write(history(600, "2022-04-01T22:00:00.000Z"));
    for (let day = 1; day <= 33; day++) {
      const previous = await read();
      expect(previous.problem).toBeUndefined();
      await cache.update(history(600 + day, `2022-05-${String(day % 28 + 1).padStart(2, "0")}T22:00:00.000Z`), previous.entry, 596 + day);
      expect(existsSync(cache.logFileFor("IWM"))).toBe(day <= 32);
    }
    expect(plain((await read()).entry)).toEqual(plain(history(633, "2022-05-06T22:00:00.000Z")));
  });

  it("two runs updating from the same read: the later record is what is read", async () => {
    await cache.write(history(600, "2022-04-01T22:00:00.000Z"));
    const shared = (await cache.read("IWM")).entry;
    await cache.update(history(601, "2022-04-04T21:00:00.000Z"), shared, 596);
    const later = history(601, "2022-04-04T22:30:00.000Z", (i) => (i === 600 ? 0.5 : 0));
    await cache.update(later, shared, 596);
    expect(plain((await read()).entry)).toEqual(plain(later));
  });
});
