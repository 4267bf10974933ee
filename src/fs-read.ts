import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { DataError } from "./errors.js";

/**
 * Large files are read in pieces of this size: never whole in memory (two 63 MiB price files
 * held their bytes and their text at once: 300 MB), while a small file is one piece.
 */
export const PIECE_BYTES = 1 << 20;

/** Text from `next` (which fills a buffer and says how much), piece by piece; a character split between pieces is kept whole. */
export function* decodedPieces(next: (buffer: Buffer) => number): Generator<string> {
  const decoder = new StringDecoder("utf8");
  const buffer = Buffer.allocUnsafe(PIECE_BYTES);
  for (let read = next(buffer); read > 0; read = next(buffer)) yield decoder.write(buffer.subarray(0, read));
  const rest = decoder.end();
  if (rest.length > 0) yield rest;
}

/**
 * The text of a file from its start, piece by piece, each time it is called: a file of one
 * piece is read once and kept; a larger one is read again each time, and refused (DataError,
 * `tooLarge`) if it has grown past `maxBytes` since it was measured. Throws the file system's
 * errors as they are.
 */
export function filePieces(file: string, size: number, maxBytes: number, tooLarge: string): () => Iterable<string> {
  if (size <= PIECE_BYTES) {
    const text = readFileSync(file, "utf8");
    return () => [text];
  }
  return () =>
    (function* () {
      const fd = openSync(file, "r");
      try {
        let total = 0;
        yield* decodedPieces((buffer) => {
          const n = readSync(fd, buffer, 0, buffer.length, null);
          if ((total += n) > maxBytes) throw new DataError(tooLarge);
          return n;
        });
      } finally {
        closeSync(fd);
      }
    })();
}

/** Each line of the pieces (without its LF), with its number from 1; a last line without an LF counts too. */
export function* linesOf(pieces: Iterable<string>): Generator<[line: string, number: number]> {
  let carry = "";
  let number = 0;
  for (const piece of pieces) {
    const text = carry + piece;
    let start = 0;
    for (let end = text.indexOf("\n", start); end >= 0; end = text.indexOf("\n", start)) {
      yield [text.slice(start, end), ++number];
      start = end + 1;
    }
    carry = text.slice(start);
  }
  if (carry.length > 0) yield [carry, ++number];
}
