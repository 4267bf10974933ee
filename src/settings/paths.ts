import { statSync } from "node:fs";
import path from "node:path";
import { printable } from "../core/text.js";
import envPaths from "env-paths";
import { UsageError } from "../errors.js";

type Env = Readonly<Record<string, string | undefined>>;

/** The user folders and every file path a setting can name: the one owner of where things live. */

/** A path with a NUL byte cannot name a file; say so instead of failing deep in fs. */
export function checkedPath(value: string, what: string): string {
  if (value.includes("\0")) throw new UsageError(`${what}: a path cannot contain a NUL byte`);
  return value;
}

export function userConfigDir(env: Env): string {
  if (env.XDG_CONFIG_HOME) return path.join(env.XDG_CONFIG_HOME, "rotation");
  return envPaths("rotation", { suffix: "" }).config;
}

export function userCacheDir(env: Env, configured?: string): string {
  if (env.ROTATION_CACHE_DIR) return env.ROTATION_CACHE_DIR;
  if (configured) return configured;
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, "rotation");
  return envPaths("rotation", { suffix: "" }).cache;
}

/** The cache folder as a run uses it: absolute, from the environment, a config file or the user folders; never a system folder. */
export function resolvedCacheDir(configured: string | undefined, env: Env, cwd: string): string {
  return usableFolder(path.resolve(cwd, checkedPath(userCacheDir(env, configured), "the cache folder")), "the cache folder (ROTATION_CACHE_DIR)");
}

/** /proc, /sys and /dev: folders where creating a folder can never succeed and may never end (Node's recursive mkdir loops there). */
export function isSystemFolder(folder: string): boolean {
  return /^\/(proc|sys|dev)(\/|$)/.test(folder);
}

export function userDataDir(env: Env): string {
  if (env.ROTATION_DATA_HOME) return env.ROTATION_DATA_HOME;
  if (env.XDG_DATA_HOME) return path.join(env.XDG_DATA_HOME, "rotation");
  return envPaths("rotation", { suffix: "" }).data;
}

/** --journal, else ROTATION_JOURNAL, else a config file's journal, else the user data folder. */
export function journalPath(flag: string | undefined, env: Env, cwd: string): string {
  if (flag) return path.resolve(cwd, checkedPath(flag, "--journal"));
  if (env.ROTATION_JOURNAL) return path.resolve(cwd, checkedPath(env.ROTATION_JOURNAL, "ROTATION_JOURNAL"));
  return path.join(checkedPath(userDataDir(env), "ROTATION_DATA_HOME"), "journal.jsonl");
}

/** --store, else ROTATION_VALUATION_STORE, else valuation.jsonl in the user data folder. */
export function valuationStorePath(flag: string | undefined, env: Env, cwd: string): string {
  if (flag) return path.resolve(cwd, checkedPath(flag, "--store"));
  if (env.ROTATION_VALUATION_STORE) return path.resolve(cwd, checkedPath(env.ROTATION_VALUATION_STORE, "ROTATION_VALUATION_STORE"));
  return path.join(userDataDir(env), "valuation.jsonl");
}

/** An output file named on the command line, resolved against the working folder; "-" is standard output. */
export function outputPath(file: string | undefined, option: string, cwd: string): string | undefined {
  if (file === "-") return "-";
  return file === undefined ? undefined : path.resolve(cwd, checkedPath(file, option));
}

/**
 * A folder rotation may create files in: not a file, and not inside the kernel's virtual file
 * systems (/proc, /sys, /dev), where creating folders can never succeed and may never end.
 * Called where the folder is used (opening a source), so that plans stay free of I/O.
 */
export function usableFolder(folder: string, what: string): string {
  if (isSystemFolder(folder)) throw new UsageError(`${what}: ${printable(folder, 60)} is a system folder, not usable for files`);
  let info;
  try {
    info = statSync(folder, { throwIfNoEntry: false });
  } catch {
    return folder;
  }
  if (info && !info.isDirectory()) throw new UsageError(`${what}: ${printable(folder, 60)} is not a folder`);
  return folder;
}
