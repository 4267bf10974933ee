// npm run bench: times whole processes (median of several runs, with min and max), peak RSS,
// how cost grows with the number of series and of days, and the Yahoo path's request counts.
// Prints a table and the same figures as JSON (also written to bench/results.json, not committed).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = path.join(root, "bin", "rotation.js");
const hook = path.join(root, "bench", "rss-hook.mjs");
const shared = path.resolve(root, "../shared/prices");
const runs = Number(process.env.BENCH_RUNS ?? 7);
const work = mkdtempSync(path.join(tmpdir(), "rotation-bench-"));
const rssFile = path.join(work, "rss.txt");
const results = [];

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// A cache folder of the bench's own: parsed-CSV snapshots of its temporary files never land in the user's.
const benchCache = path.join(work, "cache-home");

/** Runs `args` under node `times` times (after one warm-up run) and records wall time and RSS. */
function time(name, args, { times = runs, expectStatus = [0, 3], env: extraEnv = {} } = {}) {
  const env = { ...process.env, ROTATION_BENCH_RSS_FILE: rssFile, NO_COLOR: "1", ROTATION_CACHE_DIR: benchCache, ...extraEnv };
  const once = () => {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ["--import", hook, ...args], { env, encoding: "utf8", maxBuffer: 1 << 28 });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (!expectStatus.includes(result.status)) throw new Error(`${name}: exit ${result.status}\n${result.stderr}`);
    return ms;
  };
  once();
  rmSync(rssFile, { force: true });
  const ms = Array.from({ length: times }, once);
  const rss = readFileSync(rssFile, "utf8").trim().split("\n").map(Number);
  const row = { name, runs: times, medianMs: round(median(ms)), minMs: round(Math.min(...ms)), maxMs: round(Math.max(...ms)), peakRssMB: round(Math.max(...rss) / 1024) };
  results.push(row);
  process.stderr.write(`  ${name}: ${row.medianMs} ms\n`);
  return row;
}

const round = (x) => Math.round(x * 10) / 10;

function synthetic(n, days) {
  const dir = path.join(work, `syn-${n}-${days}`);
  mkdirSync(dir);
  const dates = [];
  for (let t = Date.UTC(2000, 0, 3); dates.length < days; t += 86_400_000) {
    const d = new Date(t).getUTCDay();
    if (d !== 0 && d !== 6) dates.push(new Date(t).toISOString().slice(0, 10));
  }
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const symbols = ["BENCH", ...Array.from({ length: n }, (_, i) => `S${String(i).padStart(4, "0")}`)];
  for (const symbol of symbols) {
    let close = 100;
    const lines = ["Date,Close"];
    for (const date of dates) {
      close *= 1 + (random() - 0.5) * 0.03;
      lines.push(`${date},${close.toFixed(4)}`);
    }
    writeFileSync(path.join(dir, `${symbol}.csv`), `${lines.join("\n")}\n`);
  }
  return { dir, pairs: symbols.slice(1).map((s) => `${s}:BENCH`).join(",") };
}

function slope(points) {
  // Least squares of log(time) on log(size): the growth exponent.
  const xs = points.map((p) => Math.log(p[0]));
  const ys = points.map((p) => Math.log(p[1]));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * (ys[i] - my);
    den += (x - mx) ** 2;
  });
  return Math.round((num / den) * 100) / 100;
}

process.stderr.write(`rotation bench: ${runs} runs each, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}\n`);
// Start-up is short and noisy: the two are measured in alternation, more times.
const startupRuns = Math.max(runs, 15);
let baseline;
let version;
{
  const a = [];
  const b = [];
  for (let k = 0; k < 3; k++) {
    a.push(time("node -e 0", ["-e", "0"], { times: Math.ceil(startupRuns / 3) }));
    b.push(time("rotation --version", [bin, "--version"], { times: Math.ceil(startupRuns / 3) }));
  }
  // Keep one row each: the median of the three rounds' medians.
  const pick = (rows) => [...rows].sort((x, y) => x.medianMs - y.medianMs)[1];
  baseline = pick(a);
  version = pick(b);
  for (const row of [...a, ...b]) if (row !== baseline && row !== version) results.splice(results.indexOf(row), 1);
}
const COLD = { ROTATION_CSV_SNAPSHOTS: "0" };
const ratios = { versionOverNode: round((version.medianMs / baseline.medianMs) * 100) / 100 };

if (existsSync(path.join(shared, "SPY.csv"))) {
  const check = time("check --data shared (default universe)", [bin, "check", "--data", shared]);
  time("  same, CSV parsed every run (no snapshots)", [bin, "check", "--data", shared], { env: COLD });
  time("check --data shared --as-of 2024-07-16", [bin, "check", "--data", shared, "--as-of", "2024-07-16"]);
  const all = readdirSync(shared).filter((f) => f.endsWith(".csv") && f !== "SPY.csv").map((f) => `${f.slice(0, -4)}:SPY`).join(",");
  const check52 = time("check, 52 pairs against SPY", [bin, "check", "--data", shared, "--pairs", all]);
  time("check, 52 pairs against SPY, --json", [bin, "check", "--data", shared, "--pairs", all, "--json"]);
  time("episodes, default pairs, full history", [bin, "episodes", "--data", shared, "--json"]);
  const episodes52 = time("episodes, 52 pairs against SPY, full history", [bin, "episodes", "--data", shared, "--pairs", all, "--json"]);
  Object.assign(ratios, {
    checkOverNode: round((check.medianMs / baseline.medianMs) * 100) / 100,
    check52OverNode: round((check52.medianMs / baseline.medianMs) * 100) / 100,
    episodes52Ms: episodes52.medianMs,
  });
} else {
  process.stderr.write("  ../shared/prices not found: the real-history rows are left out\n");
}

const scaling = [];
for (const n of [10, 100, 1000]) {
  for (const days of [1000, 3000, 6600]) {
    const { dir, pairs } = synthetic(n, days);
    // Scans of hundreds of funds are for scripts: JSON out (a 1,000-row table adds cli-table3's layout time).
    const row = time(`scaling: check --json ${n} series x ${days} days`, [bin, "check", "--data", dir, "--pairs", pairs, "--json"], { times: n === 1000 ? 5 : runs });
    scaling.push({ n, days, medianMs: row.medianMs, peakRssMB: row.peakRssMB });
    if (days === 6600) {
      const cold = time(`  same, CSV parsed every run (no snapshots)`, [bin, "check", "--data", dir, "--pairs", pairs, "--json"], { times: n === 1000 ? 5 : runs, env: COLD });
      scaling[scaling.length - 1].coldMs = cold.medianMs;
      scaling[scaling.length - 1].coldPeakRssMB = cold.peakRssMB;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
const at = (n, days) => scaling.find((s) => s.n === n && s.days === days).medianMs;
// The exponent of the part of the cost that grows: differences from the smallest size remove
// the fixed start-up cost (node, module loading), which would otherwise flatten the fit.
const exponent = (small, middle, large, t) => Math.round((Math.log((t(large) - t(small)) / (t(middle) - t(small))) / Math.log((large - small) / (middle - small))) * 100) / 100;
const growth = {
  exponentInN: exponent(10, 100, 1000, (n) => at(n, 6600)),
  exponentInDays: exponent(1000, 3000, 6600, (d) => at(1000, d)),
  msPer1000SeriesAt6600Days: Math.round(((at(1000, 6600) - at(100, 6600)) / 900) * 1000),
  note: "exponents of (time - time at the smallest size) against N at 6,600 days, and against days at N = 1,000",
};

// The Yahoo path, in one process with a local fetch serving Yahoo-shaped answers.
const yahoo = await (async () => {
  const { YahooSource } = await import(path.join(root, "dist/sources/yahoo.js"));
  const { PriceCache } = await import(path.join(root, "dist/sources/cache.js"));
  const days = [];
  for (let t = Date.UTC(2000, 0, 3); days.length < 6600; t += 86_400_000) {
    const d = new Date(t).getUTCDay();
    if (d !== 0 && d !== 6) days.push(t);
  }
  let served = days.length - 1;
  let requests = 0;
  let bytes = 0;
  const fetch = async (input) => {
    const url = new URL(String(input));
    const symbol = decodeURIComponent(url.pathname.split("/").pop());
    const from = Number(url.searchParams.get("period1")) * 1000;
    const stamps = days.slice(0, served).filter((t) => t + 52_200_000 >= from).map((t) => (t + 52_200_000) / 1000);
    const closes = stamps.map((_, i) => 100 + i / 100);
    const body = JSON.stringify({ chart: { result: [{ meta: { currency: "USD", symbol, exchangeName: "PCX", instrumentType: "ETF", firstTradeDate: stamps[0], regularMarketTime: stamps.at(-1), gmtoffset: -14400, timezone: "EDT", exchangeTimezoneName: "America/New_York", regularMarketPrice: 1, priceHint: 2, currentTradingPeriod: { pre: { timezone: "EDT", start: 1, end: 2, gmtoffset: -14400 }, regular: { timezone: "EDT", start: 1, end: 2, gmtoffset: -14400 }, post: { timezone: "EDT", start: 1, end: 2, gmtoffset: -14400 } }, dataGranularity: "1d", range: "", validRanges: ["1d"] }, timestamp: stamps, indicators: { quote: [{ open: closes, high: closes, low: closes, close: closes, volume: closes.map(() => 1) }], adjclose: [{ adjclose: closes }] } }], error: null } });
    requests++;
    bytes += body.length;
    return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
  };
  const cacheDir = path.join(work, "cache");
  const symbols = ["IWM", "IJR", "IJH", "SPY", "QQQ"];
  const run = async (now) => {
    requests = 0;
    bytes = 0;
    const started = process.hrtime.bigint();
    const source = new YahooSource({ cache: new PriceCache(cacheDir), offline: false, refresh: false, fetch, retry: {}, now: () => now, concurrency: 4, log: () => undefined });
    await source.load(symbols);
    return { ms: round(Number(process.hrtime.bigint() - started) / 1e6), requests, bytes };
  };
  const lastDay = new Date(days[served - 1] + 79_200_000); // 22:00 UTC on the last served day
  const cold = await run(lastDay);
  const warm = await run(new Date(lastDay.getTime() + 3_600_000));
  served += 1;
  const nextDay = await run(new Date(days[served - 1] + 79_200_000));
  return { tickers: symbols.length, daysOfHistory: 6600, cold, warmSameEvening: warm, nextDayRefresh: nextDay };
})();

rmSync(work, { recursive: true, force: true });
const report = { scaling, machine: { cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, cpu: cpus()[0]?.model }, runs, results, ratios, growth, yahoo };

const nameWidth = Math.max(...results.map((r) => r.name.length));
console.log(`${"benchmark".padEnd(nameWidth)}  median ms     min     max  peak RSS MB`);
for (const r of results) console.log(`${r.name.padEnd(nameWidth)}  ${String(r.medianMs).padStart(9)} ${String(r.minMs).padStart(7)} ${String(r.maxMs).padStart(7)} ${String(r.peakRssMB).padStart(12)}`);
console.log(`\nratios to node -e 0: ${JSON.stringify(ratios)}`);
console.log(`growth: the variable cost grows ~ N^${growth.exponentInN} in series and ~ D^${growth.exponentInDays} in days (${growth.msPer1000SeriesAt6600Days} ms per 1,000 series of 6,600 days)`);
console.log(`yahoo (5 tickers x 6,600 days): cold ${yahoo.cold.requests} requests / ${yahoo.cold.bytes} bytes / ${yahoo.cold.ms} ms; warm ${yahoo.warmSameEvening.requests} requests; next day ${yahoo.nextDayRefresh.requests} requests / ${yahoo.nextDayRefresh.bytes} bytes`);
writeFileSync(path.join(root, "bench", "results.json"), `${JSON.stringify(report, null, 2)}\n`);
console.log(`\n${JSON.stringify(report)}`);
