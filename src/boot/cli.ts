import { ExitCode, InterruptedError } from "../errors.js";
import { fileError } from "../fs-errors.js";
import { processOutput } from "./process-output.js";
import type { Runtime } from "../runtime.js";
import { VERSION } from "../version.js";

/**
 * The process entry: bin/rotation.js calls this and nothing else (tests may pass a fetch).
 * `rotation --version` is answered here, before any other module loads: scripts probe with it.
 */
export async function main(overrides: Partial<Runtime> = {}): Promise<void> {
  const argv = process.argv.slice(2);
  // A closed stdout (rotation ... | head -1) ends the run quietly, as rg and git do. Any other
  // failure to write (a full disk, a terminal gone: ENOSPC, EIO) is one line where it can still
  // be said, and a failure exit.
  const failedWrite = (fd: 1 | 2) => (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(ExitCode.ok);
    if (fd === 1) stderr.write(`rotation: ${fileError("cannot write to", "standard output", error).message}\n`);
    process.exit(ExitCode.failure);
  };
  const stdout = processOutput(1, failedWrite(1));
  const stderr = processOutput(2, failedWrite(2));
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
    stdout.write(`${VERSION}\n`);
    return;
  }
  // The computations run in WebAssembly (src/core/kernels.ts), which `node --jitless` turns off.
  if (typeof (globalThis as { WebAssembly?: unknown }).WebAssembly !== "object") {
    stderr.write("rotation: this Node runs without WebAssembly (--jitless?), which rotation's computations need; run it without that flag\n");
    process.exitCode = ExitCode.failure;
    return;
  }
  // Nothing a library prints reaches the terminal: stdout carries only the report, and stderr
  // only rotation's own lines (rotation itself never writes through console). A library's
  // notice (yahoo-finance2 prints a refused page's URL with console.error) is kept for
  // ROTATION_DEBUG=1.
  const libraryNotice = (...args: unknown[]): void => {
    if (process.env.ROTATION_DEBUG === "1") stderr.write(`debug: ${args.map((a) => (typeof a === "string" ? a : String(a))).join(" ")}\n`);
  };
  console.log = libraryNotice;
  console.info = libraryNotice;
  console.warn = libraryNotice;
  console.error = libraryNotice;
  console.debug = libraryNotice;
  process.once("SIGINT", () => {
    stderr.write(`\nrotation: ${new InterruptedError().message}\n`);
    process.exit(ExitCode.interrupted);
  });
  // Imported here, not above, so that `--version` loads none of what it needs (vm, os, paths).
  const { loadEntry } = await import("./load-entry.js");
  const { entry, finished } = await loadEntry(process.env, argv);
  const exitCode = await entry.run(argv, { ...entry.processRuntime({ stdout, stderr }), ...overrides });
  process.exitCode = exitCode;
  // Everything the run started has been awaited. Once stdout and stderr have flushed (a pipe
  // may still hold what was written), exit: left to itself, Node first waits for V8's
  // background compile jobs, useless now (3 ms after a check, 10 ms after a 52-pair one).
  await Promise.all([stdout.flushed(), stderr.flushed()]);
  // Keeping the compiled code for the next run (its first time only) comes after the output.
  finished(exitCode);
  process.exit();
}
