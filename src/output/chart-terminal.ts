import asciichart from "asciichart";
import type { ChalkInstance } from "chalk";
import { wrapLines } from "./table.js";
import type { ChartData } from "../core/chart-data.js";
import { formatPercent, lookbackWords, terminalSafe } from "./format.js";

export interface TerminalChartSize {
  width: number;
  height: number;
}

/** Column buckets over n points: each column shows one bucket. */
function buckets(n: number, columns: number): [number, number][] {
  const count = Math.max(1, Math.min(n, columns));
  return Array.from({ length: count }, (_, c) => [Math.floor((c * n) / count), Math.max(Math.floor(((c + 1) * n) / count), Math.floor((c * n) / count) + 1)]);
}

/** The last value of each bucket (levels), or the most extreme one (spikes must stay visible). */
function resample(values: readonly (number | null)[], ranges: [number, number][], extreme: boolean): number[] {
  let carry = Number.NaN;
  return ranges.map(([from, to]) => {
    let chosen = Number.NaN;
    for (let i = from; i < to; i++) {
      const v = values[i];
      if (v === null || v === undefined) continue;
      if (Number.isNaN(chosen) || !extreme || Math.abs(v) > Math.abs(chosen)) chosen = v;
    }
    if (!Number.isNaN(chosen)) carry = chosen;
    return Number.isNaN(chosen) ? carry : chosen;
  });
}

function fill(values: number[]): number[] {
  const firstKnown = values.find((v) => !Number.isNaN(v)) ?? 0;
  return values.map((v) => (Number.isNaN(v) ? firstKnown : v));
}

const LABEL_WIDTH = 10;

/**
 * asciichart, with the values put on its rows by one rounding: given them as they are, it
 * rounds each value and the minimum apart, so a line can land a row off its label (a lower
 * threshold of -3.4% drawn on the row labelled -1.8%). Here every value is first scaled to row
 * units (0 at the minimum), so each is drawn on the row nearest to it, and each row is labelled
 * with the value it stands for.
 */
export function plotOnRows(series: number[][], height: number, format: (value: number) => string, colors: (string | undefined)[]): string {
  const all = series.flat().filter((v) => Number.isFinite(v));
  const min = all.length > 0 ? Math.min(...all) : 0;
  const max = all.length > 0 ? Math.max(...all) : 1;
  const perRow = max > min ? (max - min) / height : 1;
  const scaled = series.map((values) => values.map((v) => (v - min) / perRow));
  return asciichart.plot(scaled, { height, min: 0, max: height, colors: colors as string[], format: (row: number) => format(min + row * perRow) });
}

/**
 * The pair's ratio (rebased to 100) with its 50-day average, and beneath it the surge with its
 * point-in-time thresholds, a row marking flagged episodes and a date axis. Returns lines.
 */
export function renderTerminalChart(data: ChartData, size: TerminalChartSize, style: ChalkInstance): string {
  const plotWidth = Math.max(10, size.width - LABEL_WIDTH - 2);
  const ranges = buckets(data.dates.length, plotWidth);
  const ratio = fill(resample(data.ratio, ranges, false));
  const average = fill(resample(data.movingAverage, ranges, false));
  const surge = fill(resample(data.surge.map((v) => (v === null ? null : v * 100)), ranges, true));
  const upper = fill(resample(data.upper.map((v) => (v === null ? null : v * 100)), ranges, false));
  const lower = fill(resample(data.lower.map((v) => (v === null ? null : v * 100)), ranges, false));
  const colors = style.level > 0 ? [asciichart.blue, asciichart.darkgray] : [undefined, undefined];
  const top = plotOnRows([ratio, average], Math.max(4, Math.floor(size.height * 0.55)), (x) => x.toFixed(1).padStart(LABEL_WIDTH - 1), colors);
  const bottom = plotOnRows([surge, upper, lower], Math.max(3, Math.floor(size.height * 0.45)), (x) => `${x.toFixed(1)}%`.padStart(LABEL_WIDTH - 1), style.level > 0 ? [asciichart.magenta, asciichart.red, asciichart.red] : [undefined, undefined, undefined]);
  const marks = ranges.map(([from, to]) => {
    const dates = data.dates.slice(from, to);
    const hit = data.episodes.find((e) => dates.some((d) => d >= e.start && d <= e.end));
    if (!hit) return " ";
    return hit.direction === "small-surge" ? style.green("▲") : style.red("▼");
  });
  const pad = " ".repeat(LABEL_WIDTH + 1);
  const firstDate = data.dates[0] ?? "";
  const lastDate = data.dates[data.dates.length - 1] ?? "";
  const middleDate = data.dates[Math.floor(data.dates.length / 2)] ?? "";
  const axisWidth = ranges.length;
  let axis = firstDate.padEnd(Math.max(firstDate.length + 1, Math.floor(axisWidth / 2) - 5)) + middleDate;
  axis = axis.padEnd(Math.max(axis.length + 1, axisWidth - lastDate.length)) + lastDate;
  const lastSurge = [...data.surge].reverse().find((v) => v !== null) ?? null;
  const [a, b] = data.pair.split(":");
  // Without colour the lines cannot be told apart by it: the legend says which is which in words.
  const coloured = style.level > 0;
  const lastAverage = [...data.movingAverage].reverse().find((v) => v !== null) ?? null;
  const ratioLegend = coloured
    ? ` (blue) and its 50-day average (grey); last ${data.ratio.at(-1)?.toFixed(2) ?? "n/a"} on ${lastDate}`
    : `: the upper line, last ${data.ratio.at(-1)?.toFixed(2) ?? "n/a"} on ${lastDate}; the smoother line is its 50-day average, last ${lastAverage?.toFixed(2) ?? "n/a"}`;
  // What the thresholds rank against, said only when it is not every earlier day.
  const span = data.lookback === "all" ? "" : ` of the last ${lookbackWords(data.lookback)}`;
  // Rows are coarse: the thresholds' own values are said, not left to be read off the axis.
  const lastUpper = [...data.upper].reverse().find((v) => v !== null) ?? null;
  const lastLower = [...data.lower].reverse().find((v) => v !== null) ?? null;
  const thresholdsNow = lastUpper === null || lastLower === null ? "" : ` (now ${formatPercent(lastUpper)} and ${formatPercent(lastLower)}, each drawn on its nearest row)`;
  const surgeLegend = coloured
    ? ` (magenta) with its point-in-time thresholds at percentiles ${data.threshold} and ${100 - data.threshold}${span} (red)${thresholdsNow}; last ${formatPercent(lastSurge)}`
    : `: the jagged line, last ${formatPercent(lastSurge)}; the two steadier lines are its point-in-time thresholds at percentiles ${data.threshold} and ${100 - data.threshold}${span}${thresholdsNow}`;
  return [
    ...wrapLines(style.bold(`${terminalSafe(a ?? "")}/${terminalSafe(b ?? "")} rebased to 100`) + ratioLegend, coloured ? undefined : size.width),
    top,
    ...wrapLines(style.bold(`${data.window}-day surge, %`) + surgeLegend, coloured ? undefined : size.width),
    bottom,
    ...(pad.length + marks.length + 37 <= size.width ? [`${pad}${marks.join("")}  ▲ small-surge ▼ large-surge episodes`] : [`${pad}${marks.join("")}`, `${pad}▲ small-surge ▼ large-surge episodes`]),
    `${pad}${axis}`,
    "",
  ].join("\n");
}
