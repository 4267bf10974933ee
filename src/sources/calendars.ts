import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { dateKey, type IsoDate } from "../core/dates.js";
import { replaceCacheFile } from "../fs-write.js";
import { DATE_BYTES, dateKeysOf, datesOf } from "./binary-columns.js";
import { keysHash } from "./fnv.js";

/**
 * Calendars (a fund's trading dates) shared between the series of a run, and stored once per
 * calendar beside the CSV snapshots.
 *
 * Funds on one exchange trade on the same days, so twelve thousand funds have a handful of date
 * sequences between them, and a fund listed later has, day for day, the tail of an older fund's
 * sequence. In memory such funds get one dates array (or one slice of it, never mutated); on
 * disk a snapshot names its calendar file and how many of its first dates to skip, so that it
 * holds only its closes, 8 bytes each.
 */

/** How many full calendars a run remembers: far more than an exchange has, bounded all the same. */
const REMEMBERED = 16;

/** Full calendars met in this run, most recent last. */
const fullCalendars: IsoDate[][] = [];
/** Per full calendar, the tails lent out, by how many dates they skip (one array per tail). */
const tails = new Map<IsoDate[], Map<number, IsoDate[]>>();
/** Where each shared array comes from: its full calendar and the dates skipped. */
const origins = new WeakMap<IsoDate[], { full: IsoDate[]; skip: number }>();

/** Whether `part` is, date for date, the end of `whole`. */
function isTailOf(whole: readonly IsoDate[], part: readonly IsoDate[]): boolean {
  const skip = whole.length - part.length;
  if (skip < 0 || part.length === 0) return false;
  if (whole[whole.length - 1] !== part[part.length - 1] || whole[skip] !== part[0]) return false;
  for (let i = 0; i < part.length; i++) if (whole[skip + i] !== part[i]) return false;
  return true;
}

/** The calendar's dates after the first `skip`: the same array for the same tail. */
function tailOf(full: IsoDate[], skip: number): IsoDate[] {
  if (skip === 0) return full;
  let lent = tails.get(full);
  if (lent === undefined) tails.set(full, (lent = new Map()));
  let dates = lent.get(skip);
  if (dates === undefined) {
    dates = full.slice(skip);
    lent.set(skip, dates);
    origins.set(dates, { full, skip });
  }
  return dates;
}

function remember(full: IsoDate[]): void {
  fullCalendars.push(full);
  origins.set(full, { full, skip: 0 });
  const forgotten = fullCalendars.length > REMEMBERED ? fullCalendars.shift() : undefined;
  if (forgotten !== undefined) tails.delete(forgotten);
}

/**
 * The dates array the run already holds for this sequence of dates (or for a longer one that
 * ends with it), else `dates` itself, remembered for the series that follow. Pairs then compare
 * calendars by identity, and what is worked out per calendar is worked out once.
 */
export function sharedCalendar(dates: IsoDate[]): IsoDate[] {
  if (origins.has(dates)) return dates;
  for (let k = fullCalendars.length - 1; k >= 0; k--) {
    const full = fullCalendars[k] as IsoDate[];
    if (isTailOf(full, dates)) return tailOf(full, full.length - dates.length);
  }
  if (dates.length > 0) remember(dates);
  return dates;
}

/** Each full calendar's dates as numbers yyyymmdd, made when first asked for. */
const keysOf = new WeakMap<IsoDate[], Int32Array>();

function calendarKeys(full: IsoDate[]): Int32Array {
  let keys = keysOf.get(full);
  if (keys === undefined) {
    keys = Int32Array.from(full, dateKey);
    keysOf.set(full, keys);
  }
  return keys;
}

/**
 * sharedCalendar for dates given as numbers yyyymmdd (`count` of `keys`, increasing): a run's
 * array when it holds these dates, without making a string; else the array `build` makes of
 * them (null when a key is no calendar date), remembered.
 */
export function sharedCalendarOfKeys(keys: Int32Array, count: number, build: () => IsoDate[] | null): IsoDate[] | null {
  if (count === 0) return null;
  for (let k = fullCalendars.length - 1; k >= 0; k--) {
    const full = fullCalendars[k] as IsoDate[];
    const known = calendarKeys(full);
    const skip = known.length - count;
    if (skip < 0 || known[known.length - 1] !== keys[count - 1] || known[skip] !== keys[0]) continue;
    let same = true;
    for (let i = 0; i < count; i++) {
      if (known[skip + i] !== keys[i]) {
        same = false;
        break;
      }
    }
    if (same) return tailOf(full, skip);
  }
  const dates = build();
  if (dates === null) return null;
  remember(dates);
  keysOf.set(dates, keys.slice(0, count));
  return dates;
}

/**
 * The dates of `count` ISO dates stored back to back in `text` (a binary file's dates), or null
 * when they are not valid dates in strictly increasing order: checked on the bytes, and the
 * run's array when it holds these dates already (no string made), else new strings, remembered.
 */
export function calendarOf(text: Buffer, count: number): IsoDate[] | null {
  // Funds of one exchange store the same dates byte for byte: a file whose dates are the bytes
  // of a calendar already read (or their end) is that calendar, and those bytes were checked
  // when first read. One comparison of memory instead of a parse of every date (53 funds of
  // the live cache: 12 ms of a warm run).
  if (count > 0 && text.length === count * DATE_BYTES) {
    for (let k = fullCalendars.length - 1; k >= 0; k--) {
      const full = fullCalendars[k] as IsoDate[];
      const stored = storedText.get(full);
      if (stored !== undefined && stored.length >= text.length && stored.subarray(stored.length - text.length).equals(text)) return tailOf(full, full.length - count);
    }
  }
  const keys = dateKeysOf(text, count);
  if (keys === null) return null;
  const dates = sharedCalendarOfKeys(keys, count, () => datesOf(text, count));
  const origin = dates === null ? undefined : origins.get(dates);
  // Copied: `text` is usually a view of a buffer reused for the next file.
  if (origin !== undefined && origin.skip === 0 && !storedText.has(origin.full)) storedText.set(origin.full, Buffer.from(text));
  return dates;
}

/** A full calendar's dates as a binary file stores them (DATE_BYTES each), once one has been read. */
const storedText = new WeakMap<IsoDate[], Buffer>();

// Calendar files: "RTC1", the number of dates (u32), then each date as its ISO text.
const MAGIC = "RTC1";
const HEADER_BYTES = 8;

/** The folder of calendar files inside a snapshot folder. */
function calendarFile(dir: string, id: string): string {
  return path.join(dir, "calendars", `${id}.bin`);
}

/** Calendar files this run has read (null: missing or not ours) or written, by folder and id. */
const filed = new Map<string, IsoDate[] | null>();
/** Per folder, the id of each full calendar filed there in this run. */
const idsIn = new Map<string, WeakMap<IsoDate[], string>>();

function idsOf(dir: string): WeakMap<IsoDate[], string> {
  let ids = idsIn.get(dir);
  if (ids === undefined) idsIn.set(dir, (ids = new WeakMap()));
  return ids;
}

/** What a snapshot says of its dates: the calendar file's id and how many of its dates come before the fund's first. */
export interface CalendarRef {
  calendar: string;
  skip: number;
}

/**
 * Where the dates of a series can be read back from: the calendar file of its full calendar
 * (written when this run has not yet read or written it), or null when it cannot be written.
 */
export function fileCalendar(dir: string, dates: IsoDate[]): CalendarRef | null {
  const ids = idsOf(dir);
  let { full, skip } = origins.get(sharedCalendar(dates)) ?? { full: dates, skip: 0 };
  // A longer calendar filed here already may end with these dates (a fund read before an older one).
  if (!ids.has(full)) {
    const filedLonger = fullCalendars.find((known) => ids.has(known) && isTailOf(known, dates));
    if (filedLonger !== undefined) ({ full, skip } = { full: filedLonger, skip: filedLonger.length - dates.length });
  }
  let id = ids.get(full);
  if (id === undefined) {
    const text = full.join("");
    id = keysHash(calendarKeys(full), full.length);
    const bytes = Buffer.alloc(HEADER_BYTES + full.length * DATE_BYTES);
    bytes.write(MAGIC, 0, "latin1");
    bytes.writeUInt32LE(full.length, 4);
    bytes.write(text, HEADER_BYTES, "latin1");
    try {
      mkdirSync(path.dirname(calendarFile(dir, id)), { recursive: true, mode: 0o700 });
    } catch {
      return null;
    }
    if (!replaceCacheFile(calendarFile(dir, id), bytes)) return null;
    ids.set(full, id);
    filed.set(calendarFile(dir, id), full);
  }
  return { calendar: id, skip };
}

/**
 * The `count` dates a snapshot refers to, or null when its calendar file is missing, damaged or
 * not what its name says (its name is the hash of its dates as numbers, keysHash: a file edited
 * or swapped is caught).
 */
export function datesFromCalendar(dir: string, ref: CalendarRef, count: number): IsoDate[] | null {
  if (!/^[0-9a-f]{16}$/.test(ref.calendar) || !Number.isInteger(ref.skip) || ref.skip < 0) return null;
  const file = calendarFile(dir, ref.calendar);
  let full = filed.get(file);
  if (full === undefined) {
    full = readCalendarFile(file, ref.calendar);
    filed.set(file, full);
    if (full !== null) idsOf(dir).set(full, ref.calendar);
  }
  if (full === null || ref.skip + count !== full.length || count === 0) return null;
  return tailOf(full, ref.skip);
}

function readCalendarFile(file: string, id: string): IsoDate[] | null {
  try {
    // A buffer of its own, never the shared one: a snapshot being read may have lent its closes from that.
    const bytes = readFileSync(file);
    if (bytes.length < HEADER_BYTES || bytes.toString("latin1", 0, 4) !== MAGIC) return null;
    const count = bytes.readUInt32LE(4);
    const text = bytes.subarray(HEADER_BYTES);
    if (count === 0 || text.length !== count * DATE_BYTES) return null;
    const keys = dateKeysOf(text, count);
    if (keys === null || keysHash(keys, count) !== id) return null;
    return sharedCalendarOfKeys(keys, count, () => datesOf(text, count));
  } catch {
    return null;
  }
}
