import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { FIXTURE_PRICES, PROJECT_ROOT } from "../helpers/paths.js";

const work = mkdtempSync(path.join(tmpdir(), "rotation-completion-"));

function complete(words: string[], env: Record<string, string> = {}): string[] {
  const script = path.join(work, "rotation.bash");
  writeFileSync(script, runCli(["completion", "bash"]).stdout);
  const line = `source ${script}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _rotation; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return spawnSync("bash", ["-c", line], { encoding: "utf8", env: { PATH: process.env.PATH ?? "", ...env } }).stdout.trim().split("\n").filter(Boolean);
}

describe("shell completion, generated from the program", () => {
  it("the bash script parses, and rotation ch<TAB> offers check and chart", () => {
    const script = path.join(work, "check.bash");
    writeFileSync(script, runCli(["completion", "bash"]).stdout);
    expect(spawnSync("bash", ["-n", script]).status).toBe(0);
    expect(complete(["rotation", "ch"]).sort()).toEqual(["chart", "check"]);
  });

  it("completes options, their values, and tickers from the data folder", () => {
    expect(complete(["rotation", "check", "--as"])).toEqual(["--as-of"]);
    expect(complete(["rotation", "check", "--format", ""]).sort()).toEqual(["csv", "json", "ndjson", "table"]);
    expect(complete(["rotation", "rrg", "--period", "w"])).toEqual(["weekly"]);
    expect(complete(["rotation", "check", "--pairs", "IW"], { ROTATION_DATA: FIXTURE_PRICES }).sort()).toEqual(["IWB", "IWD", "IWF", "IWM", "IWN", "IWO", "IWP", "IWR"]);
  });

  it("zsh and fish scripts are generated too; an unknown shell is a usage error", () => {
    expect(runCli(["completion", "zsh"]).stdout).toMatch(/^#compdef rotation\n/);
    const fish = runCli(["completion", "fish"]).stdout;
    expect(fish).toContain("complete -c rotation -n __fish_use_subcommand -a grid");
    expect(fish).toMatch(/__fish_seen_subcommand_from check' -l window -x/);
    expect(runCli(["completion", "tcsh"]).status).toBe(2);
    expect(runCli(["completion", "tcsh"]).stderr).toBe('rotation: completion: the shell must be bash, zsh or fish, got "tcsh"\n');
    expect(runCli(["completion", "\u001b]0;x"]).stderr).toBe('rotation: completion: the shell must be bash, zsh or fish, got "?]0;x"\n');
  });

  it("the manual page is built from the same program and shipped", () => {
    const page = readFileSync(path.join(PROJECT_ROOT, "man", "rotation.1"), "utf8");
    for (const command of ["check", "log", "history", "episodes", "rrg", "grid", "chart", "report", "valuation", "config", "completion"]) expect(page).toContain(`\\fBrotation ${command}\\fR`);
    // Every environment variable the README lists is in the manual too.
    const readme = readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
    const listed = readme.slice(readme.indexOf("Environment variables:"), readme.indexOf("An\nunknown key")).match(/`[A-Z_]+`/g)!.map((name) => name.slice(1, -1));
    expect(listed).toEqual(expect.arrayContaining(["ROTATION_CSV_SNAPSHOTS", "ROTATION_WORKERS", "ROTATION_FRED_URL", "ROTATION_DEBUG"]));
    for (const variable of listed) expect(page).toContain(`\\fB${variable}\\fR`);
    expect(page).toContain("\\fB\\-\\-window\\fR");
    expect(runCli(["--help"]).stdout).toContain("Manual: man rotation");
  });
});
