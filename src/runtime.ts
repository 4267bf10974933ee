import type { FetchFunction, RetryPolicy } from "./sources/http.js";
import { fetchForEnvironment } from "./sources/proxy.js";

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  /** Terminal width, when stdout is a terminal. */
  columns?: number;
  /** Terminal height, when stdout is a terminal. */
  rows?: number;
  /**
   * Resolves once the stream can take more, after a write returned false (a pipe whose reader is
   * slower than we write): long reports wait for it rather than queue megabytes in memory.
   */
  drain?: () => Promise<void>;
  /**
   * UTF-8 bytes written as they are, where nothing is done to the text on its way (no terminal
   * to wrap it for, no pager to hold it): a worker thread's lines are encoded there, not again
   * on the main thread. Absent: decode and `write`.
   */
  writeBytes?: (bytes: Uint8Array) => unknown;
}

/**
 * Everything a command may touch of the outside world, passed in so that tests can give their
 * own (a fake fetch, a fixed clock, a temporary folder) without mocking modules.
 */
export interface Runtime {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  stdout: OutputStream;
  stderr: OutputStream;
  now: () => Date;
  fetch: FetchFunction;
  /** Standard input, for `--pairs-file -` (the process's own when absent). */
  stdin?: () => NodeJS.ReadableStream;
  /** Overrides of the retry policy (tests shorten the waits). */
  retry?: Partial<RetryPolicy>;
}

/**
 * ROTATION_NOW pins the clock to an instant (ISO 8601), to reproduce what a run at that time
 * did (an open session, a cache's age); anything unreadable is ignored.
 */
function clockFor(env: Runtime["env"]): () => Date {
  const pinned = env.ROTATION_NOW ? Date.parse(env.ROTATION_NOW) : Number.NaN;
  return Number.isNaN(pinned) ? () => new Date() : () => new Date(pinned);
}

/** The process's runtime; its standard output and error come from src/boot/process-output.ts (src/boot/cli.ts). */
export function processRuntime(outputs: Pick<Runtime, "stdout" | "stderr">): Runtime {
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: outputs.stdout,
    stderr: outputs.stderr,
    now: clockFor(process.env),
    fetch: fetchForEnvironment(process.env),
  };
}
