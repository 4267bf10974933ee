import { terminalSafe } from "../core/text.js";

/** A warning is one line: a line break inside it (a path with a newline) must not split it. */
function oneLine(text: string): string {
  return terminalSafe(text).replace(/[\r\n]/g, "?");
}
import type { LoadProgress } from "../sources/source.js";

interface ErrorStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Warnings go to stderr, one scrubbed line each, so stdout carries only the report. */
export function writeWarnings(stderr: ErrorStream, warnings: readonly string[]): void {
  for (const warning of warnings) stderr.write(`warning: ${oneLine(warning)}\n`);
}

/** Progress lines on a terminal only: a cron log or a pipe gets none. */
export function progressReporter(stderr: ErrorStream): ((progress: LoadProgress) => void) | undefined {
  if (stderr.isTTY !== true) return undefined;
  return ({ done, total, symbol }) => {
    stderr.write(`\rloading ${done}/${total} ${terminalSafe(symbol)}   ${done === total ? "\r\u001b[K" : ""}`);
  };
}
