import { fstatSync, writeSync } from "node:fs";
import type { OutputStream } from "../runtime.js";

/** Standard output or standard error: the Runtime's OutputStream, which cli.ts also flushes before exiting. */
export interface ProcessOutput extends OutputStream {
  /** false when the stream asks the writer to wait for `drain` (a pipe whose reader is slower). */
  write(text: string): boolean;
  /** Resolves once everything written so far has been handed to the system. */
  flushed(): Promise<void>;
}

/**
 * Past this much output, writes go through the stream: its asynchronous writes let the reader
 * of a pipe take one piece while the next is made (41 MB of `episodes --json` into a pipe was
 * ~5% slower written synchronously), and opening it is nothing beside such a report.
 */
const DIRECT_LIMIT = 1 << 20;

/**
 * fd 1 or 2. A file, a pipe or a socket is written with fs.writeSync, and Node's
 * process.stdout/stderr stream is not opened: for a pipe or a socket that stream loads Node's
 * net and stream modules, ~2-3 ms of every run on Node 20 (a `check` takes ~30 ms past a bare
 * start). The stream is used for a device (a terminal, /dev/null: whether it is a terminal is
 * the stream's to say, and the tty module would load net too), an fd that cannot be inspected,
 * output past DIRECT_LIMIT, and a non-blocking pipe that is full (EAGAIN): from then on every
 * write goes through it, after what was written directly. `onError` hears every failed write,
 * from either path.
 */
export function processOutput(fd: 1 | 2, onError: (error: NodeJS.ErrnoException) => void): ProcessOutput {
  let stream: NodeJS.WriteStream | undefined;
  const open = (): NodeJS.WriteStream => {
    if (stream === undefined) {
      stream = fd === 1 ? process.stdout : process.stderr;
      stream.on("error", onError);
    }
    return stream;
  };
  const direct = fileOrPipe(fd);
  let directBytes = 0;
  return {
    get isTTY() {
      return !direct && open().isTTY === true;
    },
    get columns() {
      return direct ? undefined : open().columns;
    },
    get rows() {
      return direct ? undefined : open().rows;
    },
    write(text: string): boolean {
      if (!direct || stream !== undefined || directBytes + text.length > DIRECT_LIMIT) return open().write(text);
      const bytes = Buffer.from(text, "utf8");
      directBytes += bytes.length;
      for (let offset = 0; offset < bytes.length; ) {
        try {
          offset += writeSync(fd, bytes, offset, bytes.length - offset);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === "EINTR") continue;
          if (code === "EAGAIN") return open().write(bytes.subarray(offset));
          onError(error as NodeJS.ErrnoException);
          return true;
        }
      }
      return true;
    },
    drain: () => new Promise<void>((resolve) => open().once("drain", () => resolve())),
    flushed: () =>
      new Promise<void>((resolve) => {
        if (stream === undefined || stream.destroyed || stream.writableEnded) resolve();
        else stream.write("", () => resolve());
      }),
  };
}

function fileOrPipe(fd: number): boolean {
  try {
    const stats = fstatSync(fd);
    return stats.isFile() || stats.isFIFO() || stats.isSocket();
  } catch {
    return false;
  }
}
