import { DataError } from "../errors.js";

/** Writes a whole file or nothing (temporary file, then rename). */
export async function writeOutputFile(file: string, text: string): Promise<void> {
  const { default: writeFileAtomic } = await import("write-file-atomic");
  try {
    await writeFileAtomic(file, text, { mode: 0o644 });
  } catch (error) {
    throw new DataError(`cannot write ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
}
