import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { commonDates, driverFiguresAt, driverReturns, fisherInterval, NO_FIGURE, readingOf, rollingDrivers } from "../../src/core/drivers.js";
import { weekdays } from "../helpers/series.js";
import { FIXTURE_PRICES, PROJECT_ROOT } from "../helpers/paths.js";

/** A seeded stream of numbers in (−0.02, 0.02). */
function noise(seed: number, n: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    let t = (s = (s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 2 ** 32 - 0.5) * 0.04;
  });
}

/** The textbook definitions, window by window (no running sums). */
function direct(y: number[], x: number[], m: number[], from: number, to: number) {
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const ys = y.slice(from, to), xs = x.slice(from, to), ms = m.slice(from, to);
  const my = mean(ys), mx = mean(xs), mm = mean(ms);
  let sxy = 0, sxx = 0, syy = 0, smm = 0, sxm = 0, smy = 0;
  for (let i = 0; i < ys.length; i++) {
    const dx = xs[i]! - mx, dy = ys[i]! - my, dm = ms[i]! - mm;
    sxy += dx * dy; sxx += dx * dx; syy += dy * dy; smm += dm * dm; sxm += dx * dm; smy += dm * dy;
  }
  const det = sxx * smm - sxm * sxm;
  return { r: sxy / Math.sqrt(sxx * syy), beta: sxy / sxx, partial: (sxy * smm - smy * sxm) / det, gamma: (smy * sxx - sxy * sxm) / det };
}

const dates = weekdays("2020-01-01", 401);

describe("rolling correlation and beta on hand-made series", () => {
  const x = noise(1, 400);
  const m = noise(2, 400);
  it("a driver perfectly correlated: r = +1, beta the slope", () => {
    const y = x.map((v) => 2 * v + 0.001);
    const rolling = rollingDrivers(y, x, m, 63, dates);
    for (const t of [62, 200, 399]) {
      expect(rolling.correlation[t]).toBeCloseTo(1, 12);
      expect(rolling.beta[t]).toBeCloseTo(2, 10);
      expect(rolling.betaWithBenchmark[t]).toBeCloseTo(2, 8);
      expect(rolling.benchmarkBeta[t]).toBeCloseTo(0, 8);
    }
    expect(Number.isNaN(rolling.correlation[61]!)).toBe(true);
  });
  it("anti-correlated: r = −1", () => {
    const y = x.map((v) => -0.5 * v);
    const rolling = rollingDrivers(y, x, m, 63, dates);
    expect(rolling.correlation[300]).toBeCloseTo(-1, 12);
    expect(rolling.beta[300]).toBeCloseTo(-0.5, 10);
  });
  it("independent (orthogonal by construction): r = 0 and beta = 0", () => {
    // x alternates +1, −1; y pairs up (+1, +1, −1, −1): their products cancel in every 4 days.
    const xs = Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? 0.01 : -0.01));
    const ys = Array.from({ length: 400 }, (_, i) => (i % 4 < 2 ? 0.01 : -0.01));
    const rolling = rollingDrivers(ys, xs, m, 64, dates);
    expect(rolling.correlation[399]).toBeCloseTo(0, 12);
    expect(rolling.beta[399]).toBeCloseTo(0, 12);
  });
  it("a window where the driver (or the pair) never moves has no figure and says why; never NaN in a report", () => {
    const flat = [...x.slice(0, 100), ...Array(100).fill(0.003), ...x.slice(200)];
    const rolling = rollingDrivers(noise(3, 400), flat, m, 63, dates);
    expect(Number.isNaN(rolling.correlation[180]!)).toBe(true);
    expect(NO_FIGURE[rolling.reasons[180]!]).toBe("zero variance (driver)");
    // Once one moving day is back inside the window, the figure returns.
    expect(Number.isNaN(rolling.correlation[262]!)).toBe(false);
    const pairFlat = rollingDrivers(Array(400).fill(0), x, m, 63, dates);
    const figures = driverFiguresAt(pairFlat, 399, { pair: "A:B", symbol: "A", benchmark: "B", driver: "IEF" });
    expect(figures).toMatchObject({ correlation: { value: null, interval: null, percentile: null }, beta: { value: null }, reason: "zero variance (pair)" });
    expect(JSON.stringify(figures)).not.toMatch(/NaN|null,null,null,null,null/);
    expect(readingOf(figures)).toBe("A:B and IEF: no correlation (zero variance (pair)).");
  });
  it("a driver that is the benchmark itself: correlation and beta, but no separate coefficient (collinear)", () => {
    const y = noise(4, 400);
    const rolling = rollingDrivers(y, m, m, 63, dates);
    expect(Number.isFinite(rolling.correlation[300]!)).toBe(true);
    expect(Number.isNaN(rolling.betaWithBenchmark[300]!)).toBe(true);
    expect(NO_FIGURE[rolling.reasons[300]!]).toBe("driver moves with the benchmark (collinear)");
  });
  it("running sums agree with the window-by-window definitions; the regression recovers both coefficients", () => {
    const y = x.map((v, i) => 0.5 * v + 0.8 * m[i]! + noise(5, 400)[i]! * 0.1);
    const rolling = rollingDrivers(y, x, m, 63, dates);
    for (const t of [62, 63, 150, 399]) {
      const d = direct(y, x, m, t - 62, t + 1);
      expect(rolling.correlation[t]).toBeCloseTo(d.r, 10);
      expect(rolling.beta[t]).toBeCloseTo(d.beta, 9);
      expect(rolling.betaWithBenchmark[t]).toBeCloseTo(d.partial, 8);
      expect(rolling.benchmarkBeta[t]).toBeCloseTo(d.gamma, 8);
    }
    expect(rolling.betaWithBenchmark[399]).toBeCloseTo(0.5, 1);
    expect(rolling.benchmarkBeta[399]).toBeCloseTo(0.8, 1);
  });
  it("Fisher's 90% interval: tanh(atanh(r) ± 1.645/√(n−3)), and none under 4 pairs", () => {
    const [low, high] = fisherInterval(0.46, 63)!;
    const half = 1.6448536269514722 / Math.sqrt(60);
    expect(low).toBeCloseTo(Math.tanh(0.5 * Math.log(1.46 / 0.54) - half), 14);
    expect(high).toBeCloseTo(Math.tanh(0.5 * Math.log(1.46 / 0.54) + half), 14);
    expect(fisherInterval(1, 63)).toEqual([1, 1]);
    expect(fisherInterval(0.3, 3)).toBeNull();
  });
  it("dates: only those every series has", () => {
    expect(commonDates([{ dates: ["2024-01-02", "2024-01-03", "2024-01-04"] }, { dates: ["2024-01-03", "2024-01-04", "2024-01-05"] }, { dates: ["2024-01-02", "2024-01-04"] }])).toEqual(["2024-01-04"]);
  });
});

/** Date → close of a fixture CSV (plain or gzipped), read here and not by the code under test. */
function closes(file: string): Map<string, number> {
  const raw = file.endsWith(".gz") ? gunzipSync(readFileSync(file)).toString("utf8") : readFileSync(file, "utf8");
  return new Map(raw.trim().split("\n").slice(1).map((line) => [line.split(",")[0]!, Number(line.split(",").at(-1))]));
}

describe("golden: IWM:SPY against IEF and HYG−IEF on 2024-07-16, from real closes", () => {
  const iwm = closes(path.join(FIXTURE_PRICES, "IWM.csv.gz"));
  const spy = closes(path.join(FIXTURE_PRICES, "SPY.csv.gz"));
  const ief = closes(path.join(PROJECT_ROOT, "fixtures/drivers/IEF.csv"));
  const hyg = closes(path.join(PROJECT_ROOT, "fixtures/drivers/HYG.csv"));
  const series = (m: Map<string, number>) => {
    const ds = [...m.keys()].filter((d) => d <= "2024-07-16").sort();
    return { dates: ds, values: ds.map((d) => m.get(d)!), kind: "price" as const };
  };
  for (const [driver, parts, independent] of [
    ["IEF", [series(ief)], (d: string, p: string) => ief.get(d)! / ief.get(p)! - 1],
    ["HYG-IEF", [series(hyg), series(ief)], (d: string, p: string) => hyg.get(d)! / hyg.get(p)! - 1 - (ief.get(d)! / ief.get(p)! - 1)],
  ] as const) {
    it(`${driver}: the 63-day correlation, its interval, beta and the two-regressor beta, as computed here`, () => {
      // Independently: the common dates of all four funds, then the last 64 of them.
      const common = [...iwm.keys()].filter((d) => d <= "2024-07-16" && spy.has(d) && ief.has(d) && hyg.has(d)).sort();
      const last = common.slice(-64);
      const y: number[] = [], x: number[] = [], m: number[] = [];
      for (let i = 1; i < last.length; i++) {
        const d = last[i]!, p = last[i - 1]!;
        y.push(iwm.get(d)! / iwm.get(p)! - 1 - (spy.get(d)! / spy.get(p)! - 1));
        x.push(independent(d, p));
        m.push(spy.get(d)! / spy.get(p)! - 1);
      }
      const want = direct(y, x, m, 0, 63);
      // Under test: the same through driverReturns and rollingDrivers (the golden series cut to the common dates of all four funds).
      const all = [series(iwm), series(spy), series(ief), series(hyg)];
      const keep = new Set(commonDates(all));
      const cut = (s: ReturnType<typeof series>) => ({ ...s, dates: s.dates.filter((d) => keep.has(d)), values: s.dates.flatMap((d, i) => (keep.has(d) ? [s.values[i]!] : [])) });
      const data = driverReturns(cut(series(iwm)), cut(series(spy)), parts.map(cut));
      const rolling = rollingDrivers(data.y, data.x, data.m, 63, data.dates);
      const figures = driverFiguresAt(rolling, data.y.length - 1, { pair: "IWM:SPY", symbol: "IWM", benchmark: "SPY", driver });
      expect(figures.date).toBe("2024-07-16");
      expect(figures.from).toBe(last[1]);
      expect(figures.correlation.value).toBeCloseTo(want.r, 10);
      expect(figures.beta.value).toBeCloseTo(want.beta, 9);
      expect(figures.betaWithBenchmark.value).toBeCloseTo(want.partial, 8);
      expect(figures.betaWithBenchmark.benchmarkBeta).toBeCloseTo(want.gamma, 8);
      const half = 1.6448536269514722 / Math.sqrt(60);
      expect(figures.correlation.interval![0]).toBeCloseTo(Math.tanh(Math.atanh(want.r) - half), 10);
      expect(figures.correlation.interval![1]).toBeCloseTo(Math.tanh(Math.atanh(want.r) + half), 10);
      // Its mid-rank percentile among every earlier window's correlation (all of them here, recomputed one by one).
      const allY: number[] = [], allX: number[] = [], allM: number[] = [];
      for (let i = 1; i < common.length; i++) {
        const d = common[i]!, p = common[i - 1]!;
        allY.push(iwm.get(d)! / iwm.get(p)! - 1 - (spy.get(d)! / spy.get(p)! - 1));
        allX.push(independent(d, p));
        allM.push(spy.get(d)! / spy.get(p)! - 1);
      }
      const earlier: number[] = [];
      for (let end = 63; end < allY.length; end++) earlier.push(direct(allY, allX, allM, end - 63, end).r);
      const today = direct(allY, allX, allM, allY.length - 63, allY.length).r;
      const below = earlier.filter((v) => v < today - 1e-12).length;
      const equal = earlier.filter((v) => Math.abs(v - today) <= 1e-12).length;
      expect(figures.correlation.observations).toBe(earlier.length);
      expect(figures.correlation.percentile).toBeCloseTo((100 * (below + equal / 2)) / earlier.length, 8);
      expect(readingOf(figures)).toMatch(new RegExp(`^IWM:SPY (moved with|moved against|had no clear link with) ${driver} to 2024-07-16: 63-day correlation [+-]\\d\\.\\d\\d \\(90%: `));
    });
  }
});

describe("the default drivers", () => {
  it("as specs are what --drivers' default reads as", async () => {
    const { DEFAULT_DRIVERS, DEFAULT_DRIVER_SPECS } = await import("../../src/core/drivers.js");
    const { parseDrivers } = await import("../../src/settings/validators.js");
    expect(parseDrivers(DEFAULT_DRIVERS)).toEqual(DEFAULT_DRIVER_SPECS);
  });
});

describe("calendar windows", () => {
  it("the Russell reconstitution window from rank day to reconstitution, both included; unknown in a year without a sourced schedule; January", async () => {
    const { windowAt, RUSSELL_RECONSTITUTIONS } = await import("../../src/core/calendars/windows.js");
    expect(windowAt("russell-reconstitution", "2024-04-30").membership).toBe("inside");
    expect(windowAt("russell-reconstitution", "2024-06-28").membership).toBe("inside");
    expect(windowAt("russell-reconstitution", "2024-04-29").membership).toBe("outside");
    expect(windowAt("russell-reconstitution", "2024-07-01").membership).toBe("outside");
    expect(windowAt("russell-reconstitution", "2019-06-03").membership).toBe("unknown");
    expect(windowAt("january", "2019-01-31").membership).toBe("inside");
    expect(windowAt("january", "2019-02-01").membership).toBe("outside");
    for (const r of RUSSELL_RECONSTITUTIONS) {
      // Rank day before reconstitution day, both in their year; reconstitution a Friday.
      expect(r.rankDay < r.reconstitution && r.rankDay.startsWith(String(r.year)) && r.reconstitution.startsWith(String(r.year))).toBe(true);
      expect(new Date(`${r.reconstitution}T12:00:00Z`).getUTCDay()).toBe(5);
      expect(r.source.length).toBeGreaterThan(10);
    }
  });
});

describe("the reading's words, one rule for the drivers table, check's context line and the report", () => {
  it("with when the 90% interval lies above 0, against when below, no clear link when it spans 0", async () => {
    const { linkOf } = await import("../../src/core/drivers.js");
    expect(linkOf({ value: 0.25, interval: [0.04, 0.43] })).toBe("moved with");
    expect(linkOf({ value: -0.3, interval: [-0.5, -0.1] })).toBe("moved against");
    expect(linkOf({ value: 0.19, interval: [-0.02, 0.38] })).toBe("had no clear link with");
  });
});

describe("every day's percentile at once", () => {
  it("is each day's rankFigure percentile, with and without a lookback, NaN where there is none", async () => {
    const { percentilesOf, rankFigure } = await import("../../src/core/drivers.js");
    const values = Float64Array.from(noise(9, 900), (v, i) => (i < 62 || (i > 400 && i < 420) ? Number.NaN : v));
    const days = weekdays("2020-01-01", 901);
    const dateOf = (t: number) => days[t + 1]!;
    for (const lookback of [{ kind: "all" } as const, { kind: "sessions", sessions: 300 } as const]) {
      const all = percentilesOf(values, dateOf, lookback);
      for (const t of [70, 330, 333, 410, 500, 899]) {
        const one = rankFigure(values, dateOf, t, lookback).percentile;
        if (one === null) expect(Number.isNaN(all[t]!), `t ${t}`).toBe(true);
        else expect(all[t], `t ${t}`).toBeCloseTo(one, 10);
      }
    }
  });
});
