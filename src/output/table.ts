import Table from "cli-table3";
import type { ChalkInstance } from "chalk";
import type { CheckResult, PairResult, Signal } from "../core/check.js";
import type { Quadrant } from "../core/rrg.js";
import type { ValuationReport } from "../commands/valuation.js";
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
export function renderCheckTable(result: CheckResult, style: ChalkInstance, valuation: ValuationReport | null = null, sparklines: ReadonlyMap<string, string> | null = null): string {
  const tickers = newTable(["Ticker", "Group", "Date", "Close", ...RETURN_HEADERS], style, 2);
  for (const ticker of result.tickers) {
    const r = ticker.returns;
    tickers.push([
      terminalSafe(ticker.symbol),
      ticker.group,
      ticker.date,
      formatNumber(ticker.close),
      ...[r.d1, r.d5, r.d21, r.d63, r.d252, r.ytd].map((value) => colourReturn(value, style)),
    ]);
  }

  const window = result.pairs[0]?.surge.window ?? 5;
  const pairs = newTable(
    ["Pair", ...RETURN_HEADERS.map((h) => `Rel ${h}`), `Surge ${window}D`, "z", "Pctile", "Largest since", "Signal", "RRG", ...(sparklines ? ["63D ratio"] : [])],
    style,
  );
  for (const pair of result.pairs) {
    const r = pair.relative;
    const name = pair.signal ? style.bold(terminalSafe(pair.pair)) : terminalSafe(pair.pair);
    pairs.push([
      name,
      ...[r.d1, r.d5, r.d21, r.d63, r.d252, r.ytd].map((value) => colourReturn(value, style)),
      pair.signal ? style.bold(formatPercent(pair.surge.value)) : formatPercent(pair.surge.value),
      formatSigned(pair.surge.zScore),
      formatPercentile(pair.surge.percentile),
      largestSinceLabel(pair),
      signalLabel(pair.signal, style),
      pair.rrg ? quadrantLabel(pair.rrg.quadrant, style) : NOT_AVAILABLE,
      ...(sparklines ? [sparklines.get(pair.pair) ?? ""] : []),
    ]);
  }

  const lines = [
    style.bold(`Size rotation as of ${result.asOf}`),
    tickers.toString(),
    pairs.toString(),
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
