import { describe, expect, it } from "vitest";
import { calendarOf } from "../../src/sources/calendars.js";
import { weekdays } from "../helpers/series.js";


/** Dates as a binary file stores them: ISO text back to back, 10 bytes each. */
const stored = (dates: string[]): Buffer => Buffer.from(dates.join(""), "latin1");

describe("calendarOf: the dates of a binary file, shared between the funds of a run", () => {
  it("a file whose dates are a calendar already read, or its end, gets that calendar's array without a parse", () => {
    const full = weekdays("1990-01-01", 3000);
    const first = calendarOf(stored(full), full.length);
    expect(first).toEqual(full);
    // The same bytes again: the same array.
    expect(calendarOf(stored(full), full.length)).toBe(first);
    // A fund listed later: the end of the calendar, one array for every fund of that tail.
    const tail = full.slice(1234);
    const later = calendarOf(stored(tail), tail.length);
    expect(later).toEqual(tail);
    expect(calendarOf(stored(tail), tail.length)).toBe(later);
  });

  it("bytes that differ from every calendar read are parsed and checked, never taken for one", () => {
    const full = weekdays("1995-01-02", 500);
    expect(calendarOf(stored(full), full.length)).toEqual(full);
    // The same length and the same last date, one Friday in the middle moved to its Saturday.
    const moved = [...full];
    const friday = full.findIndex((date, i) => i > 200 && new Date(`${date}T00:00:00Z`).getUTCDay() === 5);
    moved[friday] = new Date(Date.parse(`${full[friday]}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect(calendarOf(stored(moved), moved.length)).toEqual(moved);
    // A date that is no date, and dates out of order, in a text as long as the calendar's tail.
    const broken = full.slice(100);
    broken[10] = "1995-13-01";
    expect(calendarOf(stored(broken), broken.length)).toBeNull();
    const swapped = full.slice(100);
    [swapped[3], swapped[4]] = [swapped[4] as string, swapped[3] as string];
    expect(calendarOf(stored(swapped), swapped.length)).toBeNull();
    // Longer than any calendar read: parsed whole.
    const longer = [...weekdays("1994-06-01", 100).filter((d) => d < full[0]!), ...full];
    expect(calendarOf(stored(longer), longer.length)).toEqual(longer);
  });

  it("a text of the wrong length for its count is refused", () => {
    const full = weekdays("2001-01-01", 50);
    calendarOf(stored(full), full.length);
    expect(calendarOf(stored(full.slice(10)), full.length - 11)).toBeNull();
  });
});

describe("dateKeysOf and keysHash, against definitions written here", () => {
  it("reads each date as the number yyyymmdd, and refuses anything but YYYY-MM-DD later than the date before", async () => {
    const { dateKeysOf } = await import("../../src/sources/binary-columns.js");
    const good = weekdays("1999-12-27", 40);
    expect(Array.from(dateKeysOf(stored(good), good.length)!)).toEqual(good.map((d) => Number(d.replace(/-/g, ""))));
    for (const bad of ["2024-0a-01", "2024/01/02", "2024-01-00", "2024-01-32", "2024-00-10", "2024-13-10", " 024-01-02", "2024-01-0\u00ff", "2024-01-0:", "2024-01-0/", "2024_01-02"]) {
      const dates = ["2024-01-01", bad, "2024-01-03"];
      expect(dateKeysOf(Buffer.from(dates.join(""), "latin1"), 3), bad).toBeNull();
    }
    expect(dateKeysOf(stored(["2024-01-02", "2024-01-02"]), 2)).toBeNull();
    expect(dateKeysOf(stored(["2024-01-02"]), 2)).toBeNull();
  });

  it("keysHash is 64-bit FNV-1a over the 32-bit words", async () => {
    const { keysHash } = await import("../../src/sources/fnv.js");
    const reference = (words: number[]): string => {
      let hash = 0xcbf29ce484222325n;
      for (const word of words) hash = ((hash ^ BigInt(word >>> 0)) * 0x100000001b3n) & 0xffffffffffffffffn;
      return hash.toString(16).padStart(16, "0");
    };
    const keys = weekdays("1990-01-01", 3000).map((d) => Number(d.replace(/-/g, "")));
    expect(keysHash(Int32Array.from(keys), keys.length)).toBe(reference(keys));
    expect(keysHash(Int32Array.from(keys), 10)).toBe(reference(keys.slice(0, 10)));
    expect(keysHash(new Int32Array(0), 0)).toBe(reference([]));
  });
});
