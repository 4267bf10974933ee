import type { ChalkInstance } from "chalk";
import type { Episode, EpisodeSummary } from "../core/episodes.js";
import type { SourceInfo } from "../sources/source.js";
import { toCsv } from "./csv.js";
import { formatPercent, formatPercentile, formatSigned, NOT_AVAILABLE, terminalSafe } from "./format.js";
import { colourReturn, newTable, signalLabel } from "./table.js";

export const EPISODES_SCHEMA_VERSION = 1;

export interface EpisodesReport {
  asOf: string;
  source: SourceInfo;
  parameters: { window: number; threshold: number; gap: number; since: string | null; until: string | null };
  episodes: Episode[];
  summary: EpisodeSummary[];
  warnings: string[];
}

function newestFirst(episodes: readonly Episode[]): Episode[] {
  return [...episodes].sort((a, b) => (a.start < b.start ? 1 : a.start > b.start ? -1 : a.pair.localeCompare(b.pair)));
}

export function renderEpisodesTable(report: EpisodesReport, style: ChalkInstance): string {
  const table = newTable(["Pair", "Direction", "Start", "Peak", "End", "Days", "Peak surge", "Pctile", "z", "Fwd 5D", "Fwd 21D", "Fwd 63D"], style, 2);
  for (const e of newestFirst(report.episodes)) {
    table.push([
      terminalSafe(e.pair) + (e.open ? style.bold(" ● open") : ""),
      signalLabel(e.direction, style),
      e.start,
      e.peakDate,
      e.end,
      String(e.length),
      formatPercent(e.peakSurge),
      formatPercentile(e.peakPercentile),
      formatSigned(e.peakZScore),
      colourReturn(e.forward.d5, style),
      colourReturn(e.forward.d21, style),
      colourReturn(e.forward.d63, style),
    ]);
  }
  const summary = newTable(["Pair", "Direction", "Episodes", "Median 5D", "Median 21D", "Median 63D", "Mean 21D", "Mean 63D", "Kept 21D", "Kept 63D"], style, 2);
  for (const s of report.summary) {
    summary.push([
      terminalSafe(s.pair),
      signalLabel(s.direction, style),
      String(s.episodes),
      formatPercent(s.median.d5),
      formatPercent(s.median.d21),
      formatPercent(s.median.d63),
      formatPercent(s.mean.d21),
      formatPercent(s.mean.d63),
      share(s.followThrough.d21),
      share(s.followThrough.d63),
    ]);
  }
  const { window, threshold, gap } = report.parameters;
  const lines = [style.bold(`Rotation episodes to ${report.asOf}`) + ` (${window}-day surge at percentile >= ${threshold} or <= ${100 - threshold}, gap ${gap} days)`];
  if (report.episodes.length === 0) lines.push("No episode in this range.");
  else lines.push(table.toString(), style.bold("What followed the peak (relative return; kept = share that kept the surge's sign)"), summary.toString());
  return `${lines.join("\n")}\n`;
}

function share(value: number | null): string {
  return value === null ? NOT_AVAILABLE : `${Math.round(value * 100)}%`;
}

export function episodesToJson(report: EpisodesReport): string {
  return `${JSON.stringify({ schemaVersion: EPISODES_SCHEMA_VERSION, ...report }, null, 2)}\n`;
}

export const EPISODE_CSV_HEADER = [
  "pair", "direction", "start", "peakDate", "end", "length", "flaggedDays", "peakSurge", "peakPercentile", "peakZScore", "forward5", "forward21", "forward63", "open",
] as const;

export function episodesToCsv(report: EpisodesReport): string {
  return toCsv(
    EPISODE_CSV_HEADER,
    newestFirst(report.episodes).map((e) => [e.pair, e.direction, e.start, e.peakDate, e.end, e.length, e.flaggedDays, e.peakSurge, e.peakPercentile, e.peakZScore, e.forward.d5, e.forward.d21, e.forward.d63, e.open]),
  );
}

export function episodesToNdjson(report: EpisodesReport): string {
  return newestFirst(report.episodes).map((e) => `${JSON.stringify({ schemaVersion: EPISODES_SCHEMA_VERSION, ...e })}\n`).join("");
}
