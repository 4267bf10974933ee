import { createRequire } from "node:module";
import type TableModule from "cli-table3";
import type { ChalkInstance } from "chalk";
import type { Signal } from "../core/check.js";
import type { Quadrant } from "../core/rrg.js";
import { formatPercent } from "./format.js";

let Table: typeof TableModule | undefined;

export function newTable(head: string[], style: ChalkInstance, leftColumns = 1): TableModule.Table {
  // Loaded on the first table: a report module can be imported for its JSON or CSV at no cost.
  Table ??= createRequire(import.meta.url)("cli-table3") as typeof TableModule;
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
export function fitTable<T>(columns: Column<T>[], rows: readonly T[], style: ChalkInstance, leftColumns: number, width: number | undefined): string {
  let shown = columns;
  for (;;) {
    const table = newTable(shown.map((c) => c.header), style, leftColumns);
    for (const row of rows) table.push(shown.map((c) => c.cell(row)));
    const text = table.toString();
    const widest = Math.max(...text.split("\n").map((line) => [...line.replace(ANSI, "")].length));
    if (width === undefined || widest <= width || shown.length <= leftColumns + 2) return text;
    const weakest = shown.slice(leftColumns).reduce((a, b) => (b.keep < a.keep ? b : a));
    shown = shown.filter((c) => c !== weakest);
  }
}

export function colourReturn(value: number | null, style: ChalkInstance): string {
  const text = formatPercent(value);
  if (value === null || text === "0.00%") return text;
  return value > 0 ? style.green(text) : style.red(text);
}
