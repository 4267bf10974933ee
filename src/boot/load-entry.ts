/** src/boot/entry.ts, loaded, and what to do once the run is over. */
export interface LoadedEntry {
  entry: typeof import("./entry.js");
  finished(exitCode: number): void;
}

/**
 * Loads everything past `--version` (src/boot/entry.ts). The build swaps this module for
 * src/boot/load-entry-bundle.ts, which loads the CommonJS bundle dist/entry.cjs with a code cache
 * (scripts/bundle.mjs); run from source or from tsc's output it is a plain dynamic import.
 */
export const loadEntry = async (_env: Readonly<Record<string, string | undefined>>, _argv: readonly string[]): Promise<LoadedEntry> => ({
  entry: await import("./entry.js"),
  finished: () => undefined,
});
