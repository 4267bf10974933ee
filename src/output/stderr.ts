import { terminalSafe } from "../core/text.js";
import { wrapLines } from "./table.js";

/** A warning is one line: a line break inside it (a path with a newline) must not split it. */
function oneLine(text: string): string {
  return terminalSafe(text).replace(/[\r\n]/g, "?");
}
import type { LoadProgress } from "../sources/source.js";

interface ErrorStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * Warnings go to stderr, one scrubbed line each, so stdout carries only the report. On a
 * terminal a long one is wrapped at spaces, its continuation indented, so no line runs past
 * the edge; a log or a pipe gets one line per warning.
 */
export function writeWarnings(stderr: ErrorStream, warnings: readonly string[]): void {
  const width = stderr.isTTY === true ? stderr.columns : undefined;
  for (const warning of warnings) {
    const line = `warning: ${oneLine(warning)}`;
    stderr.write(`${width === undefined ? line : wrapLines(line, width - 2).join("\n  ")}\n`);
  }
}

/** Progress lines on a terminal only: a cron log or a pipe gets none. */
export function progressReporter(stderr: ErrorStream): ((progress: LoadProgress) => void) | undefined {
  if (stderr.isTTY !== true) return undefined;
  return ({ done, total, symbol }) => {
    stderr.write(`\rloading ${done}/${total} ${terminalSafe(symbol)}   ${done === total ? "\r\u001b[K" : ""}`);
  };
}
