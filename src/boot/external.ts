/**
 * Packages kept outside the bundle (yahoo-finance2 and undici: large, and needed only for a live
 * download or a proxy) are imported through here. The bundle is compiled with V8's code cache
 * (src/boot/code-cache.ts), where a script has no `import()` of its own; the loader that compiled it
 * hands over one of a module that has (`useImporter`).
 */
import { useNodeCompileCache } from "./node-compile-cache.js";

type Importer = (specifier: string) => Promise<unknown>;

let importer: Importer = (specifier) => import(specifier);

export function useImporter(next: Importer): void {
  importer = next;
}

function importExternal(specifier: string): Promise<unknown> {
  useNodeCompileCache();
  return importer(specifier);
}

export const importYahooFinance = () => importExternal("yahoo-finance2") as Promise<typeof import("yahoo-finance2")>;
export const importYahooCookieJar = () => importExternal("yahoo-finance2/lib/cookieJar") as Promise<typeof import("yahoo-finance2/lib/cookieJar")>;
export const importUndici = () => importExternal("undici") as Promise<typeof import("undici")>;
