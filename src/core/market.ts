import { NEW_YORK_CLOSED } from "./calendars/new-york.js";
import type { IsoDate } from "./dates.js";

/**
 * When is a cached download still the latest there is? US ETFs trade Monday to Friday,
 * 09:30-16:00 New York time, except on the exchange's holidays and closings
 * (calendars/new-york.ts). A download is stale once any part of a session has passed since it
 * was made.
 */
export const MARKET_TIMEZONE = "America/New_York";
const SESSION_OPEN = "09:30";
const SESSION_CLOSE = "16:00";
/** Within a session, figures this recent are reused rather than asked for again. */
export const INTRADAY_REUSE_MS = 15 * 60 * 1000;

const wallClockFormatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = wallClockFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    wallClockFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The day (of month) of the n-th Sunday of a month (0-based month), UTC calendar arithmetic. */
function nthSunday(year: number, month: number, n: number): number {
  const firstWeekday = new Date(Date.UTC(year, month, 1)).getUTCDay();
  return 1 + ((7 - firstWeekday) % 7) + 7 * (n - 1);
}

/**
 * New York's wall clock by the US daylight-saving rule (since 2007: from the second Sunday of
 * March, 02:00 local, to the first Sunday of November, 02:00 local). Creating an
 * Intl.DateTimeFormat costs ~10 ms on start-up; every run asks New York's time at least once.
 */
function newYorkClock(instant: Date): string {
  const ms = instant.getTime();
  const year = new Date(ms).getUTCFullYear();
  // 02:00 EST is 07:00 UTC; 02:00 EDT is 06:00 UTC.
  const dstStart = Date.UTC(year, 2, nthSunday(year, 2, 2), 7);
  const dstEnd = Date.UTC(year, 10, nthSunday(year, 10, 1), 6);
  const offsetHours = year >= 2007 && ms >= dstStart && ms < dstEnd ? -4 : -5;
  const local = new Date(ms + offsetHours * 3_600_000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 16)}`;
}

/** "YYYY-MM-DD HH:MM" as a clock in `timeZone` shows the instant. */
export function wallClock(instant: Date, timeZone: string): string {
  if (timeZone === MARKET_TIMEZONE && instant.getUTCFullYear() >= 2007) return newYorkClock(instant);
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** The calendar date of an instant in the exchange's time zone. */
export function exchangeDate(instant: Date, timeZone: string): string {
  return wallClock(instant, timeZone).slice(0, 10);
}

/**
 * Today's date where it is latest on earth (UTC+14, Kiribati): no exchange's session can be
 * dated later, whatever the zone of the one that wrote a file.
 */
export function latestDateAnywhere(now: Date): string {
  return new Date(now.getTime() + 14 * 3_600_000).toISOString().slice(0, 10);
}

export function isFresh(fetchedAt: Date, now: Date): boolean {
  const elapsed = now.getTime() - fetchedAt.getTime();
  if (elapsed < 0) return false;
  if (elapsed < INTRADAY_REUSE_MS) return true;
  if (elapsed > 7 * 86_400_000) return false;
  const from = wallClock(fetchedAt, MARKET_TIMEZONE);
  const to = wallClock(now, MARKET_TIMEZONE);
  // Walk the calendar days between the two instants; stale if any weekday session overlaps.
  for (let day = from.slice(0, 10); day <= to.slice(0, 10); day = nextDay(day)) {
    if (!isNewYorkSession(day)) continue;
    const open = `${day} ${SESSION_OPEN}`;
    const close = `${day} ${SESSION_CLOSE}`;
    if (from < close && to > open) return false;
  }
  return true;
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * The date of a US session that has not closed yet at `now` (New York time, a weekday before
 * 16:00), or null. A bar of that date is provisional: its close is not the close.
 */
export function openSessionDate(now: Date): string | null {
  const clock = wallClock(now, MARKET_TIMEZONE);
  const day = clock.slice(0, 10);
  if (!isNewYorkSession(day)) return null;
  return clock.slice(11) < SESSION_CLOSE ? day : null;
}

const CLOSED = new Set<string>(NEW_YORK_CLOSED);

/** A weekday the New York Stock Exchange is open (not one of its holidays or closings). */
export function isNewYorkSession(day: IsoDate): boolean {
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !CLOSED.has(day);
}

function previousDay(day: IsoDate): IsoDate {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

/** The last New York session on or before a date. */
export function sessionOnOrBefore(day: IsoDate): IsoDate {
  let date = day;
  while (!isNewYorkSession(date)) date = previousDay(date);
  return date;
}

/** The last New York session whose close (16:00 New York) has passed at `now`. */
export function lastClosedSession(now: Date): IsoDate {
  const clock = wallClock(now, MARKET_TIMEZONE);
  const day = clock.slice(0, 10);
  if (isNewYorkSession(day) && clock.slice(11) >= SESSION_CLOSE) return day;
  return sessionOnOrBefore(previousDay(day));
}

/** How many New York sessions lie after `from` and on or before `to` (0 when `to` is not later). */
export function sessionsAfter(from: IsoDate, to: IsoDate): number {
  let count = 0;
  for (let day = nextDay(from); day <= to; day = nextDay(day)) if (isNewYorkSession(day)) count++;
  return count;
}
