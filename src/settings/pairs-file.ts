import { createReadStream } from "node:fs";
import path from "node:path";
import { UsageError } from "../errors.js";
import { fileProblem } from "../fs-errors.js";
import { parsePairs } from "./validators.js";

/** 12,000 pairs of long tickers are ~300 KB: a file far larger is not a list of pairs. */
const MAX_PAIRS_FILE_BYTES = 16 * 1024 * 1024;

/**
 * The text of --pairs from a --pairs-file: one pair a line (SMALL:LARGE), blank lines and
 * anything after # ignored, each line checked by --pairs' own rule and a bad one named by its
 * file and line. Returned as --pairs would be written, so every command reads pairs one way.
 */
export function pairsFromText(text: string, name: string): string {
  const pairs: string[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = (raw.split("#")[0] ?? "").trim();
    if (line === "") return;
    for (const pair of parsePairs(line, `${name}:${index + 1}`)) pairs.push(`${pair.symbol}:${pair.benchmark}`);
  });
  if (pairs.length === 0) throw new UsageError(`--pairs-file ${name}: no pair in it (one SMALL:LARGE a line, e.g. IWM:SPY)`);
  return pairs.join(",");
}

/**
 * Reads FILE (or standard input for "-") to at most 16 MiB. A pipe is fine (--pairs-file
 * <(grep ...)); a missing or unreadable file is a usage error naming it.
 */
export async function readPairsFile(file: string, cwd: string, stdin: () => NodeJS.ReadableStream): Promise<string> {
  const name = file === "-" ? "standard input" : file;
  const stream = file === "-" ? stdin() : createReadStream(path.resolve(cwd, file));
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > MAX_PAIRS_FILE_BYTES) throw new UsageError(`--pairs-file ${name}: larger than 16 MiB, not a list of pairs`);
      chunks.push(bytes);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--pairs-file ${name}: cannot read it (${fileProblem(error)})`);
  } finally {
    if (file !== "-") (stream as { destroy?: () => void }).destroy?.();
  }
  return pairsFromText(Buffer.concat(chunks).toString("utf8"), name);
}
