import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectCleanOutput, runCli, runCliAsync } from "../helpers/cli.js";
import { FredServer } from "../helpers/fred-server.js";
import { FIXTURE_PRICES, PROJECT_ROOT } from "../helpers/paths.js";

const work = mkdtempSync(path.join(tmpdir(), "rotation-drivers-"));
/** The sample funds and the drivers' extracts in one data folder. */
const data = path.join(work, "prices");
mkdirSync(data);
for (const file of readdirSync(FIXTURE_PRICES).filter((f) => f.endsWith(".csv.gz"))) writeFileSync(path.join(data, file.replace(/\.gz$/, "")), gunzipSync(readFileSync(path.join(FIXTURE_PRICES, file))));
for (const file of ["IEF.csv", "HYG.csv", "RSP.csv", "IWC.csv"]) copyFileSync(path.join(PROJECT_ROOT, "fixtures/drivers", file), path.join(data, file));

const validate = new Ajv2020({ strict: true, allErrors: true }).compile(JSON.parse(readFileSync(path.join(PROJECT_ROOT, "schema", "drivers.schema.json"), "utf8")));
const closesOf = (symbol: string) => new Map(readFileSync(path.join(data, `${symbol}.csv`), "utf8").trim().split("\n").slice(1).map((l) => [l.split(",")[0]!, Number(l.split(",").at(-1))]));

describe("rotation drivers", () => {
  it("tables, JSON (valid against its schema), NDJSON and CSV of IWM:SPY against IEF and HYG-IEF on 2024-07-16", () => {
    const base = ["drivers", "--data", data, "--pairs", "IWM:SPY", "--as-of", "2024-07-16"];
    const table = runCli(base);
    expectCleanOutput(table);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^Drivers as of 2024-07-16/);
    // The span the percentiles were ranked against, as in check's title.
    expect(table.stdout.split("\n")[0]).toMatch(/percentiles against all earlier days, \d{4}-\d\d-\d\d … 2024-07-15\)$/);
    expect(table.stdout).toMatch(/IWM:SPY (moved with|moved against|had no clear link with) IEF to 2024-07-16: 63-day correlation [+-]\d\.\d\d \(90%: /);
    expect(table.stdout).toMatch(/RSP:SPY \(equal vs cap weight, S&P 500\): [+-]\d+\.\d\d% to 2024-07-16, percentile/);
    const json = JSON.parse(runCli([...base, "--json"]).stdout);
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(json.pairs.map((p: { driver: string }) => p.driver)).toEqual(["IEF", "HYG-IEF"]);
    expect(json.context.map((c: { pair: string }) => c.pair)).toEqual(["RSP:SPY", "IWC:IWM"]);
    const ndjson = runCli([...base, "--format", "ndjson"]).stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(ndjson.map((r) => r.correlation.value)).toEqual(json.pairs.map((p: { correlation: { value: number } }) => p.correlation.value));
    const csv = runCli([...base, "--csv"]).stdout.trim().split("\r\n");
    expect(csv[0]).toBe("asOf,pair,driver,date,from,window,correlation,correlationLow,correlationHigh,correlationPercentile,beta,betaPercentile,betaWithBenchmark,betaWithBenchmarkPercentile,benchmarkBeta,observations,rankedFrom,rankedTo,reason");
    expect(csv).toHaveLength(3);
  });

  it("--corr-window and --drivers are checked as usage errors (exit 2)", () => {
    for (const [flag, value, message] of [
      ["--corr-window", "5", /--corr-window must be a whole number of sessions from 20 to 756, got "5"/],
      ["--drivers", "HYG-HYG", /--drivers: "HYG-HYG" is a fund less itself/],
      ["--drivers", "fred:", /--drivers: "fred:" is not a FRED series/],
      ["--drivers", "A-B-C", /--drivers: "A-B-C" is not a spread/],
    ] as const) {
      const result = runCli(["drivers", "--data", data, flag, value]);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(message);
    }
  });

  it("a driver fund without prices is a reason, not a failure; the context pairs are left out with a note when their funds are not at hand", () => {
    const plain = runCli(["drivers", "--data", FIXTURE_PRICES, "--pairs", "IWM:SPY", "--as-of", "2024-07-16", "--json"]);
    expect(plain.status).toBe(0);
    const doc = JSON.parse(plain.stdout);
    expect(doc.pairs[0]).toMatchObject({ driver: "IEF", correlation: { value: null }, reason: "no prices for IEF" });
    expect(doc.context).toEqual([]);
    expect(plain.stderr).toMatch(/context pairs RSP:SPY, IWC:IWM left out: their prices are not at hand/);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe("rotation drivers with FRED yields (a stand-in on 127.0.0.1)", () => {
  const fred = new FredServer();
  let url = "";
  // A yield that moves with IWM over SPY, so that its correlation is clearly positive; a "." on holidays.
  beforeAll(async () => {
    url = await fred.start();
    const iwm = closesOf("IWM");
    const spy = closesOf("SPY");
    const dates = [...iwm.keys()].filter((d) => d >= "2016-01-01" && spy.has(d)).sort();
    let level = 2;
    const rows: { date: string; value: number | null }[] = [];
    dates.forEach((date, i) => {
      if (i > 0) level += (iwm.get(date)! / iwm.get(dates[i - 1]!)! - spy.get(date)! / spy.get(dates[i - 1]!)!) * 5 + ((i * 7919) % 13 - 6) / 1000;
      rows.push({ date, value: Math.round(level * 100) / 100 });
      if (i % 50 === 0) rows.push({ date: `${date.slice(0, 8)}${date.slice(8) === "31" ? "31" : date.slice(8)}`, value: null });
    });
    // A holiday-like "." row on a date no fund has.
    rows.push({ date: "2024-07-04", value: null });
    rows.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
    fred.series.set("DGS10", rows.filter((r, i, all) => i === 0 || r.date !== all[i - 1]!.date));
  });
  afterAll(() => fred.stop());

  it("uses a day's yield only from the next day, caches the series, and says its sign and unit", async () => {
    const cache = path.join(work, "fred-cache");
    const args = ["drivers", "--data", data, "--pairs", "IWM:SPY", "--drivers", "fred:DGS10", "--as-of", "2024-07-16", "--json"];
    const first = await runCliAsync(args, { ROTATION_FRED_URL: url, ROTATION_CACHE_DIR: cache });
    expectCleanOutput(first);
    expect(first.status).toBe(0);
    const doc = JSON.parse(first.stdout);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.drivers[0]).toMatchObject({ id: "fred:DGS10", kind: "yield", unit: "percentage points", publishedNextDay: true });
    const row = doc.pairs[0];
    // The stand-in has 2024-07-16's value, but it is published on the 17th: the window ends the day before.
    expect(row.date).toBe("2024-07-15");
    // Recomputed here: changes in yield and relative returns on the common dates before 2024-07-16.
    const iwm = closesOf("IWM");
    const spy = closesOf("SPY");
    const yields = new Map(fred.series.get("DGS10")!.filter((r) => r.value !== null).map((r) => [r.date, Number(r.value!.toFixed(2))]));
    const common = [...iwm.keys()].filter((d) => d < "2024-07-16" && spy.has(d) && yields.has(d)).sort().slice(-64);
    const y: number[] = [];
    const x: number[] = [];
    for (let i = 1; i < common.length; i++) {
      const d = common[i]!, p = common[i - 1]!;
      y.push(iwm.get(d)! / iwm.get(p)! - 1 - (spy.get(d)! / spy.get(p)! - 1));
      x.push(yields.get(d)! - yields.get(p)!);
    }
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const mx = mean(x), my = mean(y);
    const sxy = x.reduce((s, v, i) => s + (v - mx) * (y[i]! - my), 0);
    const sxx = x.reduce((s, v) => s + (v - mx) ** 2, 0);
    const syy = y.reduce((s, v) => s + (v - my) ** 2, 0);
    expect(row.correlation.value).toBeCloseTo(sxy / Math.sqrt(sxx * syy), 9);
    expect(row.beta.value).toBeCloseTo(sxy / sxx, 9);
    expect(row.correlation.value).toBeGreaterThan(0.5);
    const table = await runCliAsync(args.slice(0, -1), { ROTATION_FRED_URL: url, ROTATION_CACHE_DIR: cache });
    expect(table.stdout).toMatch(/its sign is opposite to IEF's; beta per percentage point; a day's value is used from the next day/);
    // From the cache: FRED is not asked again within 12 hours.
    expect(fred.requests).toHaveLength(1);
  });

  it("FRED's DATE header, a web page, a 500 and --offline without a cache: a warning and the driver left out, never an error", async () => {
    fred.header = "DATE";
    const fresh = (name: string) => path.join(work, name);
    const args = ["drivers", "--data", data, "--pairs", "IWM:SPY", "--drivers", "IEF,fred:DGS10", "--as-of", "2024-07-16", "--json"];
    const old = await runCliAsync(args, { ROTATION_FRED_URL: url, ROTATION_CACHE_DIR: fresh("c1") });
    expect(JSON.parse(old.stdout).pairs[1].correlation.value).not.toBeNull();
    fred.header = "observation_date";
    const answer = fred.answer;
    fred.answer = () => ({ status: 200, type: "text/html", body: "<html><body>Please sign in</body></html>" });
    const page = await runCliAsync(args, { ROTATION_FRED_URL: url, ROTATION_CACHE_DIR: fresh("c2") });
    expect(page.status).toBe(0);
    expect(page.stderr).toMatch(/warning: FRED DGS10 \(http:\/\/127\.0\.0\.1:\d+\/graph\/fredgraph\.csv\), line 1: expected a header "DATE,DGS10" or "observation_date,DGS10", found "<html><body>Please sign in<\/body><\/html>" \(a web page\?\); left out/);
    expect(JSON.parse(page.stdout).pairs[1]).toMatchObject({ driver: "fred:DGS10", reason: "no FRED DGS10 series", correlation: { value: null } });
    fred.answer = () => ({ status: 500, body: "oops" });
    const down = await runCliAsync(args, { ROTATION_FRED_URL: url, ROTATION_CACHE_DIR: fresh("c3") });
    expect(down.status).toBe(0);
    expect(down.stderr).toMatch(/warning: FRED DGS10 .*HTTP 500.*; left out/);
    fred.answer = answer;
    const offline = await runCliAsync([...args, "--offline"], { ROTATION_FRED_URL: url, ROTATION_CACHE_DIR: fresh("c4") });
    expect(offline.status).toBe(0);
    expect(offline.stderr).toMatch(/warning: FRED DGS10 is not cached and this run is offline; left out/);
  });
});

describe("check's context line: drivers, breadth and calendar from series at hand only", () => {
  it("from the data folder: one line under the tables and `context` in JSON; the calendar window at the as-of date", () => {
    const table = runCli(["check", "--data", data, "--pairs", "IWM:SPY", "--as-of", "2024-07-16"]);
    expect(table.status).toBe(0);
    const line = table.stdout.trim().split("\n").at(-1)!;
    expect(line).toMatch(/^Context to 2024-07-16: IWM:SPY (moved with|moved against|had no clear link with) IEF \(63-day correlation [+-]\d\.\d\d, 90% [+-]\d\.\d\d to [+-]\d\.\d\d, higher than on \d+% of earlier days\) and .* HYG-IEF .*; breadth RSP:SPY [+-]\d+\.\d\d% over 5 days \(percentile [\d.]+\), IWC:IWM .*\.$/);
    const june = JSON.parse(runCli(["check", "--data", data, "--pairs", "IWM:SPY", "--as-of", "2024-06-20", "--json"]).stdout);
    expect(june.context.calendar).toEqual([{ window: "russell-reconstitution", from: "2024-04-30", to: "2024-06-28" }]);
    const drivers = JSON.parse(runCli(["drivers", "--data", data, "--pairs", "IWM:SPY", "--as-of", "2024-06-20", "--json"]).stdout);
    // The same figures as rotation drivers gives for the same day.
    expect(june.context.drivers).toEqual(drivers.pairs);
    expect(june.context.breadth).toEqual(drivers.context);
    expect(runCli(["check", "--data", data, "--pairs", "IWM:SPY", "--as-of", "2024-06-20"]).stdout).toMatch(/2024-06-20 is inside the Russell reconstitution window \(rank day 2024-04-30 to reconstitution 2024-06-28\)\.\n$/);
    const january = JSON.parse(runCli(["check", "--data", data, "--pairs", "IWM:SPY", "--as-of", "2024-01-17", "--json"]).stdout);
    expect(january.context.calendar).toEqual([{ window: "january", from: "2024-01-01", to: "2024-01-31" }]);
  });

  it("--no-context leaves it out (and does not load the funds)", () => {
    const doc = JSON.parse(runCli(["check", "--data", data, "--pairs", "IWM:SPY", "--as-of", "2024-06-20", "--no-context", "--json"]).stdout);
    expect(doc.context).toEqual({ asOf: "2024-06-20", calendar: [], drivers: [], breadth: [], notes: ["left out (--no-context)"] });
    expect(runCli(["check", "--data", data, "--pairs", "IWM:SPY", "--as-of", "2024-06-20", "--no-context"]).stdout).not.toMatch(/Context/);
  });

  it("with --sample, nothing is added to the table: a note in JSON only", () => {
    const plain = runCli(["check", "--sample", "--as-of", "2024-07-16"]);
    expect(plain.stdout).not.toMatch(/Context/);
    const doc = JSON.parse(runCli(["check", "--sample", "--as-of", "2024-07-16", "--json"]).stdout);
    expect(doc.context).toEqual({ asOf: "2024-07-16", calendar: [], drivers: [], breadth: [], notes: ["drivers and breadth left out: the bundled sample has no IEF, HYG, RSP or IWC"] });
  });
});

describe("check's context from a live feed: the cache only, never a download", () => {
  it("not cached: left out with a note, IEF never asked for; cached by rotation drivers: shown", async () => {
    const { FakeYahooServer } = await import("../helpers/yahoo-server.js");
    const yahoo = new FakeYahooServer();
    const base = await yahoo.start();
    try {
      yahoo.reset("2024-07-16");
      // Stand-ins with real closes of other funds, so that the feed has something to serve.
      Object.assign(yahoo.aliases, { IEF: "QQQ", HYG: "IJR", RSP: "IJH", IWC: "IWR" });
      const cache = mkdtempSync(path.join(tmpdir(), "rotation-context-"));
      const env = { ROTATION_YAHOO_URL: base, ROTATION_CACHE_DIR: cache, ROTATION_NOW: "2024-07-16T21:30:00Z" };
      const first = await runCliAsync(["check", "--pairs", "IWM:SPY", "--json"], env);
      expect(first.status).toBe(0);
      expect(yahoo.count("IEF") + yahoo.count("HYG") + yahoo.count("RSP") + yahoo.count("IWC")).toBe(0);
      const notes = JSON.parse(first.stdout).context.notes;
      expect(notes).toEqual(["drivers IEF, HYG-IEF left out: IEF, HYG not at hand (run rotation drivers once, or add the files to the data folder)", "breadth RSP:SPY, IWC:IWM left out: not at hand"]);
      expect((await runCliAsync(["drivers", "--pairs", "IWM:SPY"], env)).status).toBe(0);
      const asked = yahoo.count();
      const second = await runCliAsync(["check", "--pairs", "IWM:SPY", "--json"], env);
      const doc = JSON.parse(second.stdout);
      expect(doc.context.drivers.map((r: { driver: string }) => r.driver)).toEqual(["IEF", "HYG-IEF"]);
      expect(doc.context.breadth.map((c: { pair: string }) => c.pair)).toEqual(["RSP:SPY", "IWC:IWM"]);
      expect(doc.context.notes).toEqual([]);
      // Only the check's own funds were asked for again (fresh within the day: none at all).
      expect(yahoo.requests.slice(asked).filter((r) => ["IEF", "HYG", "RSP", "IWC"].includes(r.symbol))).toEqual([]);
    } finally {
      await yahoo.stop();
    }
  });
});

describe("log records the context", () => {
  it("when at hand: the calendar windows, each pair's correlations and the breadth surges, valid against the journal schema", () => {
    const journal = path.join(mkdtempSync(path.join(tmpdir(), "rotation-context-log-")), "j.jsonl");
    const logged = runCli(["log", "--data", data, "--pairs", "IWM:SPY", "--as-of", "2024-06-20", "--journal", journal, "--json"]);
    expect(logged.status).toBe(0);
    const record = JSON.parse(logged.stdout);
    const validateRecord = new Ajv2020({ strict: true, allErrors: true, validateFormats: false }).compile(JSON.parse(readFileSync(path.join(PROJECT_ROOT, "schema", "journal-record.schema.json"), "utf8")));
    expect(validateRecord(record), JSON.stringify(validateRecord.errors)).toBe(true);
    const check = JSON.parse(runCli(["check", "--data", data, "--pairs", "IWM:SPY", "--as-of", "2024-06-20", "--json"]).stdout);
    expect(record.context).toEqual({
      calendar: ["russell-reconstitution"],
      drivers: check.context.drivers.map((r: { pair: string; driver: string; date: string; correlation: { value: number; interval: [number, number]; percentile: number } }) => ({ pair: r.pair, driver: r.driver, date: r.date, correlation: r.correlation.value, low: r.correlation.interval[0], high: r.correlation.interval[1], percentile: r.correlation.percentile })),
      breadth: check.context.breadth.map((c: { pair: string; date: string; surge: { value: number; percentile: number } }) => ({ pair: c.pair, date: c.date, surge: c.surge.value, percentile: c.surge.percentile })),
    });
    // A record with nothing at hand has no context at all (a cron run of the sample funds' CSVs stays as it was).
    const plain = JSON.parse(runCli(["log", "--data", FIXTURE_PRICES, "--pairs", "IWM:SPY", "--as-of", "2024-07-16", "--journal", journal, "--json"]).stdout);
    expect(plain.context).toBeUndefined();
  });
});

describe("report's drivers section", () => {
  it("a table of every pair against rates and credit, the readings and a chart of the first pair's rolling correlation; with the sample, what is missing", () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), "rotation-context-report-")), "r.md");
    const result = runCli(["report", "--data", data, "--as-of", "2024-07-16", "--markdown", out]);
    expect(result.status).toBe(0);
    const text = readFileSync(out, "utf8");
    const section = text.slice(text.indexOf("## Drivers, breadth and calendar"), text.indexOf("## Data and method"));
    expect(section).toMatch(/^Context to 2024-07-16: IWM:SPY /m);
    expect(section).toMatch(/\| IWM:SPY \| IEF \| [+-]\d\.\d\d \| [+-]\d\.\d\d to [+-]\d\.\d\d \| \d+ \|/);
    expect(section).toMatch(/!\[IWM:SPY: 63-day correlation with IEF, \d{4}-\d\d-\d\d to 2024-07-16\]\(<r-files\/drivers-correlation\.svg>\)/);
    expect(readFileSync(path.join(path.dirname(out), "r-files", "drivers-correlation.svg"), "utf8")).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*><title>IWM:SPY: correlation with IEF<\/title>.*<path d="M[\d.]+,[\d.]+L/s);
    const sample = path.join(path.dirname(out), "s.md");
    expect(runCli(["report", "--sample", "--as-of", "2024-07-16", "--markdown", sample]).status).toBe(0);
    expect(readFileSync(sample, "utf8")).toMatch(/## Drivers, breadth and calendar\n\nNothing at hand to say what drove it: drivers and breadth left out: the bundled sample has no IEF, HYG, RSP or IWC\./);
  });
});

describe("episodes: drivers and calendar at each episode's first flagged day, and summaries by group", () => {
  it("each episode's correlation with IEF is rotation drivers' figure on its start day; --split summarises exactly the episodes of each group", () => {
    const validateEpisodes = new Ajv2020({ strict: true, allErrors: true, validateFormats: false }).compile(JSON.parse(readFileSync(path.join(PROJECT_ROOT, "schema", "episodes.schema.json"), "utf8")));
    const result = runCli(["episodes", "--data", data, "--pairs", "IWM:SPY", "--as-of", "2024-09-30", "--split", "calendar,ief", "--json"]);
    expect(result.status).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(validateEpisodes(doc), JSON.stringify(validateEpisodes.errors)).toBe(true);
    type Row = { start: string; end: string; direction: string; context: { calendar: Record<string, string>; drivers: { driver: string; correlation: number | null; percentile: number | null; regime: string | null; episodeReturn: number | null }[] } };
    const episodes = doc.episodes as Row[];
    const withIef = episodes.filter((e) => e.context.drivers.find((d) => d.driver === "IEF")?.correlation !== null);
    expect(withIef.length).toBeGreaterThan(5);
    // Two of them against rotation drivers as of their start day (the same figure, the same rank).
    for (const e of [withIef[0]!, withIef.at(-1)!]) {
      const row = JSON.parse(runCli(["drivers", "--data", data, "--pairs", "IWM:SPY", "--drivers", "IEF", "--as-of", e.start, "--json"]).stdout).pairs[0];
      const mine = e.context.drivers.find((d) => d.driver === "IEF")!;
      expect(row.date).toBe(e.start);
      expect(mine.correlation).toBeCloseTo(row.correlation.value, 12);
      expect(mine.percentile).toBe(row.correlation.percentile);
      // IEF's own return over the episode, from the close before start to the close of end, from the CSV here.
      const ief = closesOf("IEF");
      const dates = [...ief.keys()].sort();
      const before = dates[dates.indexOf(e.start) - 1]!;
      expect(mine.episodeReturn).toBeCloseTo(ief.get(e.end)! / ief.get(before)! - 1, 12);
    }
    // The groups hold exactly the episodes their context puts there (per direction).
    const split = (by: string, group: string) => doc.splits.find((s: { by: string; group: string }) => s.by === by && s.group === group);
    for (const direction of ["small-surge", "large-surge"]) {
      const count = (test: (e: Row) => boolean) => episodes.filter((e) => e.direction === direction && test(e)).length;
      const summary = (by: string, group: string) => split(by, group)?.summary.find((s: { direction: string }) => s.direction === direction)?.episodes ?? 0;
      expect(summary("russell-reconstitution", "inside")).toBe(count((e) => e.context.calendar["russell-reconstitution"] === "inside"));
      expect(summary("january", "outside")).toBe(count((e) => e.context.calendar.january === "outside"));
      for (const third of ["top third", "middle third", "bottom third"]) expect(summary("IEF correlation", third)).toBe(count((e) => e.context.drivers.find((d) => d.driver === "IEF")?.regime === third));
    }
    // Without --split: no splits; the table says each group in words.
    expect(JSON.parse(runCli(["episodes", "--data", data, "--pairs", "IWM:SPY", "--as-of", "2024-09-30", "--json"]).stdout).splits).toEqual([]);
    expect(runCli(["episodes", "--data", data, "--pairs", "IWM:SPY", "--as-of", "2024-09-30", "--split", "calendar"]).stdout).toMatch(/Episodes that started outside January \(the same base rate; intervals as above\)/);
    expect(runCli(["episodes", "--data", data, "--split", "rates"]).stderr).toMatch(/--split: "rates" is not one of calendar, IEF, HYG-IEF/);
  });
});
