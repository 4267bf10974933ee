import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { IsoDate } from "../core/dates.js";

/**
 * What the binary files of price histories share (the CSV snapshots and the live feeds' price
 * cache): dates stored as their ISO text, 10 bytes each, and calendars shared between series.
 */
export const DATE_BYTES = 10;

/** The first multiple of 8 at or after `offset`: Float64 columns start there. */
export function aligned(offset: number): number {
  return Math.ceil(offset / 8) * 8;
}

/**
 * Calendars already read in this run. Funds on one exchange trade on the same days, so a fund
 * listed later has, day for day, the tail of an older fund's calendar: it gets a slice of that
 * (never mutated) dates array, and an older calendar read after a younger one reuses the
 * younger one's dates for its tail. No date string is made twice, and pairs compare calendars
 * by identity, not by text.
 */
const knownCalendars: { text: Buffer; dates: IsoDate[] }[] = [];

function datesOf(text: Buffer, from: number, to: number): IsoDate[] {
  const all = text.toString("latin1", from * DATE_BYTES, to * DATE_BYTES);
  const dates: IsoDate[] = new Array(to - from);
  for (let i = 0; i < to - from; i++) dates[i] = all.slice(i * DATE_BYTES, (i + 1) * DATE_BYTES);
  return dates;
}

/** Whether `tail` is, byte for byte, the end of `whole`. */
function endsWith(whole: Buffer, tail: Buffer): boolean {
  return whole.length >= tail.length && whole.subarray(whole.length - tail.length).equals(tail);
}

/**
 * The dates of `count` ISO dates stored back to back in `text`, sharing arrays with calendars
 * read before, or null when they are not valid dates in strictly increasing order
 * (datesInOrder). Only checked calendars are remembered, so a calendar met again, or the tail of
 * one, is not checked again.
 */
export function calendarOf(text: Buffer, count: number): IsoDate[] | null {
  // The same calendar again: the same array (what is worked out per calendar is then done once).
  for (const known of knownCalendars) if (known.text.length === text.length && known.text.equals(text)) return known.dates;
  for (const known of knownCalendars) {
    if (endsWith(known.text, text)) {
      const dates = known.dates.slice(known.dates.length - count);
      remember(text, dates);
      return dates;
    }
  }
  if (!datesInOrder(text, count)) return null;
  // The longest known calendar that is this one's tail lends its dates; only the head is made.
  let tail: { text: Buffer; dates: IsoDate[] } | undefined;
  for (const known of knownCalendars) if (endsWith(text, known.text) && (tail === undefined || known.text.length > tail.text.length)) tail = known;
  const headCount = count - (tail?.dates.length ?? 0);
  const dates = tail === undefined ? datesOf(text, 0, count) : datesOf(text, 0, headCount).concat(tail.dates);
  remember(text, dates);
  return dates;
}

function remember(text: Buffer, dates: IsoDate[]): void {
  knownCalendars.push({ text: Buffer.from(text), dates });
  if (knownCalendars.length > 16) knownCalendars.shift();
}

const ZERO = 0x30;
const DASH = 0x2d;

/**
 * Whether `count` dates stored back to back are each YYYY-MM-DD (month 01-12, day 01-31) and
 * strictly increasing, checked on the bytes (no string is made): a file that says otherwise is
 * not one rotation wrote.
 */
export function datesInOrder(text: Buffer, count: number): boolean {
  if (text.length !== count * DATE_BYTES) return false;
  let previous = -1;
  for (let at = 0; at < text.length; at += DATE_BYTES) {
    let key = 0;
    for (let k = 0; k < DATE_BYTES; k++) {
      const byte = text[at + k] as number;
      if (k === 4 || k === 7) {
        if (byte !== DASH) return false;
      } else {
        const digit = byte - ZERO;
        if (digit < 0 || digit > 9) return false;
        key = key * 10 + digit;
      }
    }
    // key is YYYYMMDD: its month and day in range, and larger than the previous date's.
    const month = Math.floor(key / 100) % 100;
    const day = key % 100;
    if (month < 1 || month > 12 || day < 1 || day > 31 || key <= previous) return false;
    previous = key;
  }
  return true;
}

/**
 * One buffer, reused for every binary file of a run: a thousand funds would otherwise leave a
 * thousand file-sized buffers (outside V8's heap, collected late) behind them, which is most of
 * what a run over them holds at its peak. The answer is valid until the next read; columns are
 * copied out of it.
 */
let scratch: Buffer = Buffer.allocUnsafeSlow(0);

export function readIntoScratch(file: string): Buffer {
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    // allocUnsafeSlow: memory of its own (never a slice of Node's pool), so offset 0 is 8-aligned.
    if (scratch.length < size) scratch = Buffer.allocUnsafeSlow(Math.max(size, 2 * scratch.length));
    let read = 0;
    while (read < size) {
      const got = readSync(fd, scratch, read, size - read, read);
      if (got === 0) break;
      read += got;
    }
    return scratch.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** `count` doubles from `offset` (a multiple of 8 in a buffer that starts its own memory), copied out. */
export function float64Column(bytes: Buffer, offset: number, count: number): Float64Array {
  return new Float64Array(bytes.buffer, bytes.byteOffset + offset, count).slice();
}
