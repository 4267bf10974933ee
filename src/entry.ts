/**
 * Everything a command line needs beyond `--version`, in one module: `npm run build` replaces
 * its compiled form (dist/entry.js) by a bundle of it and all it imports (scripts/bundle.mjs),
 * because on Node 20 one file loads about 20 ms faster than the sixty a `check` would read.
 */
export { run } from "./run.js";
export { processRuntime } from "./runtime.js";
