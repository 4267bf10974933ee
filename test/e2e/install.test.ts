import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { PROJECT_ROOT } from "../helpers/paths.js";

/** Every text a user is told to run: the README, the other docs, and the program's own sources. */
function documented(): { file: string; text: string }[] {
  const files = ["README.md", "CONTRIBUTING.md", ...readdirSync(path.join(PROJECT_ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
  const sources = (dir: string): string[] =>
    readdirSync(path.join(PROJECT_ROOT, dir)).flatMap((name) => {
      const rel = `${dir}/${name}`;
      return statSync(path.join(PROJECT_ROOT, rel)).isDirectory() ? sources(rel) : rel.endsWith(".ts") ? [rel] : [];
    });
  return [...files, ...sources("src")].map((file) => ({ file, text: readFileSync(path.join(PROJECT_ROOT, file), "utf8") }));
}

describe("a name nobody else owns", () => {
  it("the package is size-rotation; its command is rotation", () => {
    const manifest = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"));
    expect(manifest.name).toBe("size-rotation");
    expect(Object.keys(manifest.bin)).toEqual(["rotation"]);
  });

  it("no documented or printed command line runs `npx rotation` (which resolves the unrelated npm package of that name)", () => {
    const offending = documented().flatMap(({ file, text }) => text.split("\n").map((line, i) => ({ where: `${file}:${i + 1}`, line })).filter(({ line }) => /\bnpx\s+(?:-\S+\s+(?:\S+\s+)?)*rotation\b/.test(line)));
    expect(offending).toEqual([]);
  });

  it("rotation history's cron suggestion names this Node and this program by absolute path, and that program answers from any folder under cron's PATH", () => {
    const journal = path.join(mkdtempSync(path.join(tmpdir(), "rotation-install-")), "none.jsonl");
    const line = runCli(["history", "--journal", journal]).stdout.split("\n").find((l) => l.includes("30 22 * * 1-5"))!;
    const [, node, program] = /^\s+30 22 \* \* 1-5\s+(\S+)\s+(\S+) log --exit-code /.exec(line)!;
    expect(path.isAbsolute(node!)).toBe(true);
    expect(program).toBe(path.join(PROJECT_ROOT, "bin", "rotation.js"));
    const run = spawnSync(node!, [program!, "--version"], { cwd: tmpdir(), env: { PATH: "/usr/bin:/bin" }, encoding: "utf8" });
    expect(run.stdout.trim()).toBe(JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")).version);
  });

  it("the packed package installs into an empty prefix, and `rotation check --sample` answers from another folder", () => {
    const work = mkdtempSync(path.join(tmpdir(), "rotation-pack-"));
    const pack = spawnSync("npm", ["pack", "--ignore-scripts", "--pack-destination", work, "--json"], { cwd: PROJECT_ROOT, encoding: "utf8" });
    expect(pack.status, pack.stderr).toBe(0);
    const tarball = path.join(work, (JSON.parse(pack.stdout) as { filename: string }[])[0]!.filename);
    const prefix = path.join(work, "prefix");
    const install = spawnSync("npm", ["install", "-g", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", tarball], { cwd: work, encoding: "utf8", timeout: 240_000 });
    expect(install.status, install.stderr).toBe(0);
    const check = spawnSync(path.join(prefix, "bin", "rotation"), ["check", "--sample", "--as-of", "2024-07-16", "--pairs", "IWM:SPY", "--json"], { cwd: work, encoding: "utf8", env: { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, HOME: work } });
    expect(check.status, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout).pairs[0].surge.value).toBeCloseTo(0.0989, 4);
  }, 300_000);
});
