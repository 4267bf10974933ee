import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { expectCleanOutput, runCli } from "../helpers/cli.js";
import { FIXTURE_PRICES } from "../helpers/paths.js";
import { weekdays } from "../helpers/series.js";

const work = mkdtempSync(path.join(tmpdir(), "rotation-valuation-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** 80 days of history: IWM's trailing P/E drifts down from 20 while SPY's stays at 25. */
function historyCsv(): string {
  const rows = ["Date,Symbol,TrailingPE,ForwardPE"];
  weekdays("2024-03-01", 80).forEach((date, i) => {
    rows.push(`${date},IWM,${(20 - i * 0.05).toFixed(2)},`);
    rows.push(`${date},SPY,25,21`);
  });
  return `${rows.join("\n")}\n`;
}

describe("rotation valuation with a stored history", () => {
  const store = path.join(work, "valuation.jsonl");

  it("imports a CSV history and ranks today's spread against it", () => {
    const file = path.join(work, "history.csv");
    writeFileSync(file, historyCsv());
    const imported = runCli(["valuation", "import", file, "--store", store]);
    expect(imported.status).toBe(0);
    expect(imported.stderr).toBe(`rotation: imported 160 valuation records from ${file} into ${store}\n`);
    // As of the history's last day, so the figures are current (see the stale test below).
    const last = weekdays("2024-03-01", 80).at(-1)!;
    const result = runCli(["valuation", "--store", store, "--as-of", last, "--pairs", "IWM:SPY", "--json"]);
    expect(result.status).toBe(0);
    const doc = JSON.parse(result.stdout);
    const pair = doc.pairs[0];
    const lastIwm = 20 - 79 * 0.05;
    expect(pair.trailing.spread).toBeCloseTo(Number(lastIwm.toFixed(2)) - 25, 10);
    // The lowest spread so far: nothing earlier was below it.
    expect(pair.trailing.rank).toMatchObject({ percentile: 0, observations: 79 });
    expect(pair.forward).toMatchObject({ spread: null, note: "no forward P/E for IWM" });
    expect(doc.funds.find((f: { symbol: string }) => f.symbol === "IWM").notes.forwardPE).toBe("not recorded");
    const table = runCli(["valuation", "--store", store, "--as-of", last, "--pairs", "IWM:SPY"]);
    expect(table.stdout).toMatch(/IWM:SPY .*trailing .*0\.00/);
    expect(table.stdout).toMatch(/n\/a: IWM:SPY forward: no forward P\/E for IWM/);
    expectCleanOutput(table);
    const csvRows = runCli(["valuation", "--store", store, "--as-of", last, "--pairs", "IWM:SPY", "--csv"]).stdout.trim().split("\r\n");
    expect(csvRows[0]).toBe("asOf,pair,basis,date,stale,spread,ratio,yieldGap,percentile,rankedFrom,rankedTo,observations,note");
    expect(csvRows).toHaveLength(3);
    const ndjson = runCli(["valuation", "--store", store, "--offline", "--pairs", "IWM:SPY", "--format", "ndjson"]).stdout.trim().split("\n");
    expect(JSON.parse(ndjson[0]!)).toMatchObject({ schemaVersion: 1, pair: "IWM:SPY" });
  });

  it("flags figures that are old or far apart as stale: dated, warned, never a signal", () => {
    const last = weekdays("2024-03-01", 80).at(-1)!;
    // Read today (2026 or later): the newest figures are from 2024.
    const today = runCli(["valuation", "--store", store, "--offline", "--pairs", "IWM:SPY", "--json"]);
    const doc = JSON.parse(today.stdout);
    expect(doc.pairs[0]).toMatchObject({ date: last, dates: { symbol: last, benchmark: last }, stale: true });
    expect(doc.pairs[0].trailing.note).toMatch(new RegExp(`^stale: its P/E figures are from ${last}, \\d+ days before ${doc.asOf} \\(more than 7\\); shown, not used for signals$`));
    expect(today.stderr).toMatch(/^warning: IWM:SPY valuation stale: /m);
    const table = runCli(["valuation", "--store", store, "--offline", "--pairs", "IWM:SPY"]).stdout;
    expect(table.split("\n")[0]).toBe(`Valuation spreads as of ${doc.asOf}, figures from ${last} (from the store)`);
    expect(table).toContain(`${last} (stale)`);
    // Two funds' records far apart: IWM's last P/E years before SPY's.
    const apart = path.join(work, "apart.jsonl");
    writeFileSync(path.join(work, "apart.csv"), "Date,Symbol,TrailingPE,ForwardPE\n2020-03-10,IWM,14,\n2024-06-03,SPY,25,\n");
    expect(runCli(["valuation", "import", path.join(work, "apart.csv"), "--store", apart]).status).toBe(0);
    const far = JSON.parse(runCli(["valuation", "--store", apart, "--as-of", "2024-06-03", "--pairs", "IWM:SPY", "--json"]).stdout);
    expect(far.pairs[0]).toMatchObject({ date: "2024-06-03", dates: { symbol: "2020-03-10", benchmark: "2024-06-03" }, stale: true });
    expect(far.pairs[0].trailing.note).toMatch(/^stale: IWM's P\/E is from 2020-03-10 and SPY's from 2024-06-03, 1546 days apart \(more than 7\)/);
    // --max-age widens the tolerance.
    expect(JSON.parse(runCli(["valuation", "--store", apart, "--as-of", "2024-06-03", "--pairs", "IWM:SPY", "--max-age", "2000", "--json"]).stdout).pairs[0].stale).toBe(false);
    // check shows the date in its spreads table.
    const check = runCli(["check", "--data", FIXTURE_PRICES, "--pairs", "IWM:SPY", "--as-of", "2024-07-16"], { ROTATION_VALUATION_STORE: apart });
    expect(check.stdout).toMatch(/│ IWM:SPY +│ 2024-06-03 \(stale\) │/);
  });

  it("refuses the whole file on the first malformed line, importing nothing", () => {
    const file = path.join(work, "bad.csv");
    const fresh = path.join(work, "fresh.jsonl");
    writeFileSync(file, "Date,Symbol,TrailingPE,ForwardPE\n2024-01-02,IWM,15,\n2024-01-03,IWM,oops,\n");
    const result = runCli(["valuation", "import", file, "--store", fresh]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`rotation: ${file}:3: TrailingPE "oops" is not a number\n`);
    expect(existsSync(fresh)).toBe(false);
  });

  it("--as-of reads the store as it was then", () => {
    const result = JSON.parse(runCli(["valuation", "--store", store, "--as-of", "2024-04-01", "--pairs", "IWM:SPY", "--json"]).stdout);
    expect(result.live).toBe(false);
    expect(result.funds[0].date <= "2024-04-01").toBe(true);
    expect(result.pairs[0].trailing.rank).toBeNull();
  });

  it(`check shows the stored spreads beside the prices`, () => {
    const result = runCli(["check", "--data", FIXTURE_PRICES, "--pairs", "IWM:SPY", "--as-of", "2024-07-16", "--json"], { ROTATION_VALUATION_STORE: store });
    const doc = JSON.parse(result.stdout);
    expect(doc.valuation.pairs[0].pair).toBe("IWM:SPY");
    expect(doc.valuation.pairs[0].trailing.spread).toBeLessThan(0);
    const journal = path.join(work, "j.jsonl");
    runCli(["log", "--data", FIXTURE_PRICES, "--pairs", "IWM:SPY", "--as-of", "2024-07-16", "--journal", journal], { ROTATION_VALUATION_STORE: store });
    expect(JSON.parse(readFileSync(journal, "utf8")).valuation[0]).toMatchObject({ pair: "IWM:SPY" });
  });
});
