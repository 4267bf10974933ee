import Table from "cli-table3";
import type { ChalkInstance } from "chalk";
import type { CheckResult, PairResult, Signal, TickerResult } from "../core/check.js";
import type { Returns } from "../core/returns.js";
import type { Quadrant } from "../core/rrg.js";
import type { ValuationReport } from "../core/valuation.js";
import { formatNumber, formatPercent, formatPercentile, formatSigned, NOT_AVAILABLE, terminalSafe } from "./format.js";

const RETURN_HEADERS = ["1D", "5D", "21D", "63D", "252D", "YTD"];

export function newTable(head: string[], style: ChalkInstance, leftColumns = 1): Table.Table {
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

function largestSinceLabel(pair: PairResult): string {
  if (pair.surge.percentile === null) return NOT_AVAILABLE;
  return pair.surge.largestSince ?? "record";
}

/** The `rotation check` report as lines of text; the caller prints them. */
interface Column<T> {
  header: string;
  cell: (row: T) => string;
  /** Lower goes first when the table must shrink to fit the terminal. */
  keep: number;
}

const ANSI = /\u001b\[[0-9;]*m/g;

/** The table with as many columns as fit `width` (all of them when width is unknown). */
function fitTable<T>(columns: Column<T>[], rows: readonly T[], style: ChalkInstance, leftColumns: number, width: number | undefined): string {
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

export interface CheckTableOptions {
  valuation?: ValuationReport | null;
  sparklines?: ReadonlyMap<string, string> | null;
  /** Terminal width: columns of least weight are dropped until the tables fit. */
  width?: number;
}

export function renderCheckTable(result: CheckResult, style: ChalkInstance, options: CheckTableOptions = {}): string {
  const { valuation = null, sparklines = null, width } = options;
  const returnColumns = <T>(get: (row: T) => Returns, prefix: string): Column<T>[] =>
    (["d1", "d5", "d21", "d63", "d252", "ytd"] as const).map((key, i) => ({
      header: `${prefix}${RETURN_HEADERS[i]}`,
      cell: (row: T) => colourReturn(get(row)[key], style),
      keep: { d1: 2, d5: 9, d21: 6, d63: 3, d252: 4, ytd: 5 }[key],
    }));
  const tickers = fitTable<TickerResult>(
    [
      { header: "Ticker", cell: (t) => terminalSafe(t.symbol), keep: 10 },
      { header: "Group", cell: (t) => t.group, keep: 10 },
      { header: "Date", cell: (t) => t.date, keep: 7 },
      { header: "Close", cell: (t) => formatNumber(t.close), keep: 1 },
      ...returnColumns<TickerResult>((t) => t.returns, ""),
    ],
    result.tickers,
    style,
    2,
    width,
  );

  const window = result.pairs[0]?.surge.window ?? 5;
  const pairs = fitTable<PairResult>(
    [
      { header: "Pair", cell: (p) => (p.signal ? style.bold(terminalSafe(p.pair)) : terminalSafe(p.pair)), keep: 20 },
      ...returnColumns<PairResult>((p) => p.relative, "Rel "),
      { header: `Surge ${window}D`, cell: (p) => (p.signal ? style.bold(formatPercent(p.surge.value)) : formatPercent(p.surge.value)), keep: 20 },
      { header: "z", cell: (p) => formatSigned(p.surge.zScore), keep: 8 },
      { header: "Pctile", cell: (p) => formatPercentile(p.surge.percentile), keep: 19 },
      { header: "Largest since", cell: (p) => largestSinceLabel(p), keep: 18 },
      { header: "Signal", cell: (p) => signalLabel(p.signal, style), keep: 20 },
      { header: "RRG", cell: (p) => (p.rrg ? quadrantLabel(p.rrg.quadrant, style) : NOT_AVAILABLE), keep: 7 },
      ...(sparklines ? [{ header: "63D ratio", cell: (p: PairResult) => sparklines.get(p.pair) ?? "", keep: 0 }] : []),
    ],
    result.pairs,
    style,
    1,
    width,
  );

  const lines = [
    style.bold(`Size rotation as of ${result.asOf}`),
    tickers,
    pairs,
  ];
  if (valuation) {
    const spreads = newTable(["Valuation", "Trailing P/E spread", "Ratio", "Yield gap", "Pctile", "Forward P/E spread"], style, 1);
    for (const p of valuation.pairs) {
      spreads.push([
        terminalSafe(p.pair),
        formatNumber(p.trailing.spread),
        formatNumber(p.trailing.ratio, 3),
        formatPercent(p.trailing.yieldGap),
        p.trailing.rank ? formatPercentile(p.trailing.rank.percentile) : NOT_AVAILABLE,
        formatNumber(p.forward.spread),
      ]);
    }
    lines.push(spreads.toString());
  }
  if (result.signals.length === 0) {
    lines.push("No rotation signal.");
  } else {
    for (const signal of result.signals) {
      const what = signal.signal === "small-surge" ? "outran" : "trailed";
      const [a, b] = signal.pair.split(":");
      lines.push(
        signalLabel(signal.signal, style) +
          ` ${terminalSafe(a ?? "")} ${what} ${terminalSafe(b ?? "")} by ${formatPercent(Math.abs(signal.value))} over ${window} days` +
          ` (percentile ${formatPercentile(signal.percentile)}).`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

export function colourReturn(value: number | null, style: ChalkInstance): string {
  const text = formatPercent(value);
  if (value === null || text === "0.00%") return text;
  return value > 0 ? style.green(text) : style.red(text);
}
