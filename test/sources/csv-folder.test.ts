import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { CsvFolderSource } from "../../src/sources/csv/folder.js";
import { weekdays } from "../helpers/series.js";

function folder(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "rotation-folder-"));
  for (const [name, body] of Object.entries(files)) writeFileSync(path.join(dir, name), body);
  return dir;
}

/** A file of several 1 MiB pieces: every row padded with a wide third cell. */
function wideFile(dates: string[], closes: (i: number) => number, lineEnd: string, quoted: boolean): string {
  const pad = "7".repeat(500);
  const cell = (text: string) => (quoted ? `"${text}"` : text);
  return [["Date", "Close", "Note"].map(cell).join(","), ...dates.map((d, i) => [d, String(closes(i)), pad].map(cell).join(","))].join(lineEnd) + lineEnd;
}

describe("price files read piece by piece", () => {
  const dates = weekdays("1990-01-01", 9000);
  const closes = (i: number) => Math.round((100 + Math.sin(i / 50) * 20 + i / 100) * 10_000) / 10_000;
  for (const [name, lineEnd, quoted] of [["plain, LF", "\n", false], ["plain, CRLF", "\r\n", false], ["quoted, CRLF", "\r\n", true]] as const) {
    it(`give every row of a ${name} file of several MiB, with the line count right`, async () => {
      const text = wideFile(dates, closes, lineEnd, quoted);
      expect(text.length).toBeGreaterThan(4 * 2 ** 20);
      const dir = folder({ "W.csv": text });
      const { series, failures } = await new CsvFolderSource(dir, { lenient: false }).load(["W"]);
      expect(failures).toEqual([]);
      expect(series.get("W")!.dates).toEqual(dates);
      expect(Array.from(series.get("W")!.closes)).toEqual(dates.map((_, i) => closes(i)));
      // A bad row far into the file is named by its own line.
      const lines = text.split(lineEnd);
      lines[8000] = lines[8000]!.replace(/^("?)\d{4}/, "$1x024");
      const broken = folder({ "W.csv": lines.join(lineEnd) });
      const refused = await new CsvFolderSource(broken, { lenient: false }).load(["W"]);
      expect(refused.failures[0]?.error.message).toMatch(/W\.csv:8001: date "x024-.*" is not a YYYY-MM-DD calendar date \(--lenient skips bad rows, each with a warning\)$/);
    });
  }

  it("a .gz file that inflates past the 64 MiB cap is refused in one line, not inflated whole", async () => {
    const bomb = gzipSync(Buffer.concat([Buffer.from("Date,Close\n"), Buffer.alloc(70 * 2 ** 20, 0x20)]));
    const dir = folder({ "B.csv.gz": bomb });
    const { failures } = await new CsvFolderSource(dir, { lenient: false }).load(["B"]);
    expect(failures[0]?.error.message).toMatch(/B\.csv\.gz: larger than the 64 MiB limit once inflated \(a compressed bomb\?\); refused$/);
  });

  it("a row dated after the latest date given is refused, naming file and line", async () => {
    const dir = folder({ "F.csv": "Date,Close\n2024-07-15,1\n2024-07-16,2\n2024-07-17,3\n" });
    const { failures } = await new CsvFolderSource(dir, { lenient: false, latest: "2024-07-16" }).load(["F"]);
    expect(failures[0]?.error.message).toMatch(/F\.csv:4: date 2024-07-17 is after today \(2024-07-16\) \(--lenient skips bad rows, each with a warning\)$/);
    const lenient = await new CsvFolderSource(dir, { lenient: true, latest: "2024-07-16" }).load(["F"]);
    expect(lenient.series.get("F")!.dates).toEqual(["2024-07-15", "2024-07-16"]);
  });
});
