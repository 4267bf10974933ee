// Replaces tsc's dist/entry.js (run and processRuntime, which dist/cli.js imports once it knows
// the command line is more than --version) by a bundle of it and everything it imports: on
// Node 20 one module loads about 20 ms faster than the sixty a `check` otherwise reads
// (measured with `npm run bench`). Modules stay lazy inside it: esbuild turns our dynamic
// imports into deferred initialisers, so a command still only runs the code it needs.
// `rotation --version` never loads it.
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";

const root = (relative) => fileURLToPath(new URL(`../${relative}`, import.meta.url));
const outfile = root("dist/entry.js");
const BANNER_MARK = "__rotationCreateRequire";
// Bundling the bundle would declare `require` twice: tsc must have written dist/entry.js afresh.
if (readFileSync(outfile, "utf8").includes(BANNER_MARK)) {
  console.error("bundle: dist/entry.js is already a bundle; run tsc -p tsconfig.build.json first (npm run build does)");
  process.exit(1);
}

// Loaded only when needed, from node_modules: the Yahoo client and the proxy agent are large
// and only a live download uses them.
const external = ["yahoo-finance2", "yahoo-finance2/*", "undici"];

await build({
  entryPoints: [root("dist/entry.js")],
  outfile,
  allowOverwrite: true,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external,
  // Commander and other CommonJS dependencies call require(), and write-file-atomic reads
  // __filename (to seed its temporary names): an ES module has neither of its own.
  banner: {
    js: [
      `import { createRequire as ${BANNER_MARK} } from "node:module";`,
      'import { fileURLToPath as __rotationFileURLToPath } from "node:url";',
      `const require = ${BANNER_MARK}(import.meta.url);`,
      "const __filename = __rotationFileURLToPath(import.meta.url);",
    ].join("\n"),
  },
  // Stack traces under ROTATION_DEBUG=1 point into dist/*.js, which ship beside the bundle.
  sourcemap: "linked",
  sourcesContent: false,
  logLevel: "warning",
});

// A static import of an external package would be hoisted to the top of the bundle and load
// on every run: only Node's own modules may be imported there.
const eager = [...readFileSync(outfile, "utf8").matchAll(/^import\s[^;]*?from\s*"([^"]+)"/gm)].map((m) => m[1]).filter((name) => !name.startsWith("node:") && !builtinModules.includes(name));
if (eager.length > 0) {
  console.error(`bundle: ${eager.join(", ")} would load on every run; import them with import() instead`);
  process.exit(1);
}
