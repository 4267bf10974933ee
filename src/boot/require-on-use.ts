import { createRequire } from "node:module";

/**
 * Loads a module synchronously where it is first needed: for what most runs never use (Node's
 * zlib and child_process, cli-table3, csv-parse), which a static import would load on every run.
 */
export const requireOnUse = createRequire(import.meta.url);
