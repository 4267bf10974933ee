// npm run bench:pieces: each piece of start-up machinery timed side by side with its removal,
// in alternating runs of the same process (median of BENCH_RUNS, default 11), with
// NODE_EXTRA_CA_CERTS unset (Node 20 reads that bundle at every start, ~35 ms, which would
// flatter every ratio). BENCH_NODE=... times another Node (the newest LTS). The removals are
// variant bundles built from the same dist/ with one module swapped (scripts/bundle.mjs), or
// the same bundle under a switch:
//   code cache        ROTATION_CODE_CACHE=0 (on Node 22+ this turns Node's own compile cache on instead)
//   WebAssembly       bench/variants/kernels.mjs: the same kernels as plain JavaScript loops
//   lazy loading      the live-download libraries and cli-table3 loaded at start (node --import / --require)
// (The direct stdout writer was measured here too, found to earn 1.0-1.5%, and removed in 0.4.0.)
//   table drawer      cli-table3 draws every table (the arithmetic drawer's fast path off)
// The decisions these figures support are in docs/performance.md.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundle } from "../scripts/bundle.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const shared = path.resolve(root, "../shared/prices");
const runs = Number(process.env.BENCH_RUNS ?? 11);
const node = process.env.BENCH_NODE ?? process.execPath;
const work = mkdtempSync(path.join(tmpdir(), "rotation-pieces-"));

/** A package folder whose dist/ is a variant bundle: bin copied (it loads ../dist), the rest linked. */
async function variant(name, replace, patch) {
  const dir = path.join(work, name);
  mkdirSync(path.join(dir, "dist"), { recursive: true });
  cpSync(path.join(root, "bin"), path.join(dir, "bin"), { recursive: true });
  for (const entry of ["package.json", "node_modules", "fixtures", "schema"]) symlinkSync(path.join(root, entry), path.join(dir, entry));
  await bundle(dir, replace);
  if (patch) {
    const file = path.join(dir, "dist", "entry.cjs");
    const text = readFileSync(file, "utf8");
    const patched = patch(text);
    if (patched === text) throw new Error(`variant ${name}: the patch changed nothing`);
    writeFileSync(file, patched);
  }
  return path.join(dir, "bin", "rotation.js");
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function once({ args, env = {}, nodeArgs = [] }) {
  const environment = { ...process.env, NO_COLOR: "1", ROTATION_CACHE_DIR: path.join(work, "cache"), ...env };
  delete environment.NODE_EXTRA_CA_CERTS;
  const started = process.hrtime.bigint();
  const result = spawnSync(node, [...nodeArgs, ...args], { env: environment, encoding: "utf8", maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0 && result.status !== 3) throw new Error(`${args.join(" ")}: exit ${result.status}\n${result.stderr}`);
  return { ms, stdout: result.stdout };
}

/** A and B alternating, after a warm-up of each (which also writes the code caches). */
function sideBySide(a, b) {
  once(a), once(b), once(a), once(b);
  const times = { a: [], b: [] };
  let same = true;
  for (let i = 0; i < runs; i++) {
    const [first, second] = i % 2 ? [b, a] : [a, b];
    const x = once(first);
    const y = once(second);
    (i % 2 ? times.b : times.a).push(x.ms);
    (i % 2 ? times.a : times.b).push(y.ms);
    if (x.stdout !== y.stdout) same = false;
  }
  return { with: median(times.a), without: median(times.b), same };
}

const bin = path.join(root, "bin", "rotation.js");
const check = ["check", "--data", shared, "--as-of", "2024-07-16", "--json"];
const checkTable = ["check", "--data", shared, "--as-of", "2024-07-16"];
const funds = ["IWM", "IJR", "IJH", "QQQ", "DIA", "MDYG", "IWC", "RSP", "VB", "VO", "VTI", "XLF", "XLK", "XLE", "XLV", "XLI", "XLY", "XLP", "XLU", "XLB"];
const episodes = ["episodes", "--data", shared, "--pairs", funds.map((f) => `${f}:SPY`).join(","), "--json"];
const nodeVersion = spawnSync(node, ["-p", "process.version"], { encoding: "utf8" }).stdout.trim();
const major = Number(nodeVersion.slice(1).split(".")[0]);

const withoutWasm = await variant("no-wasm", { "dist/core/kernels.js": "bench/variants/kernels.mjs" });
const withoutDrawer = await variant("no-drawer", {}, (text) => text.replace("if(!ONE_COLUMN_EACH.test(plain))return cliTable3(", "if(true)return cliTable3("));

const rows = [];
const row = (piece, command, measured, note = "") => {
  const gain = measured.without - measured.with;
  rows.push({ piece, command, with: measured.with, without: measured.without, gainMs: gain, gainShare: gain / measured.without, same: measured.same, note });
};
row("V8 code cache", "check --json", sideBySide({ args: [bin, ...check] }, { args: [bin, ...check], env: { ROTATION_CODE_CACHE: "0" } }), major >= 22 ? "without it: Node's own compile cache (module.enableCompileCache)" : "without it: no cache (Node 20 has none of its own)");
row("WebAssembly kernels", "check --json", sideBySide({ args: [bin, ...check] }, { args: [withoutWasm, ...check] }));
row("WebAssembly kernels", "episodes, 20 pairs --json", sideBySide({ args: [bin, ...episodes] }, { args: [withoutWasm, ...episodes] }));
row("lazy loading", "check --json", sideBySide({ args: [bin, ...check] }, { args: [bin, ...check], nodeArgs: ["--import", "yahoo-finance2", "--import", "undici", "--require", path.join(root, "node_modules", "cli-table3")] }), "without it: the download libraries and cli-table3 loaded at start");
row("table drawer", "check (table, piped)", sideBySide({ args: [bin, ...checkTable] }, { args: [withoutDrawer, ...checkTable] }));

const baseline = sideBySide({ args: ["-e", "0"] }, { args: ["-e", "0"] }).with;
console.log(`Node ${nodeVersion}, ${runs} alternating runs each, NODE_EXTRA_CA_CERTS unset; node -e 0: ${baseline.toFixed(1)} ms`);
console.log("| piece | command | with (ms) | without (ms) | gain | share of the command | same output |");
console.log("| --- | --- | ---: | ---: | ---: | ---: | --- |");
for (const r of rows) console.log(`| ${r.piece} | ${r.command} | ${r.with.toFixed(1)} | ${r.without.toFixed(1)} | ${r.gainMs.toFixed(1)} ms | ${(100 * r.gainShare).toFixed(1)}% | ${r.same ? "yes" : "NO"} |${r.note ? ` ${r.note}` : ""}`);
writeFileSync(path.join(root, "bench", `pieces-${nodeVersion}.json`), JSON.stringify({ node: nodeVersion, runs, baseline, rows }, null, 2));
