import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadPrices, surveyPrices } from "../../src/app/prices.js";
import { DataError } from "../../src/errors.js";
import type { Runtime } from "../../src/runtime.js";
import type { SourceChoice } from "../../src/settings/source.js";
import { randomWalk, weekdays } from "../helpers/series.js";

const quiet = { write: () => true };
const runtime: Runtime = { env: {}, cwd: "/", stdout: quiet, stderr: quiet, now: () => new Date("2026-12-04T12:00:00Z"), fetch: globalThis.fetch };

function folder(): { dir: string; choice: SourceChoice; symbols: string[] } {
  const root = mkdtempSync(path.join(tmpdir(), "rotation-survey-"));
  const dates = weekdays("2019-01-02", 300);
  const symbols = ["AAA", "BBB", "CCC", "DDD"];
  symbols.forEach((symbol, k) => {
    const closes = randomWalk(k + 1, dates.length, 40 + k);
    // CCC jumps nine-fold for one day (a suspect bar); DDD lacks a session its peers have.
    const rows = dates.map((d, i) => `${d},${(symbol === "CCC" && i === 200 ? closes[i]! * 9 : closes[i]!).toFixed(4)}`).filter((_, i) => !(symbol === "DDD" && i === 250));
    writeFileSync(path.join(root, `${symbol}.csv`), `Date,Close\n${rows.join("\n")}\n`);
  });
  const choice = { kind: "csv", dir: root, lenient: false, snapshotDir: path.join(root, "snapshots"), partial: false } as SourceChoice;
  return { dir: root, choice, symbols };
}

describe("surveyPrices: a universe judged whole, held as dates", () => {
  it("holds no closes, judges as loadPrices does, and gives each chunk loadPrices' closes", async () => {
    const { choice, symbols } = folder();
    const whole = await loadPrices(symbols, choice, runtime, "2020-01-31");
    const survey = await surveyPrices(symbols, choice, runtime, "2020-01-31");
    expect(survey.warnings).toEqual(whole.warnings);
    expect(survey.warnings.some((w) => w.startsWith("CCC"))).toBe(true);
    expect(survey.warnings.some((w) => w.startsWith("DDD: no close for"))).toBe(true);
    expect(survey.gaps).toEqual(whole.judged.gaps);
    expect(survey.info).toEqual(whole.info);
    for (const symbol of symbols) {
      expect(survey.dates.series(symbol).closes).toHaveLength(0);
      expect(survey.dates.series(symbol).dates).toEqual(whole.prices.series(symbol).dates);
    }
    for (const chunk of [["AAA", "CCC"], ["DDD"], ["BBB", "AAA"]]) {
      const known = await survey.load(chunk);
      for (const symbol of chunk) {
        expect(known.series(symbol).dates).toEqual(whole.prices.series(symbol).dates);
        expect(Array.from(known.series(symbol).closes)).toEqual(Array.from(whole.prices.series(symbol).closes));
      }
    }
  });

  it("stops the run when a file read for a chunk is not what the survey read", async () => {
    const { dir, choice, symbols } = folder();
    const survey = await surveyPrices(symbols, choice, runtime, undefined);
    writeFileSync(path.join(dir, "BBB.csv"), `Date,Close\n${weekdays("2019-01-02", 120).map((d) => `${d},10`).join("\n")}\n`);
    await expect(survey.load(["BBB"])).rejects.toThrow(new DataError("BBB: its prices changed while this run read them; run it again"));
    // A chunk without the edited file is read as before.
    expect((await survey.load(["AAA"])).series("AAA").dates).toHaveLength(300);
  });
});
