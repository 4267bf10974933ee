import { accessSync, closeSync, constants, fchmodSync, fchownSync, fstatSync, fsyncSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { DataError } from "./errors.js";
import { fileError } from "./fs-errors.js";

/**
 * Refuses a file that is read-only, by its mode bits as well as by access(2): root may write
 * anything, but a file someone made read-only is a decision rotation must not overrule.
 */
export function assertWritable(file: string, mode: number, what: string): void {
  let writable = (mode & 0o222) !== 0;
  if (writable) {
    try {
      accessSync(file, constants.W_OK);
    } catch {
      writable = false;
    }
  }
  if (!writable) throw new DataError(`${what} ${file} is read-only; refusing to change it (make it writable to allow)`);
}

/**
 * Writes a whole file without ever destroying what was not ours to replace:
 * - a regular file is replaced atomically (temporary file, fsync, rename), keeping its mode;
 *   a read-only one is refused, never widened or bypassed;
 * - a FIFO or a device (/dev/stdout, /dev/null) is written in place, never replaced by a file;
 * - a folder or a socket is refused;
 * - a new path is created with `mode`.
 */
export async function writeWholeFile(file: string, text: string | (() => Iterable<string>), options: { what: string; mode: number; fsync?: boolean }): Promise<void> {
  let info;
  try {
    info = statSync(file, { throwIfNoEntry: false });
  } catch (error) {
    throw fileError(`cannot write ${options.what}`, file, error);
  }
  if (info && !info.isFile()) {
    if (info.isDirectory()) throw new DataError(`cannot write ${options.what} ${file} (EISDIR: is a folder, not a file)`);
    if (info.isSocket()) throw new DataError(`cannot write ${options.what} ${file} (a socket, not a file)`);
    try {
      if (typeof text === "string") writeFileSync(file, text);
      else {
        const fd = openSync(file, "w");
        try {
          for (const piece of text()) writeSync(fd, piece);
        } finally {
          closeSync(fd);
        }
      }
    } catch (error) {
      throw fileError(`cannot write ${options.what}`, file, error);
    }
    return;
  }
  if (info) assertWritable(file, info.mode, options.what);
  if (typeof text !== "string") {
    try {
      writePiecesAtomically(info ? realpathSync(file) : file, text, info ? { mode: info.mode & 0o7777, uid: info.uid, gid: info.gid } : { mode: options.mode }, options.fsync ?? true);
    } catch (error) {
      if (error instanceof DataError) throw error;
      throw fileError(`cannot write ${options.what}`, file, error);
    }
    return;
  }
  const { default: writeFileAtomic } = await import("write-file-atomic");
  try {
    // Without a mode, write-file-atomic keeps the mode of the file it replaces.
    await writeFileAtomic(file, text, info ? { fsync: options.fsync ?? true } : { mode: options.mode, fsync: options.fsync ?? true });
  } catch (error) {
    throw fileError(`cannot write ${options.what}`, file, error);
  }
}

/**
 * The one rule for writing a file whole: `write` fills a temporary file beside the target,
 * created exclusively ("wx": never through a link or over a file someone else put there) with
 * `mode` set exactly (a umask never widens or narrows it) and, as root, the owner kept; fsynced
 * when asked; then renamed over the target, so that a reader sees the old file or the new one,
 * never half of one. On failure the temporary file is removed and the error thrown as it is.
 */
function writeThenRename(target: string, write: (fd: number) => void, keep: { mode: number; uid?: number; gid?: number }, fsync: boolean): void {
  const temporary = `${target}.${process.pid}.tmp`;
  const fd = openSync(temporary, "wx", keep.mode);
  try {
    fchmodSync(fd, keep.mode);
    if (keep.uid !== undefined && keep.gid !== undefined && process.getuid?.() === 0) fchownSync(fd, keep.uid, keep.gid);
    write(fd);
    if (fsync) fsyncSync(fd);
    closeSync(fd);
    renameSync(temporary, target);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    try {
      unlinkSync(temporary);
    } catch {
      // nothing to remove
    }
    throw error;
  }
}

/**
 * A large file written piece by piece (never whole in memory) with write-file-atomic's rules:
 * beside the target's real path (a link's, as that library does), the old file's mode (and
 * owner, as root) kept, or `mode` for a new one.
 */
function writePiecesAtomically(target: string, pieces: () => Iterable<string>, keep: { mode: number; uid?: number; gid?: number }, fsync: boolean): void {
  writeThenRename(target, (fd) => {
    for (const piece of pieces()) writeSync(fd, piece);
  }, keep, fsync);
}

/**
 * A file of ours written whole (writeThenRename), mode 0600 unless said; a link at `target` is
 * replaced by the file, never followed. Throws the file system's error; leaves no temporary file.
 */
export function replaceFile(target: string, bytes: Uint8Array, options: { mode?: number; fsync?: boolean } = {}): void {
  writeThenRename(target, (fd) => {
    for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written);
  }, { mode: options.mode ?? 0o600 }, options.fsync ?? false);
}

/**
 * A cache file (a price snapshot, compiled code) written whole by replaceFile. A cache only
 * ever saves time: any failure leaves what was there and says false.
 */
export function replaceCacheFile(target: string, bytes: Uint8Array): boolean {
  try {
    replaceFile(target, bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Appends a line to a file of ours, creating it 0600: never through a link (O_NOFOLLOW: a link
 * there is an error), never to a FIFO or a device. Throws the file system's error.
 */
export function appendToOwnFile(file: string, text: string): void {
  const fd = openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o600);
  try {
    if (!fstatSync(fd).isFile()) throw Object.assign(new Error(`${file} is not a regular file`), { code: "EINVAL" });
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/**
 * Appends bytes to a cache file of ours in one write, fsynced, creating it 0600: never through a
 * link (O_NOFOLLOW), never to anything but a regular file of this user that others cannot
 * write (a FIFO, a device, a file planted by someone else: an error). Throws the error.
 */
export function appendToCacheFile(file: string, bytes: Uint8Array): void {
  const fd = openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o600);
  try {
    const stat = fstatSync(fd);
    const others = (stat.mode & 0o022) !== 0 || (process.getuid !== undefined && stat.uid !== process.getuid());
    if (!stat.isFile() || others) throw Object.assign(new Error(`${file} is not a private file of this user`), { code: "EPERM" });
    for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
