import { mkdirSync, type BigIntStats } from "node:fs";
import path from "node:path";
import type { PriceSeries } from "../../core/series.js";
import { replaceCacheFile } from "../../fs-write.js";
import { DATE_BYTES, aligned, calendarOf, float64Column, readIntoScratch } from "../binary-columns.js";

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
const MAGIC = "RTS4";

interface SnapshotHeader {
  file: string;
  size: string;
  mtimeNs: string;
  ctimeNs: string;
  ino: string;
  count: number;
}

/**
 * 64-bit FNV-1a of a path's UTF-16 code units, as 16 hex digits: a file name, not a secret
 * (the header names the file, and a snapshot of another path is never used), so Node's crypto
 * module need not load on every run.
 */
export function pathHash(text: string): string {
  // The 64-bit state in two 32-bit halves; the prime is 2^40 + 0x1b3.
  let high = 0xcbf29ce4;
  let low = 0x84222325;
  for (let i = 0; i < text.length; i++) {
    low = (low ^ text.charCodeAt(i)) >>> 0;
    const lowTimesPrime = low * 0x1b3;
    const carry = Math.floor(lowTimesPrime / 0x1_0000_0000);
    high = (Math.imul(high, 0x1b3) + Math.imul(low, 0x100) + carry) >>> 0;
    low = lowTimesPrime >>> 0;
  }
  return high.toString(16).padStart(8, "0") + low.toString(16).padStart(8, "0");
}

function snapshotFile(dir: string, file: string): string {
  return path.join(dir, `${pathHash(file)}.bin`);
}

function headerFor(file: string, stat: BigIntStats, count: number): SnapshotHeader {
  return { file, size: String(stat.size), mtimeNs: String(stat.mtimeNs), ctimeNs: String(stat.ctimeNs), ino: String(stat.ino), count };
}

export function readSnapshot(dir: string, file: string, symbol: string, stat: BigIntStats): PriceSeries | null {
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
    const expected = headerFor(file, stat, header.count);
    if (header.file !== expected.file || header.size !== expected.size || header.mtimeNs !== expected.mtimeNs || header.ctimeNs !== expected.ctimeNs || header.ino !== expected.ino) return null;
    const offset = aligned(8 + headerLength);
    if (bytes.length !== offset + header.count * (8 + DATE_BYTES)) return null;
    // The scratch buffer starts its own memory, and the closes start at a multiple of 8 in it.
    // They are copied out as they are (one memory copy): a plain array would be built number by
    // number, which was most of what reading 50 snapshots cost.
    const closes = float64Column(bytes, offset, header.count);
    const dates = calendarOf(bytes.subarray(offset + header.count * 8), header.count);
    return { symbol, dates, closes };
  } catch {
    return null;
  }
}

/** Best effort: a snapshot that cannot be written only costs the next run its head start. */
export function writeSnapshot(dir: string, file: string, stat: BigIntStats, series: PriceSeries): void {
  try {
    const header = Buffer.from(JSON.stringify(headerFor(file, stat, series.dates.length)), "utf8");
    const offset = aligned(8 + header.length);
    const bytes = Buffer.alloc(offset + series.dates.length * (8 + DATE_BYTES));
    bytes.write(MAGIC, 0, "latin1");
    bytes.writeUInt32LE(header.length, 4);
    header.copy(bytes, 8);
    Buffer.from(Float64Array.from(series.closes).buffer).copy(bytes, offset);
    // Dates are checked ISO text (YYYY-MM-DD, ASCII) by the time a series exists.
    bytes.write(series.dates.join(""), offset + series.dates.length * 8, "latin1");
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    replaceCacheFile(snapshotFile(dir, file), bytes);
  } catch {
    // Read-only or full disk: parse again next time.
  }
}
