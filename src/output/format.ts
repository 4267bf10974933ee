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

/** Where a figure stands against its thresholds: any value, the same for a figure on the same side of every threshold. */
export type Side = (value: number) => number;

/**
 * THE rule for a figure shown beside thresholds: the value rounded to `digits` (as JSON's value
 * would be), except that it is never shown on the other side of a threshold than it is. When
 * rounding would cross one, the figure is cut toward the value instead (98.996 at threshold 99
 * shows 98.99; 1.004 at threshold 1, flagged at or below, shows 1.01).
 */
export function formatBesideThresholds(value: number, digits: number, side: Side): string {
  const rounded = value.toFixed(digits);
  const where = side(value);
  if (side(Number(rounded)) === where) return rounded;
  const scale = 10 ** digits;
  const down = (Math.floor(value * scale) / scale).toFixed(digits);
  if (side(Number(down)) === where) return down;
  return (Math.ceil(value * scale) / scale).toFixed(digits);
}

/** Percentiles flagged at or above `high` and at or below `low`. */
export interface PercentileBands {
  high: number;
  low: number;
}

/** The bands of a surge threshold: at or above it, or at or below 100 minus it. */
export function surgeBands(threshold: number): PercentileBands {
  return { high: threshold, low: 100 - threshold };
}

/** A percentile to 2 decimals, on the same side of its bands as its value (formatBesideThresholds). */
export function formatPercentile(value: number | null | undefined, bands: PercentileBands): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NOT_AVAILABLE;
  return formatBesideThresholds(value, 2, (v) => (v >= bands.high ? 1 : v <= bands.low ? -1 : 0));
}

export { terminalSafe } from "../core/text.js";

/** A --lookback as words, after "the last": "2520" -> "2,520 sessions", "10y" -> "10 years". */
export function lookbackWords(lookback: string): string {
  return lookback.endsWith("y") ? `${lookback.slice(0, -1)} years` : `${Number(lookback).toLocaleString("en-US")} sessions`;
}

/** What a report's title adds when its prices are not live: the bundled sample says so. */
export function sourceNote(source: { kind: string; lastDate?: unknown; fromSample?: unknown; lagSessions?: unknown; lastClosedSession?: unknown } | undefined): string {
  const fromSample = source?.fromSample as { symbols: string[]; lastDate: string } | undefined;
  const lag = typeof source?.lagSessions === "number" && source.lagSessions > 1 ? ` [newest close ${source.lagSessions} sessions behind the last closed session, ${String(source.lastClosedSession)}]` : "";
  if (fromSample !== undefined) return ` [${fromSample.symbols.join(", ")} from the bundled sample of daily closes to ${fromSample.lastDate}, not live data]${lag}`;
  if (source?.kind !== "sample") return lag;
  // The sample's banner already says where its closes end.
  return ` [bundled sample of daily closes to ${String(source.lastDate)}, not live data]`;
}

const ANSI_CODES = /\u001b\[[0-9;]*m/g;
const TABLE_LINE = /[│┌└├┬┴┼─]/;

/** Columns a terminal shows for text: its widest line, colour codes aside. */
export function visibleWidth(text: string): number {
  let width = 0;
  for (const line of text.replace(ANSI_CODES, "").split("\n")) width = Math.max(width, [...line].length);
  return width;
}

/**
 * Text for a terminal of `width` columns: prose lines are wrapped at spaces, so no line runs past
 * the edge; table lines (already fitted to the width) and lines without spaces are left alone.
 */
export function wrapForTerminal(text: string, width: number): string {
  return text
    .split("\n")
    .map((line) => {
      const visible = line.replace(ANSI_CODES, "");
      if (visibleWidth(line) <= width || TABLE_LINE.test(visible) || !visible.includes(" ")) return line;
      const out: string[] = [];
      let current = "";
      let currentWidth = 0;
      for (const word of line.split(" ")) {
        const wordWidth = visibleWidth(word);
        if (current !== "" && currentWidth + 1 + wordWidth > width) {
          out.push(current);
          current = word;
          currentWidth = wordWidth;
        } else {
          current = current === "" ? word : `${current} ${word}`;
          currentWidth += (currentWidth === 0 ? 0 : 1) + wordWidth;
        }
      }
      out.push(current);
      return out.join("\n");
    })
    .join("\n");
}
