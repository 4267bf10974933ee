import type { FetchFunction, RetryPolicy } from "./sources/http.js";

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  /** Terminal width, when stdout is a terminal. */
  columns?: number;
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
  /** Overrides of the retry policy (tests shorten the waits). */
  retry?: Partial<RetryPolicy>;
}

export function processRuntime(): Runtime {
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    now: () => new Date(),
    fetch: (input, init) => globalThis.fetch(input, init),
  };
}
