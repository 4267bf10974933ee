import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CsvFolderSource } from "../../src/sources/csv/folder.js";
import { pathHash } from "../../src/sources/csv/snapshot.js";
import { weekdays } from "../helpers/series.js";

/** The snapshot files of a folder (its calendars/ folder holds the dates they share). */
function snapshotFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith(".bin"));
}

function setup() {
  const root = mkdtempSync(path.join(tmpdir(), "rotation-snap-"));
  const data = path.join(root, "prices");
  const snapshots = path.join(root, "snapshots");
  mkdirSync(data);
  const dates = weekdays("2020-01-01", 300);
  const write = (closes: (i: number) => number) => writeFileSync(path.join(data, "IWM.csv"), `Date,Close\n${dates.map((d, i) => `${d},${closes(i)}`).join("\n")}\n`);
  write((i) => 100 + i / 7);
  return { data, snapshots, dates, write };
}

describe("parsed-file snapshots", () => {
  it("gives exactly the parsed series back on the next run", async () => {
    const { data, snapshots } = setup();
    const first = await new CsvFolderSource(data, { lenient: false, snapshotDir: snapshots }).load(["IWM"]);
    expect(snapshotFiles(snapshots)).toHaveLength(1);
    const second = await new CsvFolderSource(data, { lenient: false, snapshotDir: snapshots }).load(["IWM"]);
    // Closes come back as a typed array from a snapshot: the same numbers, bit for bit.
    const plain = (series: { symbol: string; dates: string[]; closes: ArrayLike<number> } | undefined) => series && { ...series, closes: Array.from(series.closes) };
    expect(plain(second.series.get("IWM"))).toEqual(plain(first.series.get("IWM")));
    const direct = await new CsvFolderSource(data, { lenient: false }).load(["IWM"]);
    expect(plain(second.series.get("IWM"))).toEqual(plain(direct.series.get("IWM")));
    expect(Array.from(second.series.get("IWM")!.closes).every((close, i) => Object.is(close, direct.series.get("IWM")!.closes[i]))).toBe(true);
  });

  it("is not used once the file changes", async () => {
    const { data, snapshots, write } = setup();
    await new CsvFolderSource(data, { lenient: false, snapshotDir: snapshots }).load(["IWM"]);
    write((i) => 200 + i);
    const after = await new CsvFolderSource(data, { lenient: false, snapshotDir: snapshots }).load(["IWM"]);
    expect(after.series.get("IWM")!.closes[0]).toBe(200);
  });

  it("ignores a damaged snapshot", async () => {
    const { data, snapshots } = setup();
    await new CsvFolderSource(data, { lenient: false, snapshotDir: snapshots }).load(["IWM"]);
    const [file] = snapshotFiles(snapshots);
    writeFileSync(path.join(snapshots, file!), "RTS1 garbage");
    const again = await new CsvFolderSource(data, { lenient: false, snapshotDir: snapshots }).load(["IWM"]);
    expect(again.series.get("IWM")!.dates).toHaveLength(300);
  });

  it("reads files of any size one after another, none showing another's bytes", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "rotation-snap-"));
    const data = path.join(root, "prices");
    const snapshots = path.join(root, "snapshots");
    mkdirSync(data);
    // Long, short, long again, with other start dates: a buffer reused between reads must be cut to each file.
    const lengths = { AAA: 900, BBB: 40, CCC: 1200, DDD: 3, EEE: 700 };
    const expected = new Map<string, { dates: string[]; closes: number[] }>();
    Object.entries(lengths).forEach(([symbol, count], k) => {
      const dates = weekdays(`20${10 + k}-03-01`, count);
      const closes = dates.map((_, i) => 50 + k + i / 13);
      expected.set(symbol, { dates, closes });
      writeFileSync(path.join(data, `${symbol}.csv`), `Date,Close\n${dates.map((d, i) => `${d},${closes[i]}`).join("\n")}\n`);
    });
    const symbols = Object.keys(lengths);
    await new CsvFolderSource(data, { lenient: false, snapshotDir: snapshots }).load(symbols);
    expect(snapshotFiles(snapshots)).toHaveLength(symbols.length);
    const fromSnapshots = await new CsvFolderSource(data, { lenient: false, snapshotDir: snapshots }).load(symbols);
    for (const symbol of symbols) {
      expect(fromSnapshots.series.get(symbol)!.dates).toEqual(expected.get(symbol)!.dates);
      expect(Array.from(fromSnapshots.series.get(symbol)!.closes)).toEqual(expected.get(symbol)!.closes);
    }
  });

  it("never keeps a file that parsed with warnings", async () => {
    const { data, snapshots, dates } = setup();
    writeFileSync(path.join(data, "IWM.csv"), `Date,Close\n${dates[0]},1\n${dates[1]},bad\n`);
    const result = await new CsvFolderSource(data, { lenient: true, snapshotDir: snapshots }).load(["IWM"]);
    expect(result.warnings).toHaveLength(1);
    const again = await new CsvFolderSource(data, { lenient: true, snapshotDir: snapshots }).load(["IWM"]);
    expect(again.warnings).toHaveLength(1);
  });
});

describe("calendars shared between snapshots", () => {
  it("give every series exactly its own dates, whichever order funds are read in", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "rotation-snap-"));
    const data = path.join(root, "prices");
    mkdirSync(data);
    const all = weekdays("2031-01-01", 400);
    const calendars: Record<string, string[]> = {
      OLD: all,
      YOUNG: all.slice(250),
      MIDDLE: all.slice(100, 300),
      GAP: [...all.slice(200, 260), ...all.slice(261)],
      ONE: all.slice(399),
    };
    for (const [symbol, dates] of Object.entries(calendars)) {
      writeFileSync(path.join(data, `${symbol}.csv`), `Date,Close\n${dates.map((d, i) => `${d},${100 + i}`).join("\n")}\n`);
    }
    for (const order of [["YOUNG", "OLD", "GAP", "ONE", "MIDDLE"], ["OLD", "MIDDLE", "YOUNG", "ONE", "GAP"], ["ONE", "GAP", "MIDDLE", "YOUNG", "OLD"]]) {
      const snapshots = mkdtempSync(path.join(root, "snapshots-"));
      // The first load parses and writes snapshots; the second reads them back.
      await new CsvFolderSource(data, { lenient: false, snapshotDir: snapshots }).load(order);
      const read = await new CsvFolderSource(data, { lenient: false, snapshotDir: snapshots }).load(order);
      for (const symbol of order) expect(read.series.get(symbol)!.dates).toEqual(calendars[symbol]);
    }
  });

  it("give funds with the same calendar one dates array, also when an older fund lent it", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "rotation-snap-"));
    const data = path.join(root, "prices");
    mkdirSync(data);
    const all = weekdays("2031-01-01", 300);
    const calendars: Record<string, string[]> = { OLD: all, TWIN1: all.slice(120), TWIN2: all.slice(120), TWIN3: all.slice(120) };
    for (const [symbol, dates] of Object.entries(calendars)) {
      writeFileSync(path.join(data, `${symbol}.csv`), `Date,Close\n${dates.map((d, i) => `${d},${50 + i}`).join("\n")}\n`);
    }
    const snapshots = mkdtempSync(path.join(root, "snapshots-"));
    const order = ["OLD", "TWIN1", "TWIN2", "TWIN3"];
    await new CsvFolderSource(data, { lenient: false, snapshotDir: snapshots }).load(order);
    const read = await new CsvFolderSource(data, { lenient: false, snapshotDir: snapshots }).load(order);
    const twin = read.series.get("TWIN1")!.dates;
    expect(twin).toEqual(calendars.TWIN1);
    expect(read.series.get("TWIN2")!.dates).toBe(twin);
    expect(read.series.get("TWIN3")!.dates).toBe(twin);
    expect(read.series.get("OLD")!.dates).toEqual(all);
  });
});

describe("snapshot file names", () => {
  it("are the 64-bit FNV-1a of the path (the published test vectors)", () => {
    expect(pathHash("")).toBe("cbf29ce484222325");
    expect(pathHash("a")).toBe("af63dc4c8601ec8c");
    expect(pathHash("foobar")).toBe("85944171f73967e8");
  });

  it("agree with the definition computed with BigInt on any path", () => {
    const reference = (text: string): string => {
      let hash = 0xcbf29ce484222325n;
      for (let i = 0; i < text.length; i++) hash = ((hash ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n) & 0xffffffffffffffffn;
      return hash.toString(16).padStart(16, "0");
    };
    for (const text of ["/home/analyst/prices/IWM.csv", "/data/ünïcode/€.csv", "x".repeat(1000), "\u0000\uffff"]) expect(pathHash(text)).toBe(reference(text));
  });
});
