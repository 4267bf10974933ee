import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync, type BigIntStats } from "node:fs";
import path from "node:path";
import type { IsoDate } from "../core/dates.js";
import { dayNumber, isoDateOfDay } from "../core/dates.js";
import type { PriceSeries } from "../core/series.js";

/**
 * Parsed price files kept in binary beside the cache, so that a second run over the same
 * unchanged CSV file skips parsing (most of what a CSV `check` costs). A snapshot is used only
 * when the file's size, modification and change times (ns) and inode all match (an edit that
 * restores the size and modification time still moves the change time); anything else, or any
 * unreadable snapshot, means the CSV is parsed again. Only files that parsed without a single
 * warning are kept, so a snapshot never hides a --lenient warning.
 */
const MAGIC = "RTS2";

interface SnapshotHeader {
  file: string;
  size: string;
  mtimeNs: string;
  ctimeNs: string;
  ino: string;
  count: number;
}

function snapshotFile(dir: string, file: string): string {
  return path.join(dir, `${createHash("sha1").update(file).digest("hex")}.bin`);
}

function headerFor(file: string, stat: BigIntStats, count: number): SnapshotHeader {
  return { file, size: String(stat.size), mtimeNs: String(stat.mtimeNs), ctimeNs: String(stat.ctimeNs), ino: String(stat.ino), count };
}

const datesByDay = new Map<number, IsoDate>();
/**
 * Calendars already turned into dates in this run. Funds listed on the same exchange share a
 * calendar, so most series get the very same (never mutated) dates array: no per-day work,
 * and pairs see identical calendars at a glance.
 */
const knownCalendars: { days: Buffer; dates: IsoDate[] }[] = [];

function calendarOf(days: Buffer, count: number): IsoDate[] {
  for (const known of knownCalendars) if (known.days.equals(days)) return known.dates;
  const view = new Int32Array(count);
  Buffer.from(view.buffer).set(days);
  const dates: IsoDate[] = new Array(count);
  for (let i = 0; i < count; i++) dates[i] = dateOfDay(view[i] as number);
  knownCalendars.push({ days: Buffer.from(days), dates });
  if (knownCalendars.length > 16) knownCalendars.shift();
  return dates;
}

/** ISO date of a day number (days since 1970-01-01), shared between series. */
function dateOfDay(day: number): IsoDate {
  let date = datesByDay.get(day);
  if (date === undefined) {
    date = isoDateOfDay(day);
    datesByDay.set(day, date);
  }
  return date;
}

export function readSnapshot(dir: string, file: string, symbol: string, stat: BigIntStats): PriceSeries | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(snapshotFile(dir, file));
  } catch {
    return null;
  }
  try {
    if (bytes.toString("latin1", 0, 4) !== MAGIC) return null;
    const headerLength = bytes.readUInt32LE(4);
    const header = JSON.parse(bytes.toString("utf8", 8, 8 + headerLength)) as SnapshotHeader;
    const expected = headerFor(file, stat, header.count);
    if (header.file !== expected.file || header.size !== expected.size || header.mtimeNs !== expected.mtimeNs || header.ctimeNs !== expected.ctimeNs || header.ino !== expected.ino) return null;
    const offset = Math.ceil((8 + headerLength) / 8) * 8;
    if (bytes.length !== offset + header.count * 12) return null;
    // Copy into an aligned buffer: Buffer's own offset into its pool need not be aligned.
    const closes = new Float64Array(header.count);
    Buffer.from(closes.buffer).set(bytes.subarray(offset, offset + header.count * 8));
    const dates = calendarOf(bytes.subarray(offset + header.count * 8), header.count);
    const list: number[] = new Array(header.count);
    for (let i = 0; i < header.count; i++) list[i] = closes[i] as number;
    return { symbol, dates, closes: list };
  } catch {
    return null;
  }
}

/** Best effort: a snapshot that cannot be written only costs the next run its head start. */
export function writeSnapshot(dir: string, file: string, stat: BigIntStats, series: PriceSeries): void {
  try {
    const header = Buffer.from(JSON.stringify(headerFor(file, stat, series.dates.length)), "utf8");
    const offset = Math.ceil((8 + header.length) / 8) * 8;
    const bytes = Buffer.alloc(offset + series.dates.length * 12);
    bytes.write(MAGIC, 0, "latin1");
    bytes.writeUInt32LE(header.length, 4);
    header.copy(bytes, 8);
    Buffer.from(Float64Array.from(series.closes).buffer).copy(bytes, offset);
    Buffer.from(Int32Array.from(series.dates, (d) => dayNumber(d)).buffer).copy(bytes, offset + series.dates.length * 8);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const target = snapshotFile(dir, file);
    const temporary = `${target}.${process.pid}.tmp`;
    writeFileSync(temporary, bytes, { mode: 0o600 });
    renameSync(temporary, target);
  } catch {
    // Read-only or full disk: parse again next time.
  }
}
