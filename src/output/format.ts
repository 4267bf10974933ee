/** Formatting shared by every human-readable output. Missing figures read "n/a", never NaN. */

export const NOT_AVAILABLE = "n/a";

/** A fraction as a signed percentage: 0.1152 -> "+11.52%". */
export function formatPercent(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NOT_AVAILABLE;
  const text = (value * 100).toFixed(digits);
  if (Number(text) === 0) return `${(0).toFixed(digits)}%`;
  return `${value > 0 ? "+" : ""}${text}%`;
}

export function formatSigned(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NOT_AVAILABLE;
  const text = value.toFixed(digits);
  if (Number(text) === 0) return (0).toFixed(digits);
  return `${value > 0 ? "+" : ""}${text}`;
}

export function formatNumber(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NOT_AVAILABLE;
  return value.toFixed(digits);
}

/** Percentiles near the top must not round up to a record they are not: floor to 2 decimals. */
export function formatPercentile(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NOT_AVAILABLE;
  return (Math.floor(value * 100) / 100).toFixed(2);
}

// C0 and C1 control characters (ESC among them): data must never steer the terminal.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Text that came from files or the network, made safe to print on a terminal. */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL, "?");
}
