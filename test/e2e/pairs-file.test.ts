import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectCleanOutput, runCli } from "../helpers/cli.js";

const work = mkdtempSync(path.join(tmpdir(), "rotation-pairs-file-"));
const AS_OF = ["--sample", "--as-of", "2024-07-16", "--no-context"];

function file(name: string, text: string): string {
  const target = path.join(work, name);
  writeFileSync(target, text);
  return target;
}

describe("--pairs-file", () => {
  it("reads one pair a line, with comments, blank lines, CRLF and a BOM, as --pairs would", () => {
    const list = file("pairs.txt", "\uFEFF# small against large\r\nIWM:SPY\r\n\r\n  IJR:SPY   # the S&P 600\r\nIJH:SPY\nIWM:SPY\n");
    const fromFile = runCli(["check", ...AS_OF, "--pairs-file", list, "--json"]);
    const fromFlag = runCli(["check", ...AS_OF, "--pairs", "IWM:SPY,IJR:SPY,IJH:SPY", "--json"]);
    expect(fromFile.status).toBe(0);
    expectCleanOutput(fromFile);
    expect(JSON.parse(fromFile.stdout).pairs.map((p: { pair: string }) => p.pair)).toEqual(["IWM:SPY", "IJR:SPY", "IJH:SPY"]);
    expect(fromFile.stdout).toBe(fromFlag.stdout);
  });

  it("- reads standard input", () => {
    const result = runCli(["check", ...AS_OF, "--pairs-file", "-", "--format", "ndjson"], {}, undefined, "IWM:QQQ\n");
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split("\n").map((line) => JSON.parse(line).pair)).toEqual(["IWM:QQQ"]);
  });

  it("every command that takes --pairs takes --pairs-file, and reads the same pairs", () => {
    const list = file("two.txt", "IWM:SPY\nIJR:SPY\n");
    for (const command of ["episodes", "drivers", "valuation"]) {
      const args = command === "valuation" ? [command, "--offline", "--json"] : [command, ...AS_OF.filter((a) => a !== "--no-context"), "--json"];
      const fromFile = runCli([...args, "--pairs-file", list]);
      const fromFlag = runCli([...args, "--pairs", "IWM:SPY,IJR:SPY"]);
      expect(fromFile.status, `${command}: ${fromFile.stderr}`).toBe(fromFlag.status);
      expect(fromFile.stdout, command).toBe(fromFlag.stdout);
    }
    const rrg = runCli(["rrg", "--sample", "--as-of", "2024-07-16", "--json", "--pairs-file", list]);
    expect(rrg.status).toBe(0);
    expect(JSON.parse(rrg.stdout).benchmark).toBe("SPY");
    for (const command of ["check", "log", "history", "valuation", "episodes", "rrg", "drivers", "report"]) {
      expect(runCli([command, "--help"]).stdout, command).toContain("--pairs-file <file>");
    }
  });

  it("a bad line is named by its file and line, a missing file by its name, both flags at once refused: exit 2, one line", () => {
    const bad = file("bad.txt", "IWM:SPY\n# fine\nIWM-SPY\n");
    const cases: [string[], string, string?][] = [
      [["--pairs-file", bad], `rotation: ${bad}:3: "IWM-SPY" is not a pair; write it as SMALL:LARGE, e.g. IWM:SPY\n`],
      [["--pairs-file", path.join(work, "none.txt")], `rotation: --pairs-file ${path.join(work, "none.txt")}: cannot read it (ENOENT: no such file or folder)\n`],
      [["--pairs-file", work], `rotation: --pairs-file ${work}: cannot read it (EISDIR: is a folder, not a file)\n`],
      [["--pairs-file", file("empty.txt", "# nothing yet\n\n")], `rotation: --pairs-file ${path.join(work, "empty.txt")}: no pair in it (one SMALL:LARGE a line, e.g. IWM:SPY)\n`],
      [["--pairs-file", bad, "--pairs", "IWM:SPY"], "rotation: --pairs and --pairs-file say the same thing: give one or the other\n"],
      [["--pairs-file", "-"], "rotation: standard input:1: SPY:SPY compares a ticker with itself\n", "SPY:SPY\n"],
    ];
    for (const [args, message, input] of cases) {
      const result = runCli(["check", ...AS_OF, ...args], {}, undefined, input);
      expect(result.status, args.join(" ")).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toBe(message);
    }
  });

  it("takes a list far longer than a command line may be (5,000 pairs)", () => {
    const tickers = Array.from({ length: 5000 }, (_, i) => `Z${i.toString(36).toUpperCase()}`);
    const list = file("long.txt", `${tickers.map((t) => `${t}:SPY`).join("\n")}\n`);
    const result = runCli(["check", ...AS_OF, "--pairs-file", list, "--partial", "--json"]);
    // None of these funds is in the sample: the first twelve are named and the rest counted, which
    // proves all 5,000 were read, in one line of a readable length.
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`rotation: the bundled sample has no ${tickers.slice(0, 12).join(", ")} and 4,988 more; it covers IWM, IJR, IJH, SPY, QQQ, IJS, IJT, IJJ, IJK, IVE, IVV, IVW, IWN, IWO, IWR, IWP, IWD, IWB, IWF (daily closes to 2026-08-03)\n`);
  });
});
