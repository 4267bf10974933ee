import { ExitCode, RotationError, errorMessage } from "./errors.js";
import type { OutputStream, Runtime } from "./runtime.js";
import { terminalSafe, wrapForTerminal } from "./output/format.js";
import { pageOrWrite, pagerCommand } from "./output/pager.js";
import { VERSION } from "./version.js";


/**
 * The one scrubber of everything written to stderr: control characters from paths, data or
 * the command line are shown as "?", whichever code wrote them (commander's echo of an unknown
 * option included). Line feeds stay; so do the carriage return and erase-line of the progress
 * line, the only control sequences rotation itself writes there.
 */
export function scrubbedStream(stream: OutputStream): OutputStream {
  return {
    isTTY: stream.isTTY,
    columns: stream.columns,
    write: (text: string) => stream.write(text.replace(/\u001b\[K|[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, (m) => (m === "\u001b[K" ? m : "?"))),
  };
}

/** Runs one command line and returns its exit status; never throws, never exits. */
export async function run(argv: readonly string[], unscrubbed: Runtime): Promise<number> {
  // Long output on a terminal is paged: held until the command is done, then shown at once.
  const pager = pagerCommand(unscrubbed.env, argv, unscrubbed.stdout.isTTY === true);
  const held: string[] = [];
  const columns = unscrubbed.stdout.isTTY === true ? unscrubbed.stdout.columns : undefined;
  // On a terminal, prose is wrapped to its width (tables are fitted where they are made).
  const fit = (text: string): string => (columns === undefined ? text : wrapForTerminal(text, columns));
  const stdout: OutputStream = {
    isTTY: unscrubbed.stdout.isTTY,
    columns: unscrubbed.stdout.columns,
    rows: unscrubbed.stdout.rows,
    write: pager === null ? (text: string) => unscrubbed.stdout.write(fit(text)) : (text: string) => held.push(fit(text)),
    // Held text for the pager is in memory anyway: only a direct stream has backpressure.
    drain: pager === null ? unscrubbed.stdout.drain : undefined,
    // Bytes only where text goes out as it is: no pager to hold it, no terminal to wrap it for.
    writeBytes: pager === null && columns === undefined ? unscrubbed.stdout.writeBytes : undefined,
  };
  const runtime: Runtime = { ...unscrubbed, stdout, stderr: scrubbedStream(unscrubbed.stderr) };
  try {
    return await runCommand(argv, runtime);
  } finally {
    if (held.length > 0) pageOrWrite(held.join(""), unscrubbed.stdout.rows, pager, (text) => unscrubbed.stdout.write(text));
  }
}

async function runCommand(argv: readonly string[], runtime: Runtime): Promise<number> {
  // Answered before commander and the commands load: scripts call this to probe the tool.
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
    runtime.stdout.write(`${VERSION}\n`);
    return ExitCode.ok;
  }
  const [{ buildProgram }, { CommanderError }] = await Promise.all([import("./program.js"), import("commander")]);
  let exitCode: number = ExitCode.ok;
  const program = buildProgram(
    runtime,
    (code) => {
      exitCode = code;
    },
    argv,
  );
  try {
    if (argv.length === 0) {
      runtime.stdout.write(program.helpInformation());
      return ExitCode.ok;
    }
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its one-line message (or the help/version text).
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (error instanceof RotationError) {
      // Messages quote file names and cells: no control character from them reaches the terminal.
      runtime.stderr.write(`rotation: ${terminalSafe(error.message).replace(/\n/g, " ")}\n`);
      if (runtime.env.ROTATION_DEBUG === "1" && error.stack) runtime.stderr.write(`${error.stack}\n`);
      return error.exitCode;
    }
    runtime.stderr.write(`rotation: internal error: ${terminalSafe(errorMessage(error).split("\n")[0] ?? "")}\n`);
    if (runtime.env.ROTATION_DEBUG === "1" && error instanceof Error && error.stack) runtime.stderr.write(`${error.stack}\n`);
    else runtime.stderr.write("rotation: run again with ROTATION_DEBUG=1 for details\n");
    return ExitCode.failure;
  }
}

