// Bundles tsc's output (dist/) into two CommonJS files, which bin/rotation.js loads:
//   dist/cli.cjs    the process entry: answers --version on its own, else loads the next one
//                   with V8's code cache (src/boot/load-entry-bundle.ts, src/boot/code-cache.ts)
//   dist/entry.cjs  everything else (src/entry.ts and all it imports).
// Measured with `npm run bench` on Node 20: sixty ES modules cost about 25 ms more to load than
// one file; CommonJS rather than an ES module bundle, because esbuild then loads each built-in
// module (crypto, zlib, child_process...) only when the code that uses it first runs, and an
// ES module bundle must import them all up front. Inside the bundle, modules stay lazy: our
// dynamic imports become deferred initialisers, so a command only runs the code it needs.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = (relative) => fileURLToPath(new URL(`../${relative}`, import.meta.url));

const common = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  // A CommonJS module has no import.meta: the bundle's own URL stands in for every module's
  // (src/package-root.ts is written so that this is right), and createRequire resolves from dist/.
  define: { "import.meta.url": "__rotationModuleUrl" },
  banner: { js: 'const __rotationModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  // Stack traces under ROTATION_DEBUG=1 point into dist/*.js, which ship beside the bundles.
  sourcemap: "linked",
  sourcesContent: false,
  logLevel: "warning",
  // Every start reads the whole bundle as text (V8 needs it beside the code cache): without
  // whitespace it is 363 KB instead of 536 (~1 ms of each start on Node 20 and 26). Names are
  // kept, and the source map still points into dist/*.js.
  minifyWhitespace: true,
  minifySyntax: true,
};

/**
 * commander requires node:child_process when it loads, for subcommands that are separate
 * executables (rotation has none), and child_process loads Node's net, dgram and stream
 * modules: ~2-3 ms of every start on Node 20. Its require is given an object that loads the
 * real module on first use instead (the same functions, called the same way).
 */
const lazyChildProcessForCommander = {
  name: "lazy-child-process-for-commander",
  setup(build) {
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: "child_process", namespace: "lazy-builtin" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, () => ({
      contents: 'let real;\nmodule.exports = new Proxy({}, { get: (_, key) => (real ??= require("node:child_process"))[key] });\n',
      loader: "js",
    }));
  },
};

/**
 * Bundles dist/ (tsc's output) into OUT/dist/entry.cjs and OUT/dist/cli.cjs. `replace` swaps
 * modules of dist/ for others (bench/pieces.mjs builds variants without a piece of start-up
 * machinery that way: { "dist/boot/process-output.js": "bench/variants/process-output.mjs" }).
 */
export async function bundle(out = root(""), replace = {}) {
  const swaps = Object.entries(replace).map(([from, to]) => [root(from), root(to)]);
  const swap = {
    name: "swap-modules",
    setup(build) {
      // At resolution, so that the replacement may itself import the module it replaces.
      build.onResolve({ filter: /^\./ }, (args) => {
        const target = path.resolve(args.resolveDir, args.path);
        const found = swaps.find(([from, to]) => from === target && args.importer !== to);
        return found ? { path: found[1] } : undefined;
      });
    },
  };
  const entryFile = path.join(out, "dist", "entry.cjs");
  await build({
    ...common,
    entryPoints: [root("dist/boot/entry.js")],
    outfile: entryFile,
    // Loaded from node_modules only when a live download needs them: they are large.
    external: ["yahoo-finance2", "yahoo-finance2/*", "undici"],
    plugins: [lazyChildProcessForCommander, swap],
  });

  // The build's identity, part of every code cache's name: a cache is only ever used with the bytes it was made from.
  const entryBuild = createHash("sha256").update(readFileSync(entryFile)).digest("hex").slice(0, 16);
  await build({
    ...common,
    entryPoints: [root("dist/boot/cli.js")],
    outfile: path.join(out, "dist", "cli.cjs"),
    plugins: [loadEntryBundle, swap],
    define: { ...common.define, ROTATION_ENTRY_BUILD: JSON.stringify(entryBuild) },
  });
}

/**
 * dist/boot/load-entry.js (a dynamic import of dist/boot/entry.js), swapped for
 * dist/boot/load-entry-bundle.js, which loads the bundle above with a code cache
 * (src/boot/code-cache.ts).
 */
const loadEntryBundle = {
  name: "load-entry-bundle",
  setup(build) {
    build.onResolve({ filter: /^\.\/load-entry\.js$/ }, () => ({ path: root("dist/boot/load-entry-bundle.js") }));
  },
};

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle();
