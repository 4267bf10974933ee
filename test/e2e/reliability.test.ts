import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import module from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { expectCleanOutput, runCli, runCliAsync } from "../helpers/cli.js";
import { FIXTURE_PRICES } from "../helpers/paths.js";
import { randomWalk, weekdays } from "../helpers/series.js";

const work = mkdtempSync(path.join(tmpdir(), "rotation-reliability-"));
afterAll(() => spawnSync("rm", ["-rf", work]));
const chartArgs = ["chart", "IWM:SPY", "--data", FIXTURE_PRICES, "--as-of", "2024-09-30"];

function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(work, "data-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}
/** The evening of the last day of csvOf(400, ...): a log run then records a fresh day. */
const AFTER_CLOSE_400 = { ROTATION_NOW: `${weekdays("2015-01-05", 400).at(-1)}T21:30:00Z` };
function csvOf(count: number, seed: number): string {
  const dates = weekdays("2015-01-05", count);
  const closes = randomWalk(seed, count);
  return `Date,Close\n${dates.map((d, i) => `${d},${closes[i]!.toFixed(4)}`).join("\n")}\n`;
}

describe("writes that never destroy", () => {
  it("--svg to a FIFO writes into it and leaves it a FIFO", async () => {
    const fifo = path.join(work, "o.svg");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const reader = spawn("cat", [fifo]);
    let read = "";
    reader.stdout.setEncoding("utf8").on("data", (chunk: string) => (read += chunk));
    const readerDone = new Promise((resolve) => reader.on("close", resolve));
    const result = await runCliAsync([...chartArgs, "--svg", fifo]);
    await readerDone;
    expect(result.status).toBe(0);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(read).toMatch(/^<svg /);
  });

  it("--svg /dev/null stays a device; --svg - and --html - write to stdout", () => {
    expect(runCli([...chartArgs, "--svg", "/dev/null"]).status).toBe(0);
    expect(statSync("/dev/null").isCharacterDevice()).toBe(true);
    const svg = runCli([...chartArgs, "--svg", "-"]);
    expect(svg.stdout).toMatch(/^<svg /);
    expect(svg.stderr).toBe("");
    expect(existsSync(path.join(process.cwd(), "-"))).toBe(false);
    expect(runCli(["rrg", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--html", "-"]).stdout).toMatch(/^<!DOCTYPE html>/i);
  });

  it("a read-only file is never replaced: --svg and log --replace refuse, modes unchanged", () => {
    const svg = path.join(work, "ro.svg");
    writeFileSync(svg, "old");
    chmodSync(svg, 0o444);
    const chart = runCli([...chartArgs, "--svg", svg]);
    expect(chart.status).toBe(1);
    expect(chart.stderr).toBe(`rotation: output file ${svg} is read-only; refusing to change it (make it writable to allow)\n`);
    expect(readFileSync(svg, "utf8")).toBe("old");
    const data = folderWith({ "A.csv": csvOf(400, 1), "B.csv": csvOf(400, 2) });
    const journal = path.join(work, "ro.jsonl");
    expect(runCli(["log", "--data", data, "--pairs", "A:B", "--journal", journal], AFTER_CLOSE_400).status).toBe(0);
    chmodSync(journal, 0o400);
    const before = readFileSync(journal, "utf8");
    const replace = runCli(["log", "--data", data, "--pairs", "A:B", "--journal", journal, "--replace"], AFTER_CLOSE_400);
    expect(replace.status).toBe(1);
    expect(replace.stderr).toMatch(/^rotation: journal .*ro\.jsonl is read-only; refusing to change it/m);
    expect(statSync(journal).mode & 0o777).toBe(0o400);
    expect(readFileSync(journal, "utf8")).toBe(before);
    const append = runCli(["log", "--data", data, "--pairs", "A:B", "--journal", journal, "--as-of", weekdays("2015-01-05", 400)[390]!]);
    expect(append.status).toBe(1);
  });
});

describe("locks that never duplicate", () => {
  const data = () => folderWith({ "A.csv": csvOf(400, 3), "B.csv": csvOf(400, 4) });

  it("a lock dated in the future, or left by a run that was killed, is recovered at once", async () => {
    const journal = path.join(work, "locked.jsonl");
    mkdirSync(`${journal}.lock`);
    const future = new Date(Date.now() + 3600_000);
    utimesSync(`${journal}.lock`, future, future);
    const started = Date.now();
    const result = await runCliAsync(["log", "--data", data(), "--pairs", "A:B", "--journal", journal], AFTER_CLOSE_400);
    expect(result.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(8_000);
    // A killed run: its lock and owner file remain, with a PID that is gone.
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
    mkdirSync(`${journal}.lock`);
    writeFileSync(`${journal}.lock.owner`, JSON.stringify({ pid: Number(dead), host: (await import("node:os")).hostname(), token: "x" }));
    const again = await runCliAsync(["log", "--data", data(), "--pairs", "A:B", "--journal", journal, "--replace"], AFTER_CLOSE_400);
    expect(again.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("a journal folder that cannot be written fails at once, naming the path", () => {
    writeFileSync(path.join(work, "a-file"), "x");
    const started = Date.now();
    const result = runCli(["log", "--data", data(), "--pairs", "A:B", "--journal", path.join(work, "a-file", "j.jsonl")], AFTER_CLOSE_400);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^rotation: cannot write journal .*a-file\/j\.jsonl \((ENOTDIR|EEXIST)\)\n$/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe("nothing stale, nothing raw", () => {
  it("ROTATION_CONFIG at a FIFO and ROTATION_CACHE_DIR=/proc/self are refused with one line", () => {
    const fifo = path.join(work, "config.fifo");
    spawnSync("mkfifo", [fifo]);
    const config = runCli(["check", "--data", FIXTURE_PRICES], { ROTATION_CONFIG: fifo });
    expect(config.status).toBe(2);
    expect(config.stderr).toBe(`rotation: config ${fifo}: not a regular file\n`);
    const cache = runCli(["check", "--pairs", "IWM:SPY"], { ROTATION_CACHE_DIR: "/proc/self" });
    expect(cache.status).toBe(2);
    expect(cache.stderr).toBe("rotation: the cache folder (ROTATION_CACHE_DIR): /proc/self is a system folder, not usable for files\n");
    // Every command: one that needs the cache says so (log before writing anything); one that
    // does not finishes, and the start-up's code cache never tries to make a folder there.
    for (const args of [["check", "--sample"], ["log", "--data", FIXTURE_PRICES, "--journal", path.join(work, "proc.jsonl")], ["valuation", "--offline"]]) {
      const run = runCli(args, { ROTATION_CACHE_DIR: "/proc/self" });
      expect(run.status, args[0]).toBe(2);
      expect(run.stderr).toMatch(/is a system folder, not usable for files\n$/);
    }
    expect(() => readFileSync(path.join(work, "proc.jsonl"))).toThrow(/ENOENT/);
    for (const args of [["episodes", "--sample", "--pairs", "IWM:SPY"], ["rrg", "--sample"], ["grid", "--sample"]]) expect(runCli(args, { ROTATION_CACHE_DIR: "/proc/self" }).status, args[0]).toBe(0);
  });

  it("a link loop as a price file, and a folder given to valuation import, are one line each", () => {
    const dir = folderWith({ "B.csv": csvOf(300, 5) });
    symlinkSync(path.join(dir, "A.csv"), path.join(dir, "A.csv"));
    const loop = runCli(["check", "--data", dir, "--pairs", "A:B"]);
    expect(loop.status).toBe(1);
    expect(loop.stderr).toBe(`rotation: cannot read price file ${path.join(dir, "A.csv")} (ELOOP: too many symbolic links (a link loop?))\n`);
    const imported = runCli(["valuation", "import", dir, "--store", path.join(work, "v.jsonl")]);
    expect(imported.status).toBe(1);
    expect(imported.stderr).toBe(`rotation: ${dir}: not a regular file\n`);
  });

  it("--lenient with 110,000 bad rows is a warning count, not a stack overflow", () => {
    const bad = Array.from({ length: 110_000 }, (_, i) => `2015-01-05,x${i}`).join("\n");
    const dir = folderWith({ "A.csv": `${csvOf(400, 6)}${bad}\n`, "B.csv": csvOf(400, 7) });
    const result = runCli(["check", "--data", dir, "--pairs", "A:B", "--lenient", "--json"]);
    expectCleanOutput(result);
    expect(result.status).toBe(0);
    expect(result.stderr.split("\n").filter((l) => l.startsWith("warning:")).length).toBeLessThan(30);
    expect(result.stderr).toMatch(/A\.csv: 109980 more bad rows skipped \(--lenient\)/);
  });

  it("control characters in a path never reach the terminal raw, and never split a line", () => {
    const result = runCli(["check", "--data", path.join(work, "no\u001b[31mwhere\nelse")]);
    expect(result.status).toBe(1);
    expect(result.stderr).not.toMatch(/\u001b/);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    const unknown = runCli(["check", "--bogus\u001b[2J"]);
    expect(unknown.stderr).not.toMatch(/\u001b/);
  });

  it("a journal edited by hand: wrong types are skipped with a warning, ESC never reaches the output", () => {
    const journal = path.join(work, "edited.jsonl");
    const pair = { pair: "A:B\u001b]0;owned\u0007", date: "2024-07-16", surge: 0.01, percentile: 50, zScore: 0, largestSince: null, relative5: 0.01, signal: null };
    const good = { schemaVersion: 1, asOf: "2024-07-16", writtenAt: "2024-07-16T21:00:00Z", version: "0.1.0", configKey: "k", parameters: { window: 5, threshold: 99 }, source: "csv", pairs: [pair], signals: [] };
    const wrong = { ...good, asOf: "2024-07-17", pairs: [{ ...pair, largestSince: 5 }] };
    const nulls = { ...good, asOf: "2024-07-18", pairs: [null] };
    writeFileSync(journal, [good, wrong, nulls].map((r) => JSON.stringify(r)).join("\n") + "\n");
    for (const format of ["table", "csv", "json"]) {
      const result = runCli(["history", "--journal", journal, "--format", format]);
      expectCleanOutput(result);
      expect(result.status).toBe(0);
      expect(result.stdout).not.toMatch(/[\u001b\u0007]/);
      expect(result.stderr).toMatch(/edited\.jsonl:2: not a journal record \(pairs\[0\]\.largestSince is not a date\); skipped/);
      expect(result.stderr).toMatch(/edited\.jsonl:3: not a journal record \(pairs\[0\] is not an object\); skipped/);
    }
  });

  it("a snapshot is never served after an edit that keeps size and modification time, and years 0000-0099 are refused, never snapshotted", () => {
    const dir = folderWith({ "A.csv": csvOf(300, 8), "B.csv": csvOf(300, 9) });
    const cache = path.join(work, "snapshot-cache");
    const run = () => JSON.parse(runCli(["check", "--data", dir, "--pairs", "A:B", "--json"], { ROTATION_CACHE_DIR: cache }).stdout).tickers[0].close;
    const first = run();
    expect(run()).toBe(first);
    const file = path.join(dir, "A.csv");
    const { atime, mtime } = statSync(file);
    const text = readFileSync(file, "utf8");
    const last = text.trim().split("\n").at(-1)!;
    const edited = last.replace(/,(\d)/, (_, d: string) => `,${d === "9" ? "8" : "9"}`);
    writeFileSync(file, text.replace(last, edited));
    utimesSync(file, atime, mtime);
    expect(run()).not.toBe(first);
    // Years 0000-0099 (a typo for 2050) are refused every time, naming the line: never snapshotted.
    const ancient = folderWith({ "A.csv": "Date,Close\n0050-01-05,1\n0050-01-06,2\n", "B.csv": "Date,Close\n0050-01-05,1\n0050-01-06,1\n" });
    for (let i = 0; i < 2; i++) {
      const result = runCli(["check", "--data", ancient, "--pairs", "A:B", "--json"], { ROTATION_CACHE_DIR: cache });
      expect(result.status).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(/A\.csv:2: date 0050-01-05 is before 1800-01-01, the earliest a price file may hold/);
    }
  });

  it("snapshots hold each close in 8 bytes and the dates once per calendar; a damaged or swapped calendar is never trusted", () => {
    const older = csvOf(300, 11);
    // YOUNG lists 100 sessions later: the tail of OLD's calendar, with closes of its own.
    const young = `Date,Close\n${older.trim().split("\n").slice(101).map((row, i) => `${row.split(",")[0]},${(50 + i / 9).toFixed(4)}`).join("\n")}\n`;
    const dir = folderWith({ "OLD.csv": older, "TWIN.csv": csvOf(300, 12), "YOUNG.csv": young });
    const cache = path.join(work, "calendar-cache");
    const snapshots = path.join(cache, "csv");
    const args = ["check", "--data", dir, "--pairs", "YOUNG:OLD,TWIN:OLD", "--json"];
    const first = runCli(args, { ROTATION_CACHE_DIR: cache });
    expect(first.status).toBe(0);
    const dates = weekdays("2015-01-05", 300);
    // Each snapshot: "RTS5", its header's length, the header, padding to 8, then 8 bytes a row.
    const files = readdirSync(snapshots).filter((name) => name.endsWith(".bin"));
    expect(files).toHaveLength(3);
    const rows = files.map((name) => {
      const bytes = readFileSync(path.join(snapshots, name));
      expect(bytes.toString("latin1", 0, 4)).toBe("RTS5");
      const headerLength = bytes.readUInt32LE(4);
      const header = JSON.parse(bytes.toString("utf8", 8, 8 + headerLength)) as { count: number; skip: number };
      expect(bytes.length).toBe(Math.ceil((8 + headerLength) / 8) * 8 + 8 * header.count);
      return [header.count, header.skip];
    });
    expect(rows.sort((x, y) => x[0]! - y[0]!)).toEqual([[200, 100], [300, 0], [300, 0]]);
    // One calendar for the three funds, though YOUNG was read first: "RTC1", the count, the dates as text.
    const calendars = readdirSync(path.join(snapshots, "calendars"));
    expect(calendars).toHaveLength(1);
    const calendar = path.join(snapshots, "calendars", calendars[0]!);
    const good = readFileSync(calendar);
    expect(good.toString("latin1", 0, 4)).toBe("RTC1");
    expect(good.readUInt32LE(4)).toBe(300);
    expect(good.toString("latin1", 8)).toBe(dates.join(""));
    // Another valid calendar of the same length under its name, then one cut short: each time
    // the files are parsed again (the same figures) and the calendar written back as it was.
    const shifted = Buffer.concat([good.subarray(0, 8), Buffer.from(weekdays("2015-01-06", 300).join(""), "latin1")]);
    for (const forged of [shifted, good.subarray(0, 1000)]) {
      writeFileSync(calendar, forged);
      const again = runCli(args, { ROTATION_CACHE_DIR: cache });
      expect(again.stdout).toBe(first.stdout);
      expect(readFileSync(calendar).equals(good)).toBe(true);
    }
  });

  it("--timeout takes fractions, and refuses values outside 0.1 to 3600 s as usage errors", () => {
    expect(runCli(["check", "--data", FIXTURE_PRICES, "--timeout", "2.01", "--as-of", "2024-07-16"]).status).toBe(0);
    for (const bad of ["0.0015", "2147484", "1e400", "-1"]) {
      const result = runCli(["check", "--timeout", bad]);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/^rotation: --timeout must be/);
    }
  });
});

describe("the compiled-code cache", () => {
  const codeFiles = (cache: string) => {
    const folder = path.join(cache, "code");
    return existsSync(folder) ? readdirSync(folder).filter((name) => name.endsWith(".v8")) : [];
  };
  const args = ["check", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--json"];

  it("is written by the first complete run, used by the next, and replaced when corrupt: the output never changes", () => {
    const cache = mkdtempSync(path.join(work, "code-"));
    const env = { ROTATION_CACHE_DIR: cache };
    const first = runCli(args, env);
    expect(first.status).toBe(0);
    const [name] = codeFiles(cache);
    expect(name).toMatch(new RegExp(`^entry-[0-9a-f]{16}-[0-9a-z]+-[0-9a-z]+-node${process.versions.node.replace(/\./g, "\\.")}-${process.arch}-check\\.v8$`));
    const file = path.join(cache, "code", name!);
    const written = statSync(file).mtimeMs;
    const second = runCli(args, env);
    expect(second).toEqual(first);
    expect(statSync(file).mtimeMs).toBe(written);
    writeFileSync(file, "not V8's");
    const third = runCli(args, env);
    expect(third).toEqual(first);
    expect(statSync(file).size).toBeGreaterThan(1000);
  });

  it("is not written by a failed run, by help, under ROTATION_CODE_CACHE=0 or under ROTATION_DEBUG=1", () => {
    const cache = mkdtempSync(path.join(work, "code-"));
    expect(runCli(["check", "--data", path.join(work, "no-such-folder")], { ROTATION_CACHE_DIR: cache }).status).toBe(1);
    expect(runCli(["check", "--help"], { ROTATION_CACHE_DIR: cache }).status).toBe(0);
    expect(runCli(args, { ROTATION_CACHE_DIR: cache, ROTATION_DEBUG: "1" }).status).toBe(0);
    expect(runCli(args, { ROTATION_CACHE_DIR: cache, ROTATION_CODE_CACHE: "0" }).status).toBe(0);
    expect(codeFiles(cache)).toEqual([]);
  });

  it("leaves Node's own compile cache (22+) off until Node's loader compiles something large", () => {
    // NODE_DEBUG_NATIVE=COMPILE_CACHE makes Node say each time it looks at that cache.
    const env = { ROTATION_CACHE_DIR: mkdtempSync(path.join(work, "code-")), TMPDIR: mkdtempSync(path.join(work, "tmp-")), NODE_DEBUG_NATIVE: "COMPILE_CACHE" };
    const version = runCli(["--version"], env);
    expect(version.status).toBe(0);
    expect(version.stderr).toBe("");
    const cached = runCli(args, env);
    expect(cached.status).toBe(0);
    expect(cached.stderr).not.toMatch(/compile cache/);
    // Without our code cache, Node's loader compiles the bundle: where Node has a compile cache, it is used.
    const plain = runCli(args, { ...env, ROTATION_CODE_CACHE: "0" });
    expect(plain.status).toBe(0);
    const nodeHasOne = typeof (module as { enableCompileCache?: unknown }).enableCompileCache === "function";
    if (nodeHasOne) expect(plain.stderr).toMatch(/\[compile cache\].*entry\.cjs/);
    else expect(plain.stderr).toBe("");
  });
});
