import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFrenchDataset } from "../../src/sources/french/provider.js";
import { expectCleanOutput, runCli } from "../helpers/cli.js";
import { fixtureZip, FrenchServer } from "../helpers/french-server.js";
import { FIXTURE_PRICES } from "../helpers/paths.js";

describe("the valuation history where it shows (cache filled from a stand-in library on 127.0.0.1)", () => {
  const server = new FrenchServer();
  const cache = mkdtempSync(path.join(tmpdir(), "rotation-french-cache-"));
  const env = { ROTATION_CACHE_DIR: cache };
  const store = path.join(cache, "no-store.jsonl");
  let base = "";
  beforeAll(async () => {
    base = await server.start();
    server.answer = () => ({ status: 200, body: fixtureZip() });
    // What an online `rotation valuation` does first (its download path is tested in test/sources).
    const load = await loadFrenchDataset({ name: "25_Portfolios_5x5", cacheDir: cache, baseUrl: base, offline: false, timeoutMs: 5_000, fetch: globalThis.fetch, now: () => new Date(), retry: { tries: 1 } });
    expect(load.dataset?.vintage).toBe("202408");
  });
  afterAll(() => server.stop());

  it("valuation --as-of 2024-07-16: the history in JSON and in one dated sentence that names the proxy", () => {
    const json = runCli(["valuation", "--store", store, "--as-of", "2024-07-16", "--json"], env);
    expect(json.status).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.history).toMatchObject({ source: "french", dataset: "25_Portfolios_5x5", vintage: "202408", lookback: "20y", split: "q1-q5" });
    expect(doc.history.splits[0]).toMatchObject({ split: "q1-q5", month: "2024-05", marketEquityAt: "2024-04-30", knownFrom: "2024-06-30", observations: 240, rankedFrom: "2004-05", rankedTo: "2024-04" });
    const table = runCli(["valuation", "--store", store, "--as-of", "2024-07-16"], env);
    expect(table.stdout).toMatch(/Valuation history: small caps are (cheaper|dearer) against large caps than in \d+% of the last 20 years \(2004-05 … 2024-04, 240 months\), on price-to-book \(.*Fama\/French smallest vs largest size quintile\), data to 2024-05 \(market caps of 2024-04-30; CRSP vintage 202408\): a proxy, not the indexes' P\/E\./);
    expectCleanOutput(table);
    // --lookback overrides the 20 years, in the same syntax.
    const ten = JSON.parse(runCli(["valuation", "--store", store, "--as-of", "2024-07-16", "--lookback", "10y", "--json"], env).stdout);
    expect(ten.history.splits[0]).toMatchObject({ observations: 120, rankedFrom: "2014-05" });
    expect(ten.history.lookback).toBe("10y");
    // --history none: no block.
    expect(JSON.parse(runCli(["valuation", "--store", store, "--as-of", "2024-07-16", "--history", "none", "--json"], env).stdout).history).toBeUndefined();
    expect(runCli(["valuation", "--history", "shiller"], env).stderr).toMatch(/^rotation: --history must be french or none/);
  });

  it("check: one line under the tables and valuation.history in JSON, from the cache; without one, a note and null", () => {
    const table = runCli(["check", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16"], env);
    expect(table.status).toBe(0);
    expect(table.stdout.trimEnd().split("\n").at(-1)).toMatch(/^Valuation history: .*data to 2024-05 .*a proxy, not the indexes' P\/E\.$/);
    const doc = JSON.parse(runCli(["check", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--json"], env).stdout);
    expect(doc.valuation).toMatchObject({ asOf: "2024-07-16", live: false, funds: [], pairs: [], history: { dataset: "25_Portfolios_5x5", split: "q1-q5" } });
    // An as-of date before a month is published sees the month before it.
    const early = JSON.parse(runCli(["check", "--data", FIXTURE_PRICES, "--as-of", "2024-06-28", "--json"], env).stdout);
    expect(early.valuation.history.splits[0].month).toBe("2024-04");
    const none = runCli(["check", "--sample", "--as-of", "2024-07-16"], { ROTATION_CACHE_DIR: mkdtempSync(path.join(tmpdir(), "rotation-empty-")) });
    expect(none.status).toBe(0);
    expect(none.stdout).toContain("Valuation history: not downloaded yet (`rotation valuation` fetches the Fama/French data once a month; check reads it from the cache).");
    expect(JSON.parse(runCli(["check", "--sample", "--as-of", "2024-07-16", "--json"], { ROTATION_CACHE_DIR: mkdtempSync(path.join(tmpdir(), "rotation-empty-")) }).stdout).valuation).toBeNull();
  });

  it("an online `rotation valuation` downloads it into the cache, even when Yahoo then refuses (exit 1 for the spreads)", async () => {
    const { closedPort } = await import("../helpers/net.js");
    const fresh = mkdtempSync(path.join(tmpdir(), "rotation-french-cli-"));
    const before = server.requests.length;
    const { runCliAsync } = await import("../helpers/cli.js");
    const online = await runCliAsync(["valuation", "--store", path.join(fresh, "v.jsonl"), "--timeout", "1"], { ROTATION_CACHE_DIR: fresh, ROTATION_FRENCH_URL: base, ROTATION_YAHOO_URL: `http://127.0.0.1:${await closedPort()}` });
    expect(online.status).toBe(1);
    expect(server.requests.length).toBe(before + 1);
    const offline = JSON.parse(runCli(["valuation", "--store", path.join(fresh, "v.jsonl"), "--offline", "--json"], { ROTATION_CACHE_DIR: fresh }).stdout);
    expect(offline.history).toMatchObject({ dataset: "25_Portfolios_5x5", vintage: "202408" });
  });

  it("log records it; report shows it with a chart", () => {
    const journal = path.join(cache, "journal.jsonl");
    expect(runCli(["log", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--journal", journal], env).status).toBe(0);
    const record = JSON.parse(readFileSync(journal, "utf8").trim());
    expect(record.valuationHistory).toMatchObject({ dataset: "25_Portfolios_5x5", vintage: "202408", split: "q1-q5", month: "2024-05", lookback: "20y" });
    const report = runCli(["report", "-", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16"], env);
    expect(report.status).toBe(0);
    expect(report.stdout).toContain('<section id="valuation-history"');
    expect(report.stdout).toMatch(/Small vs large book-to-market .*Fama\/French 25_Portfolios_5x5/);
  });
});
