import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCliAsync } from "../helpers/cli.js";
import { closedPort } from "../helpers/net.js";
import { FIXTURE_PRICES } from "../helpers/paths.js";
import { seededRandom } from "../helpers/series.js";

/**
 * A seeded fuzz run over commands x options x values x data folders. Every run must end with a
 * documented exit code, a --json run must print nothing or exactly one JSON document, and no
 * output may show a stack trace, NaN, undefined, Infinity or a control character.
 * ROTATION_FUZZ_RUNS sets how many cases (default 24 in npm test); ROTATION_FUZZ_SEED the seed.
 */
const RUNS = Number(process.env.ROTATION_FUZZ_RUNS ?? 24);
const SEED = Number(process.env.ROTATION_FUZZ_SEED ?? 20261123);

function generator(seed: number) {
  const next = seededRandom(seed);
  return { next, pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]! };
}

const work = mkdtempSync(path.join(tmpdir(), "rotation-fuzz-"));
function hostileFolder(): string {
  const dir = path.join(work, "hostile");
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "IWM.csv"), "Date,Close\n2024-07-15,2,900.5\n2024-07-16,2,956.35\n");
  writeFileSync(path.join(dir, "SPY.csv"), "\ufeffDate,Close\r\n2024-07-15,\u001b[31m550\r\n");
  writeFileSync(path.join(dir, "QQQ.csv"), Buffer.from([0, 1, 2, 255, 254, 10, 13]));
  writeFileSync(path.join(dir, "IJR.csv"), "");
  try {
    symlinkSync(path.join(dir, "IJH.csv"), path.join(dir, "IJH.csv"));
  } catch {
    // already there
  }
  return dir;
}

const VALUES = ["", " ", "0", "1", "5", "-1", "2.5", "99", "100", "252", "1e400", "NaN", "Infinity", "abc", "\u001b[31mred", "../x", "/etc/passwd", "2024-07-16", "2024-13-01", "0050-01-06", "IWM:SPY", "IWM:IWM", "^RUT:^GSPC", "a,b,,c", "x".repeat(300), "small:value=VBR", "none", "5,26", "json", "csv"];
const OPTIONS: Record<string, string[]> = {
  check: ["--window", "--threshold", "--as-of", "--pairs", "--small", "--large", "--format", "--timeout", "--max-age"],
  episodes: ["--window", "--threshold", "--gap", "--since", "--until", "--as-of", "--pairs", "--format"],
  rrg: ["--benchmark", "--symbols", "--period", "--tail", "--ratio-window", "--momentum-window", "--roc", "--smooth", "--as-of", "--format"],
  grid: ["--window", "--family", "--cells", "--benchmark", "--as-of", "--format"],
  chart: ["--since", "--as-of", "--window", "--gap", "--width", "--height"],
  history: ["--since", "--until", "--pairs", "--format"],
  valuation: ["--pairs", "--min-history", "--as-of", "--max-age", "--format"],
};
const FLAGS = ["--json", "--csv", "--lenient", "--partial", "--no-fallback", "--offline", "--no-color"];

describe(`fuzzing the CLI (${RUNS} seeded cases, seed ${SEED})`, () => {
  it("every run ends cleanly, with a documented exit code and clean output", async () => {
    const random = generator(SEED);
    const env = { ROTATION_YAHOO_URL: `http://127.0.0.1:${await closedPort()}`, ROTATION_CACHE_DIR: path.join(work, "cache"), ROTATION_VALUATION_STORE: path.join(work, "v.jsonl"), ROTATION_JOURNAL: path.join(work, "j.jsonl") };
    const folders = [FIXTURE_PRICES, hostileFolder(), path.join(work, "missing")];
    for (let run = 0; run < RUNS; run++) {
      const command = random.pick(Object.keys(OPTIONS));
      const args = [command];
      if (command === "chart") args.push(random.pick(["IWM:SPY", "IWM", "^RUT:SPY", "IWM:SPY,IJR:SPY", "\u001b:x"]));
      const options = OPTIONS[command]!;
      for (let k = Math.floor(random.next() * 4); k > 0; k--) args.push(random.pick(options), random.pick(VALUES));
      if (random.next() < 0.5) args.push(random.pick(FLAGS));
      if (command !== "history" && command !== "valuation") args.push("--data", random.pick(folders));
      const result = await runCliAsync(args, env);
      const where = `rotation ${JSON.stringify(args)}`;
      expect([0, 1, 2, 3, 130], where).toContain(result.status);
      for (const text of [result.stdout, result.stderr]) {
        expect(text, where).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
        // A word the user typed may be quoted back in an error; otherwise it must never appear.
        for (const word of ["NaN", "undefined", "Infinity"]) if (!args.some((a) => a.includes(word))) expect(text, where).not.toMatch(new RegExp(`\\b${word}\\b`));
        expect(text, where).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
      }
      if (args.includes("--json") && !args.includes("--csv") && !args.includes("--format") && result.stdout !== "") {
        expect(() => JSON.parse(result.stdout), where).not.toThrow();
      }
    }
  }, 300_000);
});

/**
 * The hostile surfaces of the reliability round: cache folders holding links, FIFOs and files
 * others may write; Yahoo answers whose bars are dated in the future, doubled, astronomical or
 * stamped out of range; webhook receivers that refuse, redirect or stall. Every run must end
 * with a documented exit code, clean output, and the files a link pointed at untouched.
 * A third of ROTATION_FUZZ_RUNS cases (8 in npm test).
 */
describe(`fuzzing hostile caches, bars and receivers (seed ${SEED})`, () => {
  it("never follows a planted link, never hangs on a special file, never reports garbage", async () => {
    const { FakeYahooServer } = await import("../helpers/yahoo-server.js");
    const { chartBody } = await import("../helpers/fake-yahoo.js");
    const { WebhookReceiver } = await import("../helpers/webhook.js");
    const { execFileSync } = await import("node:child_process");
    const { readFileSync, chmodSync } = await import("node:fs");
    const random = generator(SEED + 1);
    const yahoo = new FakeYahooServer();
    const receiver = new WebhookReceiver();
    const base = await yahoo.start();
    const hook = await receiver.start();
    const dates = Array.from({ length: 420 }, (_, i) => new Date(Date.UTC(2023, 0, 2) + i * 86_400_000)).filter((d) => d.getUTCDay() % 6 !== 0).map((d) => d.toISOString().slice(0, 10));
    const mutations: ((body: { chart: { result: { timestamp: number[]; indicators: { quote: { close: (number | null)[] }[]; adjclose: { adjclose: (number | null)[] }[] } }[] } }) => void)[] = [
      (b) => (b.chart.result[0]!.timestamp.push(Date.parse("2031-01-02T14:30:00Z") / 1000), b.chart.result[0]!.indicators.quote[0]!.close.push(1), b.chart.result[0]!.indicators.adjclose[0]!.adjclose.push(1)),
      (b) => (b.chart.result[0]!.indicators.adjclose[0]!.adjclose[7] = 1e308),
      (b) => (b.chart.result[0]!.indicators.quote[0]!.close[9] = 5e-324),
      (b) => (b.chart.result[0]!.timestamp[11] = 1e15),
      (b) => (b.chart.result[0]!.indicators.adjclose[0]!.adjclose[13] = null),
      (b) => {
        const r = b.chart.result[0]!;
        r.timestamp.splice(20, 0, r.timestamp[19]! + 60);
        r.indicators.quote[0]!.close.splice(20, 0, 999);
        r.indicators.adjclose[0]!.adjclose.splice(20, 0, 999);
      },
      () => undefined,
    ];
    yahoo.behaviour = ({ symbol }) => {
      let close = 100;
      const body = chartBody(symbol, dates.map((date) => ({ date, close: (close *= 1 + (random.next() - 0.5) * 0.04), adjclose: close }))) as Parameters<(typeof mutations)[number]>[0];
      random.pick(mutations)(body);
      return { status: 200, body: JSON.stringify(body) };
    };
    const victim = path.join(work, "victim.txt");
    writeFileSync(victim, "precious");
    const runs = Math.max(3, Math.round(RUNS / 3));
    try {
      for (let run = 0; run < runs; run++) {
        // A cache folder of this case's own, with a planted link, a FIFO or a file others may write.
        const cache = path.join(work, `hostile-cache-${run}`);
        mkdirSync(cache, { recursive: true, mode: 0o700 });
        const plant = random.pick(["link", "fifo", "open", "none"] as const);
        const target = path.join(cache, `${random.pick(["IWM", "SPY", "IJH"])}.json`);
        if (plant === "link") symlinkSync(victim, target);
        if (plant === "fifo") execFileSync("mkfifo", [target]);
        if (plant === "open") (writeFileSync(target, "{}"), chmodSync(target, 0o666));
        receiver.failFirst = receiver.requests + (random.next() < 0.3 ? 3 : 0);
        receiver.redirect = random.next() < 0.3 ? { from: "/hook", status: random.pick([301, 302, 307, 308]), to: "/moved" } : null;
        receiver.stallAfterAnswer = random.next() < 0.2;
        const journal = path.join(work, `hostile-${run}.jsonl`);
        const args = random.pick([
          ["check", "--small", "IWM", "--mid", "IJH", "--large", "SPY", "--json"],
          ["check", "--small", "IWM", "--mid", "IJH", "--large", "SPY", "--refresh"],
          ["log", "--small", "IWM", "--mid", "IJH", "--large", "SPY", "--journal", journal, "--notify", `${hook}/hook`, "--timeout", "2"],
          ["episodes", "--pairs", "IWM:SPY", "--json"],
        ]);
        const result = await runCliAsync(args, { ROTATION_YAHOO_URL: base, ROTATION_CACHE_DIR: cache, ROTATION_NOW: "2024-08-05T22:00:00Z" });
        const where = `rotation ${JSON.stringify(args)} (${plant})`;
        expect([0, 1, 2, 3], where).toContain(result.status);
        for (const text of [result.stdout, result.stderr]) {
          expect(text, where).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
          expect(text, where).not.toMatch(/\b(NaN|undefined|Infinity)\b|Invalid time value/);
          expect(text, where).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u0080-\u009f]/);
        }
        if (args.includes("--json") && result.stdout !== "") expect(() => JSON.parse(result.stdout), where).not.toThrow();
        expect(readFileSync(victim, "utf8"), where).toBe("precious");
      }
    } finally {
      await yahoo.stop();
      await receiver.stop();
    }
  }, 300_000);
});
