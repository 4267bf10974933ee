import type { IsoDate } from "../dates.js";

/**
 * Calendar windows that strategists cite for small caps, kept as data with their sources (never
 * a formula: the dates moved over the years, and a formula would invent the years it was not
 * checked against).
 *
 * The Russell reconstitution window runs from rank day (membership is decided on that day's
 * market caps) to reconstitution day (the new indexes take effect after that day's close), both
 * included. Only years whose schedule was found in a published source are listed; a year not
 * listed is "unknown" for this window, never "outside". Russell moves to a second, December
 * reconstitution from 2026 (LSEG, 2026-02-16, "Insights from the November 2025 Russell US
 * Indexes parallel run"); its dates are not in a source kept here, so it is not listed.
 */
export const RUSSELL_RECONSTITUTIONS: readonly { year: number; rankDay: IsoDate; reconstitution: IsoDate; source: string }[] = [
  { year: 2017, rankDay: "2017-05-12", reconstitution: "2017-06-23", source: "FTSE Russell, 2017 schedule (rank day); reconstitution on the last Friday of June, the preceding Friday when that is the 29th or 30th (Russell's rule)" },
  { year: 2018, rankDay: "2018-05-11", reconstitution: "2018-06-22", source: "ftserussell.com, Russell US Index Reconstitution, 2018 calendar" },
  { year: 2021, rankDay: "2021-05-07", reconstitution: "2021-06-25", source: "rank day as reported at the time (tsptalk.com); reconstitution by Russell's last-Friday rule" },
  { year: 2022, rankDay: "2022-05-06", reconstitution: "2022-06-24", source: "FTSE Russell, 2022 Russell US Indexes reconstitution schedule (via Mondo Visione)" },
  { year: 2023, rankDay: "2023-04-28", reconstitution: "2023-06-23", source: "FTSE Russell, 2023 Russell US Indexes reconstitution schedule (via Mondo Visione)" },
  { year: 2024, rankDay: "2024-04-30", reconstitution: "2024-06-28", source: "FTSE Russell, 2024 Russell US Indexes reconstitution schedule (via Mondo Visione, 2024-03-01)" },
  { year: 2025, rankDay: "2025-04-30", reconstitution: "2025-06-27", source: "FTSE Russell, 2025 Russell US Indexes reconstitution schedule (via Traders Magazine)" },
];

export type CalendarWindowKind = "russell-reconstitution" | "january";

export const CALENDAR_WINDOWS: readonly CalendarWindowKind[] = ["russell-reconstitution", "january"];

/** Whether a date is inside a window, outside it, or in a year the window's data does not cover. */
export type WindowMembership = "inside" | "outside" | "unknown";

export interface CalendarWindow {
  window: CalendarWindowKind;
  from: IsoDate;
  to: IsoDate;
}

/** The window of `kind` that holds `date`, or whether the date is outside or unknown. */
export function windowAt(kind: CalendarWindowKind, date: IsoDate): { membership: WindowMembership; window: CalendarWindow | null } {
  if (kind === "january") {
    const year = date.slice(0, 4);
    return date.slice(5, 7) === "01" ? { membership: "inside", window: { window: "january", from: `${year}-01-01`, to: `${year}-01-31` } } : { membership: "outside", window: null };
  }
  const year = Number(date.slice(0, 4));
  const known = RUSSELL_RECONSTITUTIONS.find((r) => r.year === year);
  if (!known) return { membership: "unknown", window: null };
  return date >= known.rankDay && date <= known.reconstitution ? { membership: "inside", window: { window: kind, from: known.rankDay, to: known.reconstitution } } : { membership: "outside", window: null };
}

/** Every window that holds `date`. */
export function windowsAt(date: IsoDate): CalendarWindow[] {
  return CALENDAR_WINDOWS.flatMap((kind) => windowAt(kind, date).window ?? []);
}

/** The window in words: "the Russell reconstitution window (rank day 2024-04-30 to 2024-06-28)". */
export function windowWords(window: CalendarWindow): string {
  return window.window === "january" ? "January" : `the Russell reconstitution window (rank day ${window.from} to reconstitution ${window.to})`;
}
