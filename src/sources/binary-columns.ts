import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { IsoDate } from "../core/dates.js";

/**
 * What the binary files of price histories share (the CSV snapshots' calendars and the live
 * feeds' price cache): dates stored as their ISO text, 10 bytes each; float64 columns. Sharing
 * calendars between series is calendars.ts's.
 */
export const DATE_BYTES = 10;

/** The first multiple of 8 at or after `offset`: Float64 columns start there. */
export function aligned(offset: number): number {
  return Math.ceil(offset / 8) * 8;
}

const ZERO = 0x30;
const DASH = 0x2d;

/**
 * The `count` dates stored back to back in `text` as numbers yyyymmdd, or null unless each is
 * YYYY-MM-DD (month 01-12, day 01-31) and later than the one before, checked on the bytes (no
 * string is made): a file that says otherwise is not one rotation wrote.
 */
export function dateKeysOf(text: Buffer, count: number): Int32Array | null {
  if (text.length !== count * DATE_BYTES) return null;
  const keys = new Int32Array(count);
  let previous = -1;
  // Written out byte by byte, without an inner loop: a fresh process runs this in V8's
  // interpreter, where each operation saved counts (a calendar of 6,600 dates is 66,000 bytes).
  // `>>> 0` makes a byte below "0" a large number, so one comparison checks a digit.
  for (let at = 0, i = 0; i < count; at += DATE_BYTES, i++) {
    const y0 = ((text[at] as number) - ZERO) >>> 0;
    const y1 = ((text[at + 1] as number) - ZERO) >>> 0;
    const y2 = ((text[at + 2] as number) - ZERO) >>> 0;
    const y3 = ((text[at + 3] as number) - ZERO) >>> 0;
    const m0 = ((text[at + 5] as number) - ZERO) >>> 0;
    const m1 = ((text[at + 6] as number) - ZERO) >>> 0;
    const d0 = ((text[at + 8] as number) - ZERO) >>> 0;
    const d1 = ((text[at + 9] as number) - ZERO) >>> 0;
    if (y0 > 9 || y1 > 9 || y2 > 9 || y3 > 9 || m0 > 9 || m1 > 9 || d0 > 9 || d1 > 9 || text[at + 4] !== DASH || text[at + 7] !== DASH) return null;
    const month = m0 * 10 + m1;
    const day = d0 * 10 + d1;
    const key = (y0 * 1000 + y1 * 100 + y2 * 10 + y3) * 10_000 + month * 100 + day;
    if (month < 1 || month > 12 || day < 1 || day > 31 || key <= previous) return null;
    keys[i] = previous = key;
  }
  return keys;
}

/** The `count` dates stored back to back in `text`, as strings. */
export function datesOf(text: Buffer, count: number): IsoDate[] {
  const all = text.toString("latin1", 0, count * DATE_BYTES);
  const dates: IsoDate[] = new Array(count);
  for (let i = 0; i < count; i++) dates[i] = all.slice(i * DATE_BYTES, (i + 1) * DATE_BYTES);
  return dates;
}

/**
 * One buffer, reused for every binary file of a run: a thousand funds would otherwise leave a
 * thousand file-sized buffers (outside V8's heap, collected late) behind them, which is most of
 * what a run over them holds at its peak. The answer is valid until the next read; columns are
 * copied out of it.
 */
let scratch: Buffer = Buffer.allocUnsafeSlow(0);

export function readIntoScratch(file: string): Buffer {
  return readIntoScratchIdentified(file, false).bytes;
}

/**
 * readIntoScratch, and with `identify` which file was read: its device, inode, size and
 * modification time, from the very descriptor read (a file renamed over it meanwhile is not
 * mistaken for it). A file is only ever replaced whole, never rewritten in place, so a new
 * version is a new inode.
 */
export function readIntoScratchIdentified(file: string, identify: boolean): { bytes: Buffer; identity: string } {
  const fd = openSync(file, "r");
  try {
    const stat = identify ? fstatSync(fd, { bigint: true }) : null;
    const size = stat === null ? fstatSync(fd).size : Number(stat.size);
    const identity = stat === null ? "" : `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}`;
    // allocUnsafeSlow: memory of its own (never a slice of Node's pool), so offset 0 is 8-aligned.
    if (scratch.length < size) scratch = Buffer.allocUnsafeSlow(Math.max(size, 2 * scratch.length));
    let read = 0;
    while (read < size) {
      const got = readSync(fd, scratch, read, size - read, read);
      if (got === 0) break;
      read += got;
    }
    return { bytes: scratch.subarray(0, read), identity };
  } finally {
    closeSync(fd);
  }
}

/** `count` doubles from `offset` (a multiple of 8 in a buffer that starts its own memory), copied out. */
export function float64Column(bytes: Buffer, offset: number, count: number): Float64Array {
  return new Float64Array(bytes.buffer, bytes.byteOffset + offset, count).slice();
}
