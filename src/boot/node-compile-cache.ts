import nodeModule from "node:module";

/**
 * Node 22+ can keep what its module loader compiles between runs (Node 20 cannot). Turned on
 * only just before that loader compiles something large: the externals of a live download
 * (yahoo-finance2, undici), or the bundle when our own code cache is off. The bundle is otherwise
 * compiled from src/boot/code-cache.ts's cache, and turning Node's on at every start cost ~1 ms
 * (Node 26: `--version` 1.10x -> 1.05x a bare start) for nothing it then compiled.
 */
export function useNodeCompileCache(): void {
  (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
}
