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

export { terminalSafe } from "../core/text.js";

/** What a report's title adds when its prices are not live: the bundled sample says so. */
export function sourceNote(source: { kind: string; lastDate?: unknown } | undefined): string {
  if (source?.kind !== "sample") return "";
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
