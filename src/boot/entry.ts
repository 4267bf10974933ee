/**
 * Everything a command line needs beyond `--version`: `npm run build` bundles it, with all it
 * imports, into dist/entry.cjs (scripts/bundle.mjs), which dist/cli.cjs loads.
 */
export { run } from "../run.js";
export { processRuntime } from "../runtime.js";
export { useImporter } from "./external.js";
