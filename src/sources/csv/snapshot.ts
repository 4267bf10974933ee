import { mkdirSync, type BigIntStats } from "node:fs";
import path from "node:path";
import type { PriceSeries } from "../../core/series.js";
import type { CalendarRef } from "../calendars.js";
import { replaceCacheFile } from "../../fs-write.js";
import { aligned, float64Column, readIntoScratch } from "../binary-columns.js";
import { datesFromCalendar, fileCalendar } from "../calendars.js";
import { pathHash } from "../fnv.js";

export { pathHash };

/**
 * Parsed price files kept in binary beside the cache, so that a second run over the same
 * unchanged CSV file skips parsing (most of what a CSV `check` costs). A snapshot is used only
 * when the file's size, modification and change times (ns) and inode all match (an edit that
 * restores the size and modification time still moves the change time); anything else, or any
 * unreadable snapshot, means the CSV is parsed again. Only files that parsed without a single
 * warning are kept, so a snapshot never hides a --lenient warning.
 */
// RTS3: dates as their ISO text (RTS2 stored day numbers, whose conversion back cost more than the read).
// RTS4: rows dated before 1800 or after today are refused; older snapshots are parsed again.
// RTS5: the dates once per calendar (calendars.ts), the snapshot only its closes: 8 bytes a row
// instead of 18 (12,000 funds wrote 1.4 GB). Older snapshots are parsed again and replaced.
const MAGIC = "RTS5";

interface SnapshotHeader {
  file: string;
  size: string;
  mtimeNs: string;
  ctimeNs: string;
  ino: string;
  count: number;
  /** The calendar file holding the dates, and how many of its first dates precede this file's first. */
  calendar: string;
  skip: number;
}

function snapshotFile(dir: string, file: string): string {
  return path.join(dir, `${pathHash(file)}.bin`);
}

function headerFor(file: string, stat: BigIntStats, count: number, calendar: CalendarRef): SnapshotHeader {
  return { file, size: String(stat.size), mtimeNs: String(stat.mtimeNs), ctimeNs: String(stat.ctimeNs), ino: String(stat.ino), count, calendar: calendar.calendar, skip: calendar.skip };
}

/**
 * The series a snapshot holds, or null. `borrow`: the closes are a view of the shared read
 * buffer, valid only until the next binary file is read (no copy, no new memory): for a caller
 * that reads them at once and keeps nothing of them (the survey of a streamed run).
 */
export function readSnapshot(dir: string, file: string, symbol: string, stat: BigIntStats, borrow = false): PriceSeries | null {
  let bytes: Buffer;
  try {
    bytes = readIntoScratch(snapshotFile(dir, file));
  } catch {
    return null;
  }
  try {
    if (bytes.toString("latin1", 0, 4) !== MAGIC) return null;
    const headerLength = bytes.readUInt32LE(4);
    const header = JSON.parse(bytes.toString("utf8", 8, 8 + headerLength)) as SnapshotHeader;
    const expected = headerFor(file, stat, header.count, { calendar: header.calendar, skip: header.skip });
    if (header.file !== expected.file || header.size !== expected.size || header.mtimeNs !== expected.mtimeNs || header.ctimeNs !== expected.ctimeNs || header.ino !== expected.ino) return null;
    const offset = aligned(8 + headerLength);
    if (!Number.isInteger(header.count) || bytes.length !== offset + header.count * 8) return null;
    // The scratch buffer starts its own memory, and the closes start at a multiple of 8 in it.
    // They are copied out as they are (one memory copy): a plain array would be built number by
    // number, which was most of what reading 50 snapshots cost.
    const closes = borrow ? new Float64Array(bytes.buffer, bytes.byteOffset + offset, header.count) : float64Column(bytes, offset, header.count);
    const dates = datesFromCalendar(dir, { calendar: String(header.calendar), skip: header.skip }, header.count);
    return dates === null ? null : { symbol, dates, closes };
  } catch {
    return null;
  }
}

/** Best effort: a snapshot that cannot be written only costs the next run its head start. */
export function writeSnapshot(dir: string, file: string, stat: BigIntStats, series: PriceSeries): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Dates are checked ISO text (YYYY-MM-DD, ASCII) by the time a series exists.
    const calendar = fileCalendar(dir, series.dates);
    if (calendar === null) return;
    const header = Buffer.from(JSON.stringify(headerFor(file, stat, series.dates.length, calendar)), "utf8");
    const offset = aligned(8 + header.length);
    const bytes = Buffer.alloc(offset + series.dates.length * 8);
    bytes.write(MAGIC, 0, "latin1");
    bytes.writeUInt32LE(header.length, 4);
    header.copy(bytes, 8);
    const closes = series.closes instanceof Float64Array ? series.closes : Float64Array.from(series.closes);
    Buffer.from(closes.buffer, closes.byteOffset, closes.byteLength).copy(bytes, offset);
    replaceCacheFile(snapshotFile(dir, file), bytes);
  } catch {
    // Read-only or full disk: parse again next time.
  }
}
