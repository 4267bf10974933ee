import { lstatSync, statSync } from "node:fs";
import path from "node:path";

/**
 * Whether a cache file may be read back, or why not (one owner of the rule for every cache of
 * downloaded data): only a regular file of this user's (never a link, a FIFO that would block the
 * read, or a device), not writable by others, in a folder others cannot write (unless sticky),
 * and no larger than `maxBytes`. Null: trusted, or no file at all (the caller reads and finds none).
 */
export function untrustedCacheFile(file: string, maxBytes: number, what = "such file"): string | null {
  let stat;
  let folder;
  try {
    stat = lstatSync(file);
    folder = statSync(path.dirname(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    return `cache file ${file} is unreadable (${code ?? "error"})`;
  }
  if (stat.isSymbolicLink()) return `cache file ${file} is a link, not a file rotation wrote (not trusted)`;
  if (!stat.isFile()) return `cache file ${file} is not a regular file (not trusted)`;
  if ((stat.mode & 0o022) !== 0) return `cache file ${file} is writable by other users (not trusted: chmod 600 it, or remove it)`;
  if (process.getuid !== undefined && stat.uid !== process.getuid()) return `cache file ${file} belongs to another user (not trusted)`;
  if ((folder.mode & 0o022) !== 0 && (folder.mode & 0o1000) === 0) return `cache folder ${path.dirname(file)} is writable by other users, so its files are not trusted (chmod 700 ${path.dirname(file)})`;
  if (stat.size > maxBytes) return `cache file ${file} is larger than any ${what} (${stat.size} bytes; not trusted)`;
  return null;
}
