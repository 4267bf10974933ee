import type TableModule from "cli-table3";
import type { ChalkInstance } from "chalk";
import type { Signal } from "../core/check.js";
import type { Quadrant } from "../core/rrg.js";
import { requireOnUse } from "../boot/require-on-use.js";
import { formatPercent, visibleWidth } from "./format.js";

let Table: typeof TableModule | undefined;

/** The same table as cli-table3 draws it, whichever way it is drawn (see drawTable). */
function cliTable3(head: readonly string[], rows: readonly (readonly string[])[], leftColumns: number): string {
  // Loaded on the first table that needs it: a report module can be imported for its JSON or CSV at no cost.
  Table ??= requireOnUse("cli-table3") as typeof TableModule;
  const table = new Table({
    head: [...head],
    // cli-table3 colours headers red by default; colour is decided by us, per terminal.
    style: { head: [], border: [], compact: true },
    colAligns: head.map((_, index) => (index < leftColumns ? "left" : "right")),
  });
  for (const row of rows) table.push([...row]);
  return table.toString();
}

/** The colour codes cli-table3 measures around (SGR: ESC [ params m). */
const SGR = /\u001b\[(?:\d*;){0,5}\d*m/g;
/**
 * Text of which every character is one column wide by cli-table3's measure (string-width):
 * printable ASCII and the symbols our reports print (dashes, arrows, comparison signs, box
 * drawing, sparkline blocks, triangles, the dot). Anything else goes to cli-table3 itself.
 */
const ONE_COLUMN_EACH = /^[\u0020-\u007e\u00d7\u2014\u2192\u2264\u2265\u2500-\u257f\u2581-\u2588\u25b2\u25bc\u25cf]*$/;

/**
 * A table with a header row, boxed as cli-table3 draws it with our options (compact, padding 1,
 * `leftColumns` left-aligned, the rest right-aligned), byte for byte: cli-table3 measures and
 * merges options cell by cell (~80 ms for the 52-pair table), while single-line cells of
 * one-column characters, which is what our reports print, take arithmetic. Any other cell (a
 * line break, a wide or combining character, a control sequence that is not a colour) sends the
 * whole table to cli-table3. A test draws random tables both ways and compares them.
 */
export function drawTable(head: readonly string[], rows: readonly (readonly string[])[], leftColumns: number): string {
  const all = [head, ...rows];
  const widths: number[] = head.map(() => 0);
  const visible: number[][] = [];
  for (const row of all) {
    const lengths: number[] = [];
    for (let i = 0; i < head.length; i++) {
      const plain = (row[i] ?? "").replace(SGR, "");
      if (!ONE_COLUMN_EACH.test(plain)) return cliTable3(head, rows, leftColumns);
      lengths.push(plain.length);
      if (plain.length > (widths[i] as number)) widths[i] = plain.length;
    }
    visible.push(lengths);
  }
  const rule = (left: string, middle: string, right: string): string => left + widths.map((width) => "─".repeat(width + 2)).join(middle) + right;
  const line = (row: readonly string[], lengths: number[]): string =>
    `│${head
      .map((_, i) => {
        const space = " ".repeat((widths[i] as number) - (lengths[i] as number));
        const text = row[i] ?? "";
        return ` ${i < leftColumns ? text + space : space + text} `;
      })
      .join("│")}│`;
  const lines = [rule("┌", "┬", "┐"), line(head, visible[0] as number[])];
  // A header alone has no rule under it.
  if (rows.length > 0) lines.push(rule("├", "┼", "┤"));
  for (let r = 0; r < rows.length; r++) lines.push(line(rows[r] as readonly string[], visible[r + 1] as number[]));
  lines.push(rule("└", "┴", "┘"));
  return lines.join("\n");
}

/**
 * A signal as people read it. With `groups` (the size groups of the pair's fund and benchmark),
 * the label names the group that surged: IJH, a mid-cap fund, outrunning SPY is a MID-SURGE.
 * The JSON values stay "small-surge" and "large-surge" (the fund's side, the benchmark's side).
 */
export function signalLabel(signal: Signal | null, style: ChalkInstance, groups?: { fund?: string; benchmark?: string }): string {
  if (signal === null) return "";
  const side = signal === "small-surge" ? groups?.fund : groups?.benchmark;
  const named = side === "small" || side === "mid" || side === "large" ? side.toUpperCase() : signal === "small-surge" ? "SMALL" : "LARGE";
  return signal === "small-surge" ? style.green.bold(`${named}-SURGE`) : style.red.bold(`${named}-SURGE`);
}

export function quadrantLabel(quadrant: Quadrant, style: ChalkInstance): string {
  switch (quadrant) {
    case "Leading":
      return style.green(quadrant);
    case "Weakening":
      return style.yellow(quadrant);
    case "Lagging":
      return style.red(quadrant);
    case "Improving":
      return style.blue(quadrant);
  }
}

/** A column of a table for people, with its weight when the table must shrink. */
export interface Column<T> {
  header: string;
  cell: (row: T) => string;
  /** Lower goes first when the table must shrink to fit the terminal. */
  keep: number;
}


/**
 * The table with as many columns as fit `width` (all of them when width is unknown). Every cell
 * is rendered and measured once; the least needed columns are dropped by arithmetic on those
 * widths (a table is its cells, one space of padding each side, and a border between), and
 * drawTable draws only the final table. A row is never wrapped.
 */
export function fitTable<T>(columns: Column<T>[], rows: readonly T[], style: ChalkInstance, leftColumns: number, width: number | undefined, onShown?: (indices: readonly number[]) => void): string {
  const cells = rows.map((row) => columns.map((c) => c.cell(row)));
  const widths = columns.map((c, i) => Math.max(visibleWidth(style.bold(c.header)), ...cells.map((row) => visibleWidth(row[i] as string))));
  let shown = columns.map((_, i) => i);
  const total = (indices: number[]): number => indices.reduce((sum, i) => sum + (widths[i] as number) + 3, 1);
  while (width !== undefined && total(shown) > width && shown.length > leftColumns + 2) {
    const weakest = shown.slice(leftColumns).reduce((a, b) => ((columns[b] as Column<T>).keep < (columns[a] as Column<T>).keep ? b : a));
    shown = shown.filter((i) => i !== weakest);
  }
  onShown?.(shown);
  return drawTable(
    shown.map((i) => style.bold((columns[i] as Column<T>).header)),
    cells.map((row) => shown.map((i) => row[i] as string)),
    leftColumns,
  );
}

/** A table of ready cells (strings) fitted the same way: `keep` weighs each column (higher stays longer). */
export function fitCells(head: readonly string[], rows: readonly (readonly string[])[], keep: readonly number[], style: ChalkInstance, leftColumns: number, width: number | undefined, onShown?: (indices: readonly number[]) => void): string {
  const columns: Column<readonly string[]>[] = head.map((header, i) => ({ header, cell: (row) => row[i] ?? "", keep: keep[i] ?? 0 }));
  return fitTable(columns, rows, style, leftColumns, width, onShown);
}

/** A report's title, its parenthesised details on a line of their own when it would not fit. */
export function fitTitle(title: string, details: string, width: number | undefined): string {
  if (width === undefined || visibleWidth(title + details) <= width) return title + details;
  return `${title}\n${details.trim()}`;
}

export function colourReturn(value: number | null, style: ChalkInstance): string {
  const text = formatPercent(value);
  if (value === null || text === "0.00%") return text;
  return value > 0 ? style.green(text) : style.red(text);
}

/** newTable's shape (push rows, then toString), fitted to `width` with `keep` weights per column. */
export function fittingTable(head: readonly string[], keep: readonly number[], style: ChalkInstance, leftColumns: number, width: number | undefined) {
  const rows: string[][] = [];
  let shown: readonly number[] = head.map((_, i) => i);
  return {
    push: (row: string[]) => void rows.push(row),
    toString: () => fitCells(head, rows, keep, style, leftColumns, width, (indices) => (shown = indices)),
    /** Whether the column headed `header` was kept by the last toString (a legend is printed only for what is shown). */
    shows: (header: string) => shown.includes(head.indexOf(header)),
  };
}

/** A long sentence as lines of at most `width` columns (unchanged when width is unknown). */
export function wrapLines(text: string, width: number | undefined): string[] {
  if (width === undefined || text.length <= width) return [text];
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  return lines;
}
