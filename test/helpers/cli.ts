import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { BIN, PROJECT_ROOT } from "./paths.js";

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** User folders of their own, so no test sees a cache, journal, store or config of the machine's user. */
const home = mkdtempSync(path.join(tmpdir(), "rotation-home-"));
const isolated = {
  // No run of the tests reaches the real French data library: a port nothing listens on.
  ROTATION_FRENCH_URL: "http://127.0.0.1:9/",
  HOME: home,
  XDG_CACHE_HOME: path.join(home, "cache"),
  XDG_DATA_HOME: path.join(home, "data"),
  XDG_CONFIG_HOME: path.join(home, "config"),
};

/** Runs the built CLI as a user would, with a clean environment unless told otherwise. */
export function runCli(args: string[], env: Record<string, string> = {}, cwd = PROJECT_ROOT, input?: string): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    ...(input === undefined ? {} : { input }),
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", ...isolated, ...env },
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

/**
 * The same as runCli, without blocking this process: for tests whose servers (a fake Yahoo, a
 * proxy, a webhook receiver) live in the test process and must answer while the CLI runs.
 */
export function runCliAsync(args: string[], env: Record<string, string> = {}, cwd = PROJECT_ROOT, options: { killWhen?: RegExp } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH ?? "", ...isolated, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      // A run killed at a chosen point (SIGKILL: nothing of it runs after).
      if (options.killWhen?.test(stderr)) child.kill("SIGKILL");
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
