import { writeWholeFile } from "../fs-write.js";

/**
 * Writes a report file (SVG, HTML, Markdown): "-" is standard output; anything else is written
 * whole or not at all, and never replaces a FIFO, a device or a read-only file (see writeWholeFile).
 */
export async function writeOutputFile(file: string, text: string, stdout: { write(text: string): unknown }): Promise<void> {
  if (file === "-") {
    stdout.write(text);
    return;
  }
  await writeWholeFile(file, text, { what: "output file", mode: 0o644, fsync: false });
}
