import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, PROJECT_ROOT } from "../helpers/paths.js";
import { expectCleanOutput, runCli } from "../helpers/cli.js";
import { randomWalk, weekdays } from "../helpers/series.js";

const work = mkdtempSync(path.join(tmpdir(), "rotation-cron-"));
const data = path.join(work, "prices");
const dates = weekdays("2022-01-03", 420);
/** The evening of the data's last day: a cron run right after the close, whose day is fresh. */
const AFTER_CLOSE = { ROTATION_NOW: `${dates.at(-1)}T21:30:00Z` };
beforeAll(() => {
  mkdirSync(data);
  ["IWM", "IJR", "IJH", "SPY", "QQQ"].forEach((symbol, i) => {
    const closes = randomWalk(i + 21, 420, 100, 0.012);
    // A small-cap jump at the end, so that the last days raise signals.
    if (i < 3) for (let d = 415; d < 420; d++) closes[d] = closes[d - 1]! * 1.025;
    writeFileSync(path.join(data, `${symbol}.csv`), `Date,Close\n${dates.map((d, k) => `${d},${closes[k]!.toFixed(4)}`).join("\n")}\n`);
  });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function journalLines(file: string): Record<string, unknown>[] {
  return readFileSync(file, "utf8").trim().split("\n").map((line) => JSON.parse(line));
}

describe("rotation log", () => {
  it("logs each trading day once; a weekend run logs Friday; --replace replaces", () => {
    const journal = path.join(work, "daily.jsonl");
    const friday = dates[414]!;
    const saturday = new Date(Date.parse(`${friday}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const first = runCli(["log", "--data", data, "--journal", journal, "--as-of", friday]);
    expect(first.status).toBe(0);
    expect(first.stdout).toBe("");
    expect(first.stderr).toMatch(new RegExp(`rotation: logged ${friday} \\(.*\\) to ${journal}`));
    const weekend = runCli(["log", "--data", data, "--journal", journal, "--as-of", saturday]);
    expect(weekend.status).toBe(0);
    expect(weekend.stderr).toMatch(new RegExp(`${friday} is already logged .*nothing written`));
    expect(journalLines(journal)).toHaveLength(1);
    const replaced = runCli(["log", "--data", data, "--journal", journal, "--as-of", friday, "--replace"]);
    expect(replaced.stderr).toMatch(/replaced the record of/);
    const lines = journalLines(journal);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ schemaVersion: 1, asOf: friday, parameters: { window: 5, threshold: 99 }, source: "csv" });
    expect(Object.keys(lines[0]!)).toEqual(["schemaVersion", "asOf", "writtenAt", "version", "configKey", "parameters", "source", "pairs", "signals"]);
  });

  it("--exit-code exits 3 on a signal, and the journal keeps it", () => {
    const journal = path.join(work, "signal.jsonl");
    const result = runCli(["log", "--data", data, "--journal", journal, "--exit-code"], AFTER_CLOSE);
    expect(result.status).toBe(3);
    const [record] = journalLines(journal) as { signals: unknown[] }[];
    expect(record!.signals.length).toBeGreaterThan(0);
    // The same day again writes nothing, so it must not alert again (a holiday's cron run).
    const again = runCli(["log", "--data", data, "--journal", journal, "--exit-code"], AFTER_CLOSE);
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/is already logged in .*; nothing written/);
    expect(runCli(["log", "--data", data, "--journal", journal, "--exit-code", "--replace"], AFTER_CLOSE).status).toBe(3);
  });

  it("an unwritable journal is exit 1 with one line", () => {
    writeFileSync(path.join(work, "plainfile"), "x");
    const result = runCli(["log", "--data", data, "--journal", path.join(work, "plainfile", "j.jsonl")], AFTER_CLOSE);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^rotation: cannot write journal .*plainfile\/j\.jsonl \(\w+\)\n$/);
    expectCleanOutput(result);
  });

  it("20 processes logging the same day at once leave exactly one record", async () => {
    const journal = path.join(work, "race.jsonl");
    const runs = Array.from({ length: 20 }, () =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [BIN, "log", "--data", data, "--journal", journal, "--as-of", dates[300]!], { cwd: PROJECT_ROOT, stdio: "ignore" });
        child.on("exit", (code) => resolve(code));
      }),
    );
    const codes = await Promise.all(runs);
    expect(codes.every((code) => code === 0)).toBe(true);
    const lines = readFileSync(journal, "utf8").split("\n");
    expect(lines.pop()).toBe("");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).asOf).toBe(dates[300]);
  }, 60_000);

  it("a writer killed with SIGKILL mid-loop loses no acknowledged record", async () => {
    const journal = path.join(work, "killed.jsonl");
    const script = `
      import { Journal } from ${JSON.stringify(path.join(PROJECT_ROOT, "dist/store/journal.js"))};
      const journal = new Journal(${JSON.stringify(journal)});
      const padding = "x".repeat(2000);
      for (let i = 0; ; i++) {
        const asOf = new Date(Date.UTC(2000, 0, 1) + i * 86400000).toISOString().slice(0, 10);
        const pair = { pair: "A:B", date: null, surge: null, percentile: null, zScore: null, largestSince: null, relative5: null, signal: null };
        await journal.append({ asOf, writtenAt: "2000-01-01T00:00:00Z", configKey: "k", pairs: [pair], signals: [], padding }, { replace: false });
        process.stdout.write(i + "\\n");
      }`;
    const acknowledged: string[] = [];
    await new Promise<void>((resolve) => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
      child.stdout.on("data", (chunk: Buffer) => acknowledged.push(...chunk.toString().split("\n").filter(Boolean)));
      setTimeout(() => child.kill("SIGKILL"), 700);
      child.on("exit", () => resolve());
    });
    expect(acknowledged.length).toBeGreaterThan(5);
    const text = readFileSync(journal, "utf8");
    const complete = text.slice(0, text.lastIndexOf("\n") + 1).split("\n").filter(Boolean);
    const logged = new Set(complete.map((line) => JSON.parse(line).asOf));
    const dateOf = (i: string) => new Date(Date.UTC(2000, 0, 1) + Number(i) * 86400000).toISOString().slice(0, 10);
    for (const i of acknowledged) expect(logged.has(dateOf(i))).toBe(true);
    // history reads every complete line back.
    const after = runCli(["history", "--journal", journal, "--format", "ndjson"]);
    expect(after.status).toBe(0);
    expect(after.stdout.trim().split("\n")).toHaveLength(complete.length);
  }, 30_000);
});

describe("rotation history", () => {
  const journal = path.join(work, "history.jsonl");
  beforeAll(() => {
    for (const day of dates.slice(410, 420)) runCli(["log", "--data", data, "--journal", journal, "--as-of", day]);
    // A bad line in the middle is reported and skipped, never fatal.
    writeFileSync(journal, `${readFileSync(journal, "utf8")}garbage line\n`);
  }, 60_000);

  it("shows a table and reports a malformed line by number", () => {
    const result = runCli(["history", "--journal", journal]);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/history\.jsonl:11: not valid JSON; skipped/);
    expect(result.stdout).toMatch(/Journal .*: 10 records/);
    expectCleanOutput(result);
  });

  it("every format parses back", () => {
    const json = JSON.parse(runCli(["history", "--journal", journal, "--json"]).stdout);
    expect(json.records).toHaveLength(10);
    const ndjson = runCli(["history", "--journal", journal, "--format", "ndjson"]).stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(ndjson.map((r) => r.asOf)).toEqual(json.records.map((r: { asOf: string }) => r.asOf));
    const csvRows = parse(runCli(["history", "--journal", journal, "--csv"]).stdout, { columns: true }) as Record<string, string>[];
    expect(csvRows).toHaveLength(40);
    expect(Object.keys(csvRows[0]!)).toEqual(["asOf", "writtenAt", "configKey", "pair", "date", "surge", "percentile", "zScore", "largestSince", "relative5", "signal"]);
  });

  it("narrows by date, pair and signal", () => {
    const doc = JSON.parse(runCli(["history", "--journal", journal, "--json", "--since", dates[415]!, "--until", dates[418]!, "--pairs", "IWM:SPY"]).stdout);
    expect(doc.records.map((r: { asOf: string }) => r.asOf)).toEqual(dates.slice(415, 419));
    expect(doc.records.every((r: { pairs: { pair: string }[] }) => r.pairs.length === 1 && r.pairs[0]!.pair === "IWM:SPY")).toBe(true);
    const signals = JSON.parse(runCli(["history", "--journal", journal, "--json", "--signals-only"]).stdout);
    expect(signals.records.length).toBeGreaterThan(0);
    expect(signals.records.every((r: { pairs: { signal: string | null }[] }) => r.pairs.every((p) => p.signal !== null))).toBe(true);
  });

  it("a missing journal is an empty history, not an error", () => {
    const result = runCli(["history", "--journal", path.join(work, "none.jsonl"), "--json"]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).records).toEqual([]);
  });
});

describe("config file", () => {
  const folder = path.join(work, "cfg");
  beforeAll(() => mkdirSync(folder, { recursive: true }));

  it("sets defaults that a flag and an environment variable override", () => {
    writeFileSync(path.join(folder, "rotation.config.json"), JSON.stringify({ pairs: ["IWM:SPY"], window: 10, data: "../prices", journal: "j.jsonl" }));
    const fromConfig = JSON.parse(runCli(["check", "--json"], {}, folder).stdout);
    expect(fromConfig.parameters.window).toBe(10);
    expect(fromConfig.pairs.map((p: { pair: string }) => p.pair)).toEqual(["IWM:SPY"]);
    expect(fromConfig.source.dir).toBe(data);
    const flagWins = JSON.parse(runCli(["check", "--json", "--window", "3"], {}, folder).stdout);
    expect(flagWins.parameters.window).toBe(3);
    const envWins = runCli(["check", "--json"], { ROTATION_DATA: path.join(work, "nowhere") }, folder);
    expect(envWins.status).toBe(1);
    expect(envWins.stderr).toMatch(/nowhere does not exist/);
    const shown = JSON.parse(runCli(["config", "--json"], { ROTATION_DATA: data }, folder).stdout);
    expect(shown.file).toBe(path.join(folder, "rotation.config.json"));
    expect(shown.settings.window).toEqual({ value: 10, origin: `config ${path.join(folder, "rotation.config.json")}` });
    expect(shown.settings.data).toEqual({ value: data, origin: "env ROTATION_DATA" });
    expect(shown.settings.threshold).toEqual({ value: 99, origin: "default" });
    expect(shown.settings.journal.value).toBe(path.join(folder, "j.jsonl"));
    // The valuation store is listed with where it came from, beside the journal.
    expect(Object.keys(shown.settings).indexOf("valuationStore")).toBe(Object.keys(shown.settings).indexOf("journal") + 1);
    expect(shown.settings.valuationStore.origin).toBe("default");
    const store = path.join(folder, "pe.jsonl");
    expect(JSON.parse(runCli(["config", "--json"], { ROTATION_VALUATION_STORE: store }, folder).stdout).settings.valuationStore).toEqual({ value: store, origin: "env ROTATION_VALUATION_STORE" });
  });

  it("refuses an unknown key or a wrong type as a usage error naming key and file", () => {
    const file = path.join(folder, "rotation.config.json");
    writeFileSync(file, JSON.stringify({ windw: 5 }));
    const unknown = runCli(["check"], {}, folder);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(new RegExp(`^rotation: config ${file}: unknown key "windw"`));
    writeFileSync(file, JSON.stringify({ threshold: "high" }));
    const wrong = runCli(["config"], {}, folder);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/"threshold" expected number, received string/);
    writeFileSync(file, "{ not json");
    expect(runCli(["check"], {}, folder).stderr).toMatch(/config .*: not valid JSON/);
    rmSync(file);
  });
});

describe("the README's crontab line", () => {
  it("keeps every day's output in the log and mails that day's output alone, only on a signal", async () => {
    const { execFileSync } = await import("node:child_process");
    const readme = readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
    const line = /^ {4}30 22 \* \* 1-5 {2}(.*)$/m.exec(readme)![1]!;
    const home = mkdtempSync(path.join(work, "home-"));
    const bin = path.join(home, "bin");
    mkdirSync(bin);
    // Stand-ins: `rotation` is this build on the test's prices and journal; `mail` keeps what it was given.
    const journal = path.join(home, "journal.jsonl");
    writeFileSync(path.join(bin, "rotation"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@" --data "${data}" --journal "${journal}" --as-of "$ASOF"\n`, { mode: 0o755 });
    writeFileSync(path.join(bin, "mail"), `#!/bin/sh\ncat > "$HOME/mailed-$(date +%s%N).txt"\n`, { mode: 0o755 });
    const run = (asOf: string) => execFileSync("/bin/sh", ["-c", line.replace("/usr/local/bin/rotation", path.join(bin, "rotation"))], { env: { PATH: `${bin}:/usr/bin:/bin`, HOME: home, ASOF: asOf, ROTATION_NOW: AFTER_CLOSE.ROTATION_NOW, ROTATION_CACHE_DIR: path.join(home, "cache") }, encoding: "utf8" });
    run(dates[400]!); // a quiet day: logged, not mailed
    run(dates[419]!); // a signal day
    const mails = readdirSync(home).filter((f) => f.startsWith("mailed-"));
    expect(mails).toHaveLength(1);
    const mailed = readFileSync(path.join(home, mails[0]!), "utf8");
    const log = readFileSync(path.join(home, "rotation-cron.log"), "utf8");
    expect(mailed).toMatch(new RegExp(`rotation: logged ${dates[419]} \\(.*SMALL-SURGE|small-surge`));
    expect(mailed).not.toContain(dates[400]!);
    expect(log).toContain(`logged ${dates[400]}`);
    expect(log.endsWith(mailed)).toBe(true);
  });
});
