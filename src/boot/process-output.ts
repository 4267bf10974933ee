import type { OutputStream } from "../runtime.js";

/** Standard output or standard error: the Runtime's OutputStream, which cli.ts also flushes before exiting. */
export interface ProcessOutput extends OutputStream {
  /** false when the stream asks the writer to wait for `drain` (a pipe whose reader is slower). */
  write(text: string): boolean;
  /** Resolves once everything written so far has been handed to the system. */
  flushed(): Promise<void>;
}

/**
 * fd 1 or 2, through Node's process.stdout / process.stderr (synchronous for files and, on
 * Linux, pipes; asynchronous with backpressure where Node makes them so). Until 0.3 a file or
 * a pipe was written with fs.writeSync instead, to spare loading Node's net and stream modules;
 * measured side by side (bench/pieces.mjs, docs/performance.md) that saved 1.5 ms of a 144 ms
 * `check` on Node 20 and 1.0 ms on Node 26, under the 5% a piece of start-up machinery must
 * earn, so it went. `onError` hears every failed write (EPIPE included).
 */
export function processOutput(fd: 1 | 2, onError: (error: NodeJS.ErrnoException) => void): ProcessOutput {
  const stream = fd === 1 ? process.stdout : process.stderr;
  stream.on("error", onError);
  return {
    get isTTY() {
      return stream.isTTY === true;
    },
    get columns() {
      return stream.columns;
    },
    get rows() {
      return stream.rows;
    },
    write: (text: string): boolean => stream.write(text),
    writeBytes: (bytes: Uint8Array): boolean => stream.write(bytes),
    drain: () => new Promise<void>((resolve) => stream.once("drain", () => resolve())),
    flushed: () =>
      new Promise<void>((resolve) => {
        if (stream.destroyed || stream.writableEnded) resolve();
        else stream.write("", () => resolve());
      }),
  };
}
