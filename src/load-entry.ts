/**
 * Loads everything past `--version` (src/entry.ts). The build swaps this module for one that
 * requires the CommonJS bundle dist/entry.cjs (scripts/bundle.mjs); run from source or from
 * tsc's output it is a plain dynamic import.
 */
export const loadEntry = (): Promise<typeof import("./entry.js")> => import("./entry.js");
