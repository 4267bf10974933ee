import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run } from "../../src/cli.js";
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
      stdout: { write: (t: string) => out.push(t), isTTY: true, columns: 200 },
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
});
