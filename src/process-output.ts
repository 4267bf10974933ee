import { fstatSync, writeSync } from "node:fs";

/** Standard output or standard error, as the program writes to them. */
export interface ProcessOutput {
  /** false when the stream asks the writer to wait for `drain` (a pipe whose reader is slower). */
  write(text: string): boolean;
  isTTY: boolean;
  readonly columns: number | undefined;
  readonly rows: number | undefined;
  drain(): Promise<void>;
  /** Resolves once everything written so far has been handed to the system. */
  flushed(): Promise<void>;
}

/**
 * fd 1 or 2. A file, a pipe or a socket is written with fs.writeSync, and Node's
 * process.stdout/stderr stream is never opened: for a pipe or a socket that stream loads Node's
 * net and stream modules, ~2-3 ms of every run on Node 20 (a `check` takes ~30 ms past a bare
 * start). A device (a terminal, /dev/null: whether it is a terminal is the stream's to say; the
 * tty module would load net too), an fd that cannot be inspected, and a non-blocking pipe that
 * is full (EAGAIN: the rest, and every later write, go through the stream, which waits for the
 * reader) use the stream, as Node would. `onError` hears every failed write, from either path.
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
      if (!direct || stream !== undefined) return open().write(text);
      const bytes = Buffer.from(text, "utf8");
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
