import { spawnSync } from "node:child_process";
import { BIN, PROJECT_ROOT } from "./paths.js";

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would, with a clean environment unless told otherwise. */
export function runCli(args: string[], env: Record<string, string> = {}, cwd = PROJECT_ROOT): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** What no output path may ever print. */
export function expectCleanOutput(result: CliResult): void {
  for (const text of [result.stdout, result.stderr]) {
    if (/\bNaN\b|\bundefined\b/.test(text)) throw new Error(`output shows NaN or undefined:\n${text}`);
    if (/^\s+at .+:\d+:\d+\)?$/m.test(text)) throw new Error(`output shows a stack trace:\n${text}`);
  }
}
