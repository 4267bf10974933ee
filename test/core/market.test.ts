import { describe, expect, it } from "vitest";
import { exchangeDate, isFresh, isNewYorkSession, lastClosedSession, openSessionDate, sessionOnOrBefore, sessionsAfter } from "../../src/core/market.js";

// New York is UTC-4 in July (EDT) and UTC-5 in January (EST).
const at = (iso: string): Date => new Date(iso);

describe("exchangeDate", () => {
  it("reads the session date in the exchange's zone, not UTC", () => {
    expect(exchangeDate(at("2024-07-16T13:30:00Z"), "America/New_York")).toBe("2024-07-16");
    // 02:00 UTC on the 17th is still the evening of the 16th in New York.
    expect(exchangeDate(at("2024-07-17T02:00:00Z"), "America/New_York")).toBe("2024-07-16");
    expect(exchangeDate(at("2024-07-16T23:00:00Z"), "Asia/Tokyo")).toBe("2024-07-17");
  });
});

describe("isFresh", () => {
  it("keeps a download made after the close until the next session opens", () => {
    const fetched = at("2024-07-16T20:30:00Z"); // 16:30 New York, Tuesday
    expect(isFresh(fetched, at("2024-07-17T12:00:00Z"))).toBe(true); // 08:00 Wednesday
    expect(isFresh(fetched, at("2024-07-17T13:31:00Z"))).toBe(false); // 09:31 Wednesday
  });
  it("keeps a Friday evening download over the weekend", () => {
    expect(isFresh(at("2024-07-19T21:00:00Z"), at("2024-07-22T12:00:00Z"))).toBe(true);
  });
  it("refetches a download made during a session once the session has moved on", () => {
    const fetched = at("2024-07-16T15:00:00Z"); // 11:00 New York
    expect(isFresh(fetched, at("2024-07-16T15:10:00Z"))).toBe(true); // within 15 minutes
    expect(isFresh(fetched, at("2024-07-16T21:00:00Z"))).toBe(false); // after the close
  });
  it("never trusts a download from the future or from long ago", () => {
    expect(isFresh(at("2024-07-17T00:00:00Z"), at("2024-07-16T00:00:00Z"))).toBe(false);
    expect(isFresh(at("2024-07-01T00:00:00Z"), at("2024-07-16T00:00:00Z"))).toBe(false);
  });
  it("handles winter time", () => {
    const fetched = at("2024-01-16T21:05:00Z"); // 16:05 EST
    expect(isFresh(fetched, at("2024-01-17T14:29:00Z"))).toBe(true); // 09:29 EST
    expect(isFresh(fetched, at("2024-01-17T14:31:00Z"))).toBe(false);
  });
});

describe("New York's clock without Intl (the start-up fast path)", () => {
  it("agrees with Intl.DateTimeFormat every 3.5 hours from 2007 to 2030, DST switches included", async () => {
    const { wallClock } = await import("../../src/core/market.js");
    const format = new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    let checked = 0;
    for (let t = Date.UTC(2007, 0, 1); t < Date.UTC(2030, 0, 1); t += 12_600_000) {
      const parts: Record<string, string> = {};
      for (const part of format.formatToParts(new Date(t))) parts[part.type] = part.value;
      expect(wallClock(new Date(t), "America/New_York")).toBe(`${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`);
      checked++;
    }
    expect(checked).toBeGreaterThan(50_000);
    // Around a switch: 2024-03-10 01:59 EST is followed by 03:00 EDT.
    expect(wallClock(new Date("2024-03-10T06:59:00Z"), "America/New_York")).toBe("2024-03-10 01:59");
    expect(wallClock(new Date("2024-03-10T07:00:00Z"), "America/New_York")).toBe("2024-03-10 03:00");
  });
});

describe("the New York calendar (holidays and closings as data)", () => {
  it("is SPY's real calendar from 1993-01-29 to 2026-08-03: every weekday without a close is a closing, and no closing has one", async () => {
    const { readFixtureCloses } = await import("../helpers/paths.js");
    const traded = new Set(readFixtureCloses("SPY").keys());
    const first = [...traded].sort()[0]!;
    const last = [...traded].sort().at(-1)!;
    const wrong: string[] = [];
    for (let t = Date.parse(`${first}T12:00:00Z`); t <= Date.parse(`${last}T12:00:00Z`); t += 86_400_000) {
      const day = new Date(t).toISOString().slice(0, 10);
      const weekday = new Date(t).getUTCDay();
      if (weekday === 0 || weekday === 6) continue;
      if (isNewYorkSession(day) !== traded.has(day)) wrong.push(day);
    }
    expect(wrong).toEqual([]);
  });

  it("knows the last closed session at a moment, and counts sessions between dates, holidays not counted", () => {
    // Juneteenth 2024 (a Wednesday) is a holiday: its evening's last closed session is Tuesday.
    expect(lastClosedSession(new Date("2024-06-19T22:00:00Z"))).toBe("2024-06-18");
    expect(lastClosedSession(new Date("2024-06-20T19:59:00Z"))).toBe("2024-06-18");
    expect(lastClosedSession(new Date("2024-06-20T20:00:00Z"))).toBe("2024-06-20");
    // A Monday morning: Friday.
    expect(lastClosedSession(new Date("2024-07-15T13:00:00Z"))).toBe("2024-07-12");
    expect(sessionsAfter("2024-06-14", "2024-06-21")).toBe(4);
    expect(sessionsAfter("2024-06-21", "2024-06-14")).toBe(0);
    expect(sessionOnOrBefore("2024-07-04")).toBe("2024-07-03");
    expect(openSessionDate(new Date("2024-07-04T15:00:00Z"))).toBeNull();
    expect(openSessionDate(new Date("2024-07-05T15:00:00Z"))).toBe("2024-07-05");
  });
});
