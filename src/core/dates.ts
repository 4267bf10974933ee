/** Trading dates are ISO calendar dates (YYYY-MM-DD) in the exchange's own calendar. */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(text: string): boolean {
  if (text.length !== 10 || !ISO_DATE.test(text)) return false;
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  const day = Number(text.slice(8, 10));
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number);
}

/** The date as the number yyyymmdd: dates compare as these numbers compare. */
export function dateKey(date: IsoDate): number {
  return Number(date.slice(0, 4)) * 10_000 + Number(date.slice(5, 7)) * 100 + Number(date.slice(8, 10));
}

export function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4));
}

/** Index of the last element <= date in an ascending array, or -1. */
export function lastIndexOnOrBefore(dates: readonly IsoDate[], date: IsoDate): number {
  let low = 0;
  let high = dates.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((dates[mid] as IsoDate) <= date) low = mid + 1;
    else high = mid;
  }
  return low - 1;
}

/** Calendar days from a to b (b - a). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Days since 1970-01-01 (a Thursday) of an ISO date, by integer arithmetic on the proleptic
 * Gregorian calendar (no Date: Date.UTC reads years 0-99 as 1900-1999).
 */
export function dayNumber(date: IsoDate): number {
  // Digits read in place (no helper closure): this runs for every date a weekly RRG looks at,
  // mostly before the JIT has optimised anything.
  const year = (date.charCodeAt(0) - 48) * 1000 + (date.charCodeAt(1) - 48) * 100 + (date.charCodeAt(2) - 48) * 10 + (date.charCodeAt(3) - 48);
  const month = (date.charCodeAt(5) - 48) * 10 + (date.charCodeAt(6) - 48);
  const day = (date.charCodeAt(8) - 48) * 10 + (date.charCodeAt(9) - 48);
  return daysFromCivil(year, month, day);
}

/**
 * dayNumber(date), given a neighbouring date's: within the same month only the day digits
 * differ, and the calendar arithmetic is left out (weekly picks read dates one after another).
 */
export function dayNumberBeside(date: IsoDate, neighbour: IsoDate, neighbourDay: number): number {
  for (let k = 0; k < 7; k++) if (date.charCodeAt(k) !== neighbour.charCodeAt(k)) return dayNumber(date);
  return neighbourDay + (date.charCodeAt(8) - neighbour.charCodeAt(8)) * 10 + (date.charCodeAt(9) - neighbour.charCodeAt(9));
}

export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
