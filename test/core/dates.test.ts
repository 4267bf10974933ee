import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, dayNumber, dayNumberBeside, daysBetween, isIsoDate, lastIndexOnOrBefore } from "../../src/core/dates.js";

describe("dayNumber", () => {
  it("counts days from 1970-01-01 as Date.UTC does for years 100 to 9999", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(100, 0, 1), max: Date.UTC(9999, 11, 31) }), (ms) => {
        const iso = new Date(ms).toISOString().slice(0, 10);
        expect(dayNumber(iso)).toBe(Math.floor(ms / 86_400_000));
      }),
      { numRuns: 500 },
    );
  });

  it("reads years 0000-0099 as themselves (the proleptic Gregorian calendar), where Date.UTC would add 1900", () => {
    // 0000-01-01 is 719,528 days before 1970-01-01 (ISO 8601's year zero, a leap year).
    expect(dayNumber("0000-01-01")).toBe(-719_528);
    expect(dayNumber("0000-03-01") - dayNumber("0000-02-28")).toBe(2);
    expect(dayNumber("0099-12-31") + 1).toBe(dayNumber("0100-01-01"));
    expect(dayNumber("1970-01-01")).toBe(0);
    expect(dayNumber("2024-07-16")).toBe(19_920);
  });
});

describe("dayNumberBeside", () => {
  it("gives dayNumber from a neighbour's, across days, months, years and leap days", () => {
    const day = 86_400_000;
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 11, 31) }), fc.integer({ min: -40, max: 40 }), (ms, offset) => {
        const neighbour = new Date(ms).toISOString().slice(0, 10);
        const date = new Date(ms + offset * day).toISOString().slice(0, 10);
        expect(dayNumberBeside(date, neighbour, dayNumber(neighbour))).toBe(Math.floor(ms / day) + offset);
      }),
      { numRuns: 1000 },
    );
    // Same day of a month in another year or month: the whole date is read, not just the day.
    expect(dayNumberBeside("2023-07-16", "2024-07-16", 19_920)).toBe(19_920 - 366);
    expect(dayNumberBeside("2014-07-16", "2024-07-16", 19_920)).toBe(dayNumber("2014-07-16"));
    expect(dayNumberBeside("2024-06-30", "2024-07-01", dayNumber("2024-07-01"))).toBe(dayNumber("2024-07-01") - 1);
  });
});

describe("calendar helpers", () => {
  it("validate, step and measure ISO dates", () => {
    expect(isIsoDate("2024-02-29")).toBe(true);
    expect(isIsoDate("2023-02-29")).toBe(false);
    expect(isIsoDate("2024-13-01")).toBe(false);
    expect(addDays("2024-02-28", 2)).toBe("2024-03-01");
    expect(daysBetween("2024-07-12", "2024-07-16")).toBe(4);
    expect(lastIndexOnOrBefore(["2024-07-12", "2024-07-15", "2024-07-16"], "2024-07-14")).toBe(0);
    expect(lastIndexOnOrBefore(["2024-07-12"], "2024-07-11")).toBe(-1);
  });
});
