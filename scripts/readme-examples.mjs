// The README's examples, made by running them: every code block right after a line
// `<!-- example -->` starts with `$ rotation ARGS`, and the rest of the block is what that
// command prints on stdout with the clock pinned (ROTATION_NOW), no colour, no terminal and
// user folders of its own, on the bundled sample or fixtures/ only (no network).
// `<!-- example tail=N -->` shows only the last N lines of it (the README says so in prose).
//
//   node scripts/readme-examples.mjs          rewrite README.md's examples (npm run readme)
//   node scripts/readme-examples.mjs --check  exit 1 naming each example that differs
//
// test/readme-examples.test.ts runs the same comparison. Volatile parts are declared in
// VOLATILE: the repository's own path (shown as `.`); nothing else varies between runs.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const README = path.join(ROOT, "README.md");
/** The instant every example runs at. */
export const PINNED_NOW = "2026-12-04T12:00:00Z";
const MARKER = /^<!-- example(?: tail=(\d+))? -->$/;

/** Text that differs from machine to machine, and what the README shows instead. */
const VOLATILE = [[ROOT, "."]];

/** Each example: the line range of its block's content in the README, its arguments and its text. */
export function examplesOf(text) {
  const lines = text.split("\n");
  const examples = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = MARKER.exec(lines[i].trim());
    if (!marker) continue;
    if (!lines[i + 1]?.startsWith("```")) throw new Error(`README.md line ${i + 1}: an example marker must stand right before a code block`);
    const first = i + 2;
    let end = first;
    while (end < lines.length && !lines[end].startsWith("```")) end++;
    if (end === lines.length) throw new Error(`README.md line ${i + 2}: the example's code block never closes`);
    const command = /^\$ (?:npx )?rotation (.*)$/.exec(lines[first] ?? "");
    if (!command) throw new Error(`README.md line ${first + 1}: an example starts with "$ rotation ARGS"`);
    const tail = marker[1] === undefined ? undefined : Number(marker[1]);
    examples.push({ line: first + 1, first, end, tail, args: command[1].split(/\s+/).filter(Boolean), shown: lines.slice(first, end).join("\n") });
  }
  return examples;
}

/** What the README should show for an example: its command line, then what it prints. */
export function runExample(example) {
  const home = mkdtempSync(path.join(tmpdir(), "rotation-readme-"));
  try {
    const result = spawnSync(process.execPath, [path.join(ROOT, "bin", "rotation.js"), ...example.args], {
      cwd: ROOT,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", HOME: home, XDG_CACHE_HOME: path.join(home, "c"), XDG_DATA_HOME: path.join(home, "d"), XDG_CONFIG_HOME: path.join(home, "f"), ROTATION_NOW: PINNED_NOW, NO_COLOR: "1" },
      timeout: 60_000,
    });
    if (result.status !== 0 && result.status !== 3) throw new Error(`README.md line ${example.line}: rotation ${example.args.join(" ")} exited ${result.status}: ${result.stderr.trim()}`);
    let output = result.stdout.replace(/\n$/, "");
    for (const [from, to] of VOLATILE) output = output.split(from).join(to);
    if (example.tail !== undefined) output = output.split("\n").slice(-example.tail).join("\n");
    return `${example.shown.split("\n")[0]}\n${output}`;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

function main() {
  const check = process.argv.includes("--check");
  const text = readFileSync(README, "utf8");
  const lines = text.split("\n");
  const examples = examplesOf(text);
  const differing = [];
  // From the last, so that earlier line numbers stay right while blocks change length.
  for (const example of [...examples].reverse()) {
    const made = runExample(example);
    if (made === example.shown) continue;
    differing.push(`line ${example.line}: rotation ${example.args.join(" ")}`);
    lines.splice(example.first, example.end - example.first, ...made.split("\n"));
  }
  if (check) {
    if (differing.length > 0) {
      process.stderr.write(`README.md examples that differ from what the command prints (npm run readme rewrites them):\n${differing.reverse().join("\n")}\n`);
      process.exit(1);
    }
    process.stdout.write(`${examples.length} README examples match\n`);
    return;
  }
  if (differing.length > 0) writeFileSync(README, lines.join("\n"));
  process.stdout.write(`${examples.length} README examples, ${differing.length} rewritten\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
