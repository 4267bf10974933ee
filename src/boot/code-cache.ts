import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import vm from "node:vm";
import { replaceCacheFile } from "../fs-write.js";
import { isSystemFolder } from "../settings/paths.js";

/**
 * A CommonJS file compiled with V8's code cache: the bytecode of every function a run compiled,
 * kept in a file and handed to V8 on the next run, so that a command does not compile the same
 * half-megabyte bundle and its functions again on every start. Node's own compile cache (22+)
 * is written when a file is compiled, before any function has run, so it holds little beyond the
 * top level; this one is written after a run (`save`), with all that the run compiled.
 *
 * V8 checks a cache against its own version, its flags and the source's length, and refuses one
 * that does not match; the file's name carries the rest of the source's identity (a hash of the
 * build, size and modification time) so that a rebuilt file never meets an old cache. A cache is
 * code that will run: one not owned by this user, or writable by others, is never read.
 */

/** What became of the cache: read and used, none there yet, refused by V8, or not trusted. */
export type CodeCacheState = "used" | "absent" | "rejected" | "untrusted";

export interface CachedModule<T> {
  exports: T;
  state: CodeCacheState;
  /** Writes the cache, with everything compiled so far, unless the one read was used; true if written. */
  save(): boolean;
}

/** The cache file's name for a source file: what identifies the build, the runtime and the command. */
export function codeCacheFile(folder: string, source: { file: string; buildHash: string; size: number; mtimeMs: number }, command: string): string {
  const identity = `${source.buildHash}-${source.size.toString(36)}-${Math.trunc(source.mtimeMs).toString(36)}`;
  return path.join(folder, `${path.basename(source.file, path.extname(source.file))}-${identity}-node${process.versions.node}-${process.arch}-${command}.v8`);
}

/**
 * Reads a CommonJS file and runs it as `require` would, compiled with the cache at `cacheFile`
 * when that is there and trusted. `buildHash` names the exact build of the file.
 */
export function requireWithCodeCache<T>(file: string, buildHash: string, folder: string, command: string): CachedModule<T> {
  const { source, size, mtimeMs } = sourceOf(file);
  const cacheFile = codeCacheFile(folder, { file, buildHash, size, mtimeMs }, command);
  const { data, state: readState } = readTrusted(cacheFile);
  // The same wrapper as Node's, on the first line, so that line numbers in traces stay the file's.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n});`, { filename: file, cachedData: data });
  const state: CodeCacheState = data === undefined ? readState : script.cachedDataRejected === true ? "rejected" : "used";
  const module = { exports: {} as T, filename: file, id: file, loaded: false };
  const wrapper = script.runInThisContext() as (exports: T, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  module.loaded = true;
  return {
    exports: module.exports,
    state,
    save: () => state !== "used" && writeCache(folder, cacheFile, script.createCachedData()),
  };
}

/** The text and identity of one and the same file (read through one descriptor: never a file replaced in between). */
function sourceOf(file: string): { source: string; size: number; mtimeMs: number } {
  const fd = openSync(file, "r");
  try {
    const { size, mtimeMs } = fstatSync(fd);
    return { source: readFileSync(fd, "utf8"), size, mtimeMs };
  } finally {
    closeSync(fd);
  }
}

function readTrusted(cacheFile: string): { data?: Buffer; state: CodeCacheState } {
  let fd: number;
  try {
    fd = openSync(cacheFile, "r");
  } catch {
    return { state: "absent" };
  }
  try {
    const info = fstatSync(fd);
    const owner = process.getuid?.();
    if (!info.isFile() || (owner !== undefined && info.uid !== owner) || (info.mode & 0o022) !== 0) return { state: "untrusted" };
    return { data: readFileSync(fd), state: "absent" };
  } catch {
    return { state: "absent" };
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes the cache whole (replaceCacheFile); caches of earlier builds of the same file and
 * command are then removed (they can never match again).
 */
function writeCache(folder: string, cacheFile: string, data: Buffer): boolean {
  // A cache folder under /proc, /sys or /dev is refused by the command itself (exit 2); this is
  // the start-up's own guard, as a recursive mkdir there never returns.
  if (isSystemFolder(path.resolve(folder))) return false;
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
  } catch {
    return false;
  }
  if (!replaceCacheFile(cacheFile, data)) return false;
  removeEarlierBuilds(folder, path.basename(cacheFile));
  return true;
}

// <file>-<build>-<size>-<mtime>-node<version>-<arch>-<command>.v8: what codeCacheFile names.
const CACHE_NAME = /^(.+?)-[0-9a-f]+-[0-9a-z]+-[0-9a-z]+-(node[^-]+-[^-]+-[a-z0-9]+\.v8)$/;

/** Caches of other builds of the same file, for the same runtime and command; other Node versions stay. */
function removeEarlierBuilds(folder: string, kept: string): void {
  const ours = CACHE_NAME.exec(kept);
  if (ours === null) return;
  try {
    for (const name of readdirSync(folder)) {
      const other = CACHE_NAME.exec(name);
      if (name !== kept && other !== null && other[1] === ours[1] && other[2] === ours[2]) unlinkSync(path.join(folder, name));
    }
  } catch {
    // another run may be removing the same files
  }
}

/**
 * The command a cache is kept for: each command compiles functions of its own. A run that failed
 * or only printed help compiled too little to be worth keeping.
 */
export function codeCacheCommand(argv: readonly string[]): string {
  const word = argv[0];
  return word !== undefined && /^[a-z]{2,16}$/.test(word) ? word : "main";
}

export function worthCaching(argv: readonly string[], exitCode: number): boolean {
  // 3 is check's "a signal fired": a complete run.
  return (exitCode === 0 || exitCode === 3) && argv[0] !== "help" && !argv.some((word) => word === "--help" || word === "-h");
}
