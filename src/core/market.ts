/**
 * When is a cached download still the latest there is? US ETFs trade Monday to Friday,
 * 09:30-16:00 New York time. A download is stale once any part of a session has passed
 * since it was made; holidays count as sessions, which costs one small request.
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

/** "YYYY-MM-DD HH:MM" as a clock in `timeZone` shows the instant. */
export function wallClock(instant: Date, timeZone: string): string {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** The calendar date of an instant in the exchange's time zone. */
export function exchangeDate(instant: Date, timeZone: string): string {
  return wallClock(instant, timeZone).slice(0, 10);
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
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
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
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
  if (weekday === 0 || weekday === 6) return null;
  return clock.slice(11) < SESSION_CLOSE ? day : null;
}
