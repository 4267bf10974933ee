import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { codeCacheCommand, requireWithCodeCache, worthCaching } from "./code-cache.js";
import type { LoadedEntry } from "./load-entry.js";
import { useNodeCompileCache } from "./node-compile-cache.js";
import { userCacheDir } from "../settings/paths.js";

/** A hash of dist/entry.cjs as built, set by scripts/bundle.mjs when it bundles this module. */
declare const ROTATION_ENTRY_BUILD: string;

/**
 * What dist/cli.cjs uses in place of src/boot/load-entry.ts: dist/entry.cjs, compiled with the code
 * cache kept in `<cache folder>/code/` (src/boot/code-cache.ts). The cache folder is ROTATION_CACHE_DIR
 * or the default one: a config file is read later, by the code being loaded. With
 * ROTATION_CODE_CACHE=0, or ROTATION_DEBUG=1 (whose source map must name the sources), the
 * bundle is required as it is.
 */
export async function loadEntry(env: Readonly<Record<string, string | undefined>>, argv: readonly string[]): Promise<LoadedEntry> {
  const file = fileURLToPath(new URL("entry.cjs", import.meta.url));
  if (env.ROTATION_DEBUG === "1" || env.ROTATION_CODE_CACHE === "0") {
    useNodeCompileCache();
    return { entry: createRequire(file)(file) as LoadedEntry["entry"], finished: () => undefined };
  }
  const loaded = requireWithCodeCache<LoadedEntry["entry"]>(file, ROTATION_ENTRY_BUILD, path.join(userCacheDir(env), "code"), codeCacheCommand(argv));
  // A script compiled this way has no import() of its own: this module's serves it.
  loaded.exports.useImporter((specifier) => import(specifier));
  return {
    entry: loaded.exports,
    finished: (exitCode) => {
      if (worthCaching(argv, exitCode)) loaded.save();
    },
  };
}
