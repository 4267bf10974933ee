import type { ChalkInstance } from "chalk";
import type { Episode, EpisodeSummary } from "../core/episodes.js";
import type { SourceInfo } from "../sources/source.js";
import { SCHEMA_VERSIONS } from "../contract.js";
import { csvPieces, jsonDocumentPieces, ndjsonPieces, type CsvColumn, type TextPieces } from "./columns.js";
import { formatPercent, formatPercentile, formatSigned, NOT_AVAILABLE, sourceNote, terminalSafe } from "./format.js";
import { colourReturn, fitTitle, fittingTable, signalLabel } from "./table.js";


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

export function renderEpisodesTable(report: EpisodesReport, style: ChalkInstance, width?: number): string {
  const table = fittingTable(["Pair", "Direction", "Start", "Peak", "End", "Days", "Peak surge", "Pctile", "z", "Fwd 5D", "Fwd 21D", "Fwd 63D"], [20, 20, 15, 12, 14, 3, 13, 8, 2, 5, 9, 10], style, 2, width);
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
  // Each figure beside what every ranked day of the pair showed (the base rate).
  const summary = fittingTable(["Pair", "Direction", "Episodes", "Median 5D vs all days", "Median 21D vs all days", "Median 63D vs all days", "Kept 21D vs all days", "Kept 63D vs all days"], [20, 20, 15, 3, 6, 8, 7, 9], style, 2, width);
  for (const s of report.summary) {
    const base = s.baseline;
    summary.push([
      terminalSafe(s.pair),
      signalLabel(s.direction, style),
      String(s.episodes),
      `${formatPercent(s.median.d5)} vs ${formatPercent(base?.median.d5)}`,
      `${formatPercent(s.median.d21)} vs ${formatPercent(base?.median.d21)}`,
      `${formatPercent(s.median.d63)} vs ${formatPercent(base?.median.d63)}`,
      `${share(s.followThrough.d21)} vs ${share(base?.sameSign.d21 ?? null)}`,
      `${share(s.followThrough.d63)} vs ${share(base?.sameSign.d63 ?? null)}`,
    ]);
  }
  const { window, threshold, gap } = report.parameters;
  const lines = [fitTitle(style.bold(`Rotation episodes to ${report.asOf}`) + sourceNote(report.source), ` (${window}-day surge at percentile >= ${threshold} or <= ${100 - threshold}, gap ${gap} days)`, width)];
  if (report.episodes.length === 0) lines.push("No episode in this range.");
  else {
    lines.push(
      table.toString(),
      style.bold("What followed the peak (relative return; kept = share that kept the surge's sign), against every ranked day of the pair"),
      summary.toString(),
      "Forward windows of neighbouring days overlap, so a few episodes are far fewer independent observations than they look: read small samples against the base rate.",
    );
  }
  return `${lines.join("\n")}\n`;
}

function share(value: number | null): string {
  return value === null ? NOT_AVAILABLE : `${Math.round(value * 100)}%`;
}

// Episodes grow with pairs and history (80,000 for a thousand pairs): these are written in pieces.
export function episodesToJson(report: EpisodesReport): TextPieces {
  return jsonDocumentPieces({ schemaVersion: SCHEMA_VERSIONS.episodes, ...report });
}

export const EPISODE_CSV_COLUMNS: readonly CsvColumn<Episode>[] = [
  { name: "pair", value: (e) => e.pair },
  { name: "direction", value: (e) => e.direction },
  { name: "start", value: (e) => e.start },
  { name: "peakDate", value: (e) => e.peakDate },
  { name: "end", value: (e) => e.end },
  { name: "length", value: (e) => e.length },
  { name: "flaggedDays", value: (e) => e.flaggedDays },
  { name: "peakSurge", value: (e) => e.peakSurge },
  { name: "peakPercentile", value: (e) => e.peakPercentile },
  { name: "peakZScore", value: (e) => e.peakZScore },
  { name: "forward5", value: (e) => e.forward.d5 },
  { name: "forward21", value: (e) => e.forward.d21 },
  { name: "forward63", value: (e) => e.forward.d63 },
  { name: "open", value: (e) => e.open },
];

export function episodesToCsv(report: EpisodesReport): TextPieces {
  return csvPieces(EPISODE_CSV_COLUMNS, newestFirst(report.episodes));
}

export function episodesToNdjson(report: EpisodesReport): TextPieces {
  return ndjsonPieces(newestFirst(report.episodes), (e) => ({ schemaVersion: SCHEMA_VERSIONS.episodes, ...e }));
}
