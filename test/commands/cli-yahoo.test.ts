import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run } from "../../src/run.js";
import type { Runtime } from "../../src/runtime.js";
import { fakeYahoo, serveHistory, type Bar } from "../helpers/fake-yahoo.js";
import { randomWalk, weekdays } from "../helpers/series.js";

let cacheDir: string;
beforeEach(() => {
  cacheDir = mkdtempSync(path.join(tmpdir(), "rotation-cli-"));
});
afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

const dates = weekdays("2023-01-02", 320);
const histories: Record<string, Bar[]> = Object.fromEntries(
  ["IWM", "IJR", "IJH", "SPY", "QQQ"].map((symbol, i) => [symbol, randomWalk(i + 11, 320).map((close, d) => ({ date: dates[d]!, close, adjclose: close }))]),
);

function runtime(fetch: Runtime["fetch"], now: Date) {
  const out: string[] = [];
  const err: string[] = [];
  const rt: Runtime = {
    env: { ROTATION_CACHE_DIR: cacheDir },
    cwd: cacheDir,
    stdout: { write: (t: string) => out.push(t), isTTY: false },
    stderr: { write: (t: string) => err.push(t), isTTY: false },
    now: () => now,
    fetch,
    retry: { sleep: async () => undefined },
  };
  return { rt, stdout: () => out.join(""), stderr: () => err.join("") };
}

describe("rotation check from Yahoo Finance (injected fetch)", () => {
  const evening = new Date(`${dates[319]}T21:30:00Z`);

  it("downloads the default universe once, then answers from the cache", async () => {
    const server = fakeYahoo(serveHistory(histories));
    const first = runtime(server.fetch, evening);
    expect(await run(["check", "--json"], first.rt)).toBe(0);
    const doc = JSON.parse(first.stdout());
    expect(doc.source).toMatchObject({ kind: "yahoo", cacheDir, offline: false, requests: 5 });
    expect(doc.asOf).toBe(dates[319]);
    expect(first.stderr()).toBe("");

    const second = runtime(server.fetch, new Date(evening.getTime() + 3_600_000));
    expect(await run(["check", "--json"], second.rt)).toBe(0);
    expect(JSON.parse(second.stdout()).source.requests).toBe(0);
    expect(server.requests).toHaveLength(5);
    expect(JSON.parse(second.stdout()).pairs).toEqual(doc.pairs);
  });

  it("fails with exit 1 and one line when a ticker is unknown", async () => {
    const server = fakeYahoo(serveHistory(histories));
    const r = runtime(server.fetch, evening);
    expect(await run(["check", "--pairs", "IWM:ZZZZ"], r.rt)).toBe(1);
    expect(r.stderr()).toBe("rotation: ZZZZ: unknown symbol on Yahoo Finance (No data found, symbol may be delisted)\n");
    expect(r.stdout()).toBe("");
  });

  it("turns an unexpected failure into one line and exit 1, with the stack only under ROTATION_DEBUG", async () => {
    const broken: Runtime["fetch"] = () => {
      throw new RangeError("boom");
    };
    const r = runtime(broken, evening);
    // A fetch that throws synchronously is a programming fault, not a network one.
    const code = await run(["check"], r.rt);
    expect(code).toBe(1);
    expect(r.stderr()).not.toMatch(/^\s+at /m);
  });
});

describe("on a terminal", () => {
  it("colours the table, adds 63-day sparklines and shows progress on stderr", async () => {
    const server = fakeYahoo(serveHistory(histories));
    const out: string[] = [];
    const err: string[] = [];
    const rt: Runtime = {
      env: { ROTATION_CACHE_DIR: cacheDir },
      cwd: cacheDir,
      stdout: { write: (t: string) => out.push(t), isTTY: true, columns: 260 },
      stderr: { write: (t: string) => err.push(t), isTTY: true },
      now: () => new Date(`${dates[319]}T21:30:00Z`),
      fetch: server.fetch,
      retry: { sleep: async () => undefined },
    };
    expect(await run(["check"], rt)).toBe(0);
    const text = out.join("");
    expect(text).toMatch(/\u001b\[/);
    expect(text).toContain("63D ratio");
    expect(text).toMatch(/[▁▂▃▄▅▆▇█]{20,}/);
    expect(err.join("")).toMatch(/loading 5\/5/);
    out.length = 0;
    expect(await run(["check", "--no-color"], rt)).toBe(0);
    expect(out.join("")).not.toMatch(/\u001b\[/);
  });

  it("drops the least needed columns to fit a narrow terminal", async () => {
    const server = fakeYahoo(serveHistory(histories));
    const out: string[] = [];
    const rt: Runtime = {
      env: { ROTATION_CACHE_DIR: cacheDir },
      cwd: cacheDir,
      stdout: { write: (t: string) => out.push(t), isTTY: true, columns: 100 },
      stderr: { write: () => true, isTTY: false },
      now: () => new Date(`${dates[319]}T21:30:00Z`),
      fetch: server.fetch,
      retry: { sleep: async () => undefined },
    };
    expect(await run(["check"], rt)).toBe(0);
    const lines = out.join("").replace(/\u001b\[[0-9;]*m/g, "").split("\n");
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(100);
    const text = lines.join("\n");
    for (const kept of ["Pair", "Surge 5D", "Pctile", "Largest", "Signal"]) expect(text).toContain(kept);
    // At the default window "Rel 5D" repeats "Surge 5D": it is the first column to go.
    expect(text).not.toContain("Rel 5D");
    expect(text).not.toContain("63D ratio");
  });
});

describe("check --valuation", () => {
  it("fetches P/E live, records it in the store and adds the spreads to the JSON", async () => {
    const quoteBody = {
      quoteResponse: {
        result: [
          { symbol: "IWM", quoteType: "ETF", language: "en-US", region: "US", triggerable: false, customPriceAlertConfidence: "LOW", exchange: "PCX", market: "us_market", esgPopulated: false, sourceInterval: 15, exchangeDataDelayedBy: 0, tradeable: false, cryptoTradeable: false, quoteSourceName: "Delayed Quote", currency: "USD", marketState: "CLOSED", exchangeTimezoneName: "America/New_York", exchangeTimezoneShortName: "EDT", gmtOffSetMilliseconds: -14400000, fullExchangeName: "NYSEArca", priceHint: 2, trailingPE: 16, forwardPE: 14 },
          { symbol: "SPY", quoteType: "ETF", language: "en-US", region: "US", triggerable: false, customPriceAlertConfidence: "LOW", exchange: "PCX", market: "us_market", esgPopulated: false, sourceInterval: 15, exchangeDataDelayedBy: 0, tradeable: false, cryptoTradeable: false, quoteSourceName: "Delayed Quote", currency: "USD", marketState: "CLOSED", exchangeTimezoneName: "America/New_York", exchangeTimezoneShortName: "EDT", gmtOffSetMilliseconds: -14400000, fullExchangeName: "NYSEArca", priceHint: 2, trailingPE: 25, forwardPE: 21 },
        ],
        error: null,
      },
    };
    const charts = fakeYahoo(serveHistory(histories));
    const fetch: Runtime["fetch"] = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.includes("/v1/test/getcrumb")) return new Response("crumb", { status: 200 });
      if (url.includes("/v7/finance/quote")) return new Response(JSON.stringify(quoteBody), { status: 200, headers: { "content-type": "application/json" } });
      if (url.includes("/v8/finance/chart/")) return charts.fetch(input as string);
      void init;
      return new Response("", { status: 200, headers: { "set-cookie": "A3=d; Domain=.yahoo.com; Path=/" } });
    };
    const r = runtime(fetch, new Date(`${dates[319]}T21:30:00Z`));
    const store = path.join(cacheDir, "valuation.jsonl");
    (r.rt.env as Record<string, string>).ROTATION_VALUATION_STORE = store;
    expect(await run(["check", "--pairs", "IWM:SPY", "--valuation", "--json"], r.rt)).toBe(0);
    const doc = JSON.parse(r.stdout());
    expect(doc.valuation).toMatchObject({ live: true, pairs: [{ pair: "IWM:SPY", trailing: { spread: -9, ratio: 0.64 } }] });
    expect(doc.valuation.pairs[0].trailing.yieldGap).toBeCloseTo(1 / 16 - 1 / 25, 12);
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(store, "utf8").trim().split("\n").map((l) => JSON.parse(l).symbol)).toEqual(["IWM", "SPY"]);
  });

  it("a valuation that cannot be fetched (429 on getcrumb) is a warning: the prices are still shown", async () => {
    const charts = fakeYahoo(serveHistory(histories));
    const fetch: Runtime["fetch"] = async (input) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.includes("/v8/finance/chart/")) return charts.fetch(input as string);
      if (url.includes("/v1/test/getcrumb")) return new Response("", { status: 429, headers: { "retry-after": "0" } });
      return new Response("", { status: 200, headers: { "set-cookie": "A3=d; Domain=.yahoo.com; Path=/" } });
    };
    const r = runtime(fetch, new Date(`${dates[319]}T21:30:00Z`));
    (r.rt.env as Record<string, string>).ROTATION_VALUATION_STORE = path.join(cacheDir, "none.jsonl");
    expect(await run(["check", "--pairs", "IWM:SPY", "--valuation", "--json"], r.rt)).toBe(0);
    const doc = JSON.parse(r.stdout());
    expect(doc.pairs[0].pair).toBe("IWM:SPY");
    expect(doc.valuation).toBeNull();
    expect(r.stderr()).toMatch(/^warning: valuation: .*429.*; prices are shown without live valuations$/m);
  });
});

describe("ROTATION_DEBUG", () => {
  it("adds the stack trace to an error, and only then", async () => {
    const broken: Runtime["fetch"] = () => {
      throw new RangeError("boom");
    };
    const quiet = runtime(broken, new Date());
    await run(["check", "--pairs", "IWM:SPY"], quiet.rt);
    expect(quiet.stderr()).not.toMatch(/^\s+at /m);
    const loud = runtime(broken, new Date());
    (loud.rt.env as Record<string, string>).ROTATION_DEBUG = "1";
    await run(["check", "--pairs", "IWM:SPY"], loud.rt);
    expect(loud.stderr()).toMatch(/^\s+at /m);
  });
});
