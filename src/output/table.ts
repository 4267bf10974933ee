import type TableModule from "cli-table3";
import type { ChalkInstance } from "chalk";
import type { Signal } from "../core/check.js";
import type { Quadrant } from "../core/rrg.js";
import { requireOnUse } from "../require-on-use.js";
import { formatPercent } from "./format.js";

let Table: typeof TableModule | undefined;

export function newTable(head: string[], style: ChalkInstance, leftColumns = 1): TableModule.Table {
  // Loaded on the first table: a report module can be imported for its JSON or CSV at no cost.
  Table ??= requireOnUse("cli-table3") as typeof TableModule;
  return new Table({
    head: head.map((title) => style.bold(title)),
    // cli-table3 colours headers red by default; colour is decided by us, per terminal.
    style: { head: [], border: [], compact: true },
    colAligns: head.map((_, index) => (index < leftColumns ? "left" : "right")),
  });
}

export function signalLabel(signal: Signal | null, style: ChalkInstance): string {
  if (signal === "small-surge") return style.green.bold("SMALL-SURGE");
  if (signal === "large-surge") return style.red.bold("LARGE-SURGE");
  return "";
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

const ANSI = /\u001b\[[0-9;]*m/g;

/** The table with as many columns as fit `width` (all of them when width is unknown). */
/** Columns a terminal shows: text width, ANSI colour codes aside. */
function displayWidth(text: string): number {
  let width = 0;
  for (const line of text.replace(ANSI, "").split("\n")) width = Math.max(width, [...line].length);
  return width;
}

/**
 * The table with as many columns as fit `width` (all of them when width is unknown). Every cell
 * is rendered and measured once; the least needed columns are dropped by arithmetic on those
 * widths (a table is its cells, one space of padding each side, and a border between), and
 * cli-table3 lays out only the final table. A row is never wrapped.
 */
export function fitTable<T>(columns: Column<T>[], rows: readonly T[], style: ChalkInstance, leftColumns: number, width: number | undefined): string {
  const cells = rows.map((row) => columns.map((c) => c.cell(row)));
  const widths = columns.map((c, i) => Math.max(displayWidth(style.bold(c.header)), ...cells.map((row) => displayWidth(row[i] as string))));
  let shown = columns.map((_, i) => i);
  const total = (indices: number[]): number => indices.reduce((sum, i) => sum + (widths[i] as number) + 3, 1);
  while (width !== undefined && total(shown) > width && shown.length > leftColumns + 2) {
    const weakest = shown.slice(leftColumns).reduce((a, b) => ((columns[b] as Column<T>).keep < (columns[a] as Column<T>).keep ? b : a));
    shown = shown.filter((i) => i !== weakest);
  }
  const table = newTable(shown.map((i) => (columns[i] as Column<T>).header), style, leftColumns);
  for (const row of cells) table.push(shown.map((i) => row[i] as string));
  return table.toString();
}

/** A table of ready cells (strings) fitted the same way: `keep` weighs each column (higher stays longer). */
export function fitCells(head: readonly string[], rows: readonly (readonly string[])[], keep: readonly number[], style: ChalkInstance, leftColumns: number, width: number | undefined): string {
  const columns: Column<readonly string[]>[] = head.map((header, i) => ({ header, cell: (row) => row[i] ?? "", keep: keep[i] ?? 0 }));
  return fitTable(columns, rows, style, leftColumns, width);
}

/** A report's title, its parenthesised details on a line of their own when it would not fit. */
export function fitTitle(title: string, details: string, width: number | undefined): string {
  if (width === undefined || displayWidth(title + details) <= width) return title + details;
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
  return {
    push: (row: string[]) => void rows.push(row),
    toString: () => fitCells(head, rows, keep, style, leftColumns, width),
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
