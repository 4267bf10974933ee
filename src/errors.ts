/**
 * Every failure the user can cause or meet has a type and an exit code, so the single
 * catch in run.ts (runCommand) can turn it into one line on stderr and the documented status.
 */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  signal: 3,
  interrupted: 130,
} as const;

export class RotationError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad options, bad tickers, bad config: the caller must change the command (exit 2). */
export class UsageError extends RotationError {
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}

/** Missing, corrupt or unusable data: files, cache, journal (exit 1). */
export class DataError extends RotationError {
  constructor(message: string) {
    super(message, ExitCode.failure);
  }
}

/** --offline and a ticker the cache does not have (said once for many tickers). */
export class NotCachedError extends DataError {
  constructor(
    readonly symbol: string,
    readonly cacheDir: string | null,
  ) {
    super(`${symbol}: not in the cache${cacheDir ? ` (${cacheDir})` : ""}; run once without --offline`);
  }
}

/** A failure to connect at all (no answer from the server), as opposed to an answer that refused. */
export interface Unreachable {
  /** ENOTFOUND, ECONNREFUSED, timed out, ... */
  code: string;
  host: string;
}

/** The data provider could not be reached or kept failing (exit 1). */
export class NetworkError extends RotationError {
  constructor(
    message: string,
    /** Set when no server answered at all: the network, DNS or a proxy is the problem. */
    readonly unreachable: Unreachable | null = null,
  ) {
    super(message, ExitCode.failure);
  }
}

/** Ctrl-C: whatever was in flight is abandoned; files on disk are old or new, never torn. */
export class InterruptedError extends RotationError {
  constructor() {
    super("interrupted", ExitCode.interrupted);
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
