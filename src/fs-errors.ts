import { DataError, errorMessage } from "./errors.js";
import { printable } from "./core/text.js";

/** What each file-system error code means, in words a user can act on. */
const MEANINGS: Record<string, string> = {
  ENOENT: "no such file or folder",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "is a folder, not a file",
  ENOTDIR: "a part of the path is not a folder",
  ELOOP: "too many symbolic links (a link loop?)",
  ENAMETOOLONG: "the name is too long",
  EROFS: "the file system is read-only",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EMFILE: "too many open files",
  EBUSY: "the file is busy",
  EEXIST: "already exists",
  EIO: "an input/output error",
  EBADF: "not open for writing",
};

/** A file-system failure in a few words: "ENOENT: no such file or folder". */
export function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const meaning = code ? MEANINGS[code] : undefined;
  return code ? (meaning ? `${code}: ${meaning}` : code) : printable(errorMessage(error), 80);
}

/** A one-line DataError for a file-system failure, naming the path, the code and what it means. */
export function fileError(what: string, file: string, error: unknown): DataError {
  return new DataError(`${what} ${file} (${fileProblem(error)})`);
}
