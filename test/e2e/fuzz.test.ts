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
