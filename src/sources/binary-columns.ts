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
  for (let at = 0, i = 0; at < text.length; at += DATE_BYTES, i++) {
    let key = 0;
    for (let k = 0; k < DATE_BYTES; k++) {
      const byte = text[at + k] as number;
      if (k === 4 || k === 7) {
        if (byte !== DASH) return null;
      } else {
        const digit = byte - ZERO;
        if (digit < 0 || digit > 9) return null;
        key = key * 10 + digit;
      }
    }
    const month = Math.floor(key / 100) % 100;
    const day = key % 100;
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
