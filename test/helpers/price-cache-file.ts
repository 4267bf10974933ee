import { readFileSync, writeFileSync } from "node:fs";

/**
 * The live feeds' binary price cache, read and written here by its documented layout (see
 * docs/caches.md), not by the code under test: "RPC1", the header's length (u32 LE), the header
 * (JSON), zeros to a multiple of 8, adjusted closes then raw closes (float64 LE), then the dates
 * (10 bytes of ISO text each).
 */
export interface CachedHistory {
  symbol: string;
  fetchedAt: string;
  timezone: string;
  events: string[];
  dates: string[];
  close: number[];
  adjclose: number[];
  [field: string]: unknown;
}

export function readCacheFile(file: string): CachedHistory {
  const bytes = readFileSync(file);
  if (bytes.toString("latin1", 0, 4) !== "RPC1") throw new Error(`${file}: not a binary price cache`);
  const length = bytes.readUInt32LE(4);
  const header = JSON.parse(bytes.toString("utf8", 8, 8 + length)) as Record<string, unknown> & { count: number };
  const offset = Math.ceil((8 + length) / 8) * 8;
  const n = header.count;
  const column = (start: number): number[] => Array.from({ length: n }, (_, i) => bytes.readDoubleLE(start + i * 8));
  const dates = Array.from({ length: n }, (_, i) => bytes.toString("latin1", offset + 16 * n + 10 * i, offset + 16 * n + 10 * (i + 1)));
  const { count: _count, ...rest } = header;
  return { ...(rest as Omit<CachedHistory, "dates" | "close" | "adjclose">), adjclose: column(offset), close: column(offset + 8 * n), dates } as CachedHistory;
}

export function writeCacheFile(file: string, entry: CachedHistory, mode = 0o600): void {
  const { dates, close, adjclose, ...rest } = entry;
  const n = dates.length;
  const header = Buffer.from(JSON.stringify({ format: 1, ...rest, count: n }), "utf8");
  const offset = Math.ceil((8 + header.length) / 8) * 8;
  const bytes = Buffer.alloc(offset + n * 26);
  bytes.write("RPC1", 0, "latin1");
  bytes.writeUInt32LE(header.length, 4);
  header.copy(bytes, 8);
  for (let i = 0; i < n; i++) {
    bytes.writeDoubleLE(adjclose[i]!, offset + i * 8);
    bytes.writeDoubleLE(close[i]!, offset + (n + i) * 8);
    bytes.write(dates[i]!, offset + 16 * n + 10 * i, "latin1");
  }
  writeFileSync(file, bytes, { mode });
}
