import type { ChalkInstance } from "chalk";
import type { Interval } from "../core/bootstrap.js";
import type { Edge, Episode, EpisodeSplit, EpisodeSummary, INTERVAL_METHOD } from "../core/episodes.js";
import type { SourceInfo } from "../sources/source.js";
import { DEFAULT_DRIVER_SPECS } from "../core/drivers.js";
import { SCHEMA_VERSIONS } from "../contract.js";
import { csvPieces, jsonDocumentPieces, ndjsonLine, ndjsonPieces, type CsvColumn, type TextPieces } from "./columns.js";
import { formatBesideThresholds, formatNumber, formatPercent, formatPercentile, formatSigned, lookbackWords, NOT_AVAILABLE, sourceNote, surgeBands, terminalSafe } from "./format.js";
import { colourReturn, fitTitle, fittingTable, signalLabel, wrapLines } from "./table.js";


export interface EpisodesReport {
  asOf: string;
  source: SourceInfo;
  parameters: { window: number; threshold: number; lookback: string; gap: number; since: string | null; until: string | null; intervals: typeof INTERVAL_METHOD };
  episodes: Episode[];
  summary: EpisodeSummary[];
  /** Summaries of subsets (--split): inside/outside a calendar window, a driver's regime. */
  splits: EpisodeSplit[];
  warnings: string[];
}

function newestFirst(episodes: readonly Episode[]): Episode[] {
  return [...episodes].sort((a, b) => (a.start < b.start ? 1 : a.start > b.start ? -1 : a.pair.localeCompare(b.pair)));
}

/**
 * On a narrow terminal the columns that answer "what followed?" stay longest: the start (when
 * one could act), the peak's percentile and z, the forward returns; the peak and end dates and
 * the length go first.
 */
export function renderEpisodesTable(report: EpisodesReport, style: ChalkInstance, width?: number): string {
  const table = fittingTable(["Pair", "Direction", "Start", "Peak", "End", "Days", "Peak surge", "Pctile", "z", "Fwd 5D", "Fwd 21D", "Fwd 63D"], [20, 20, 15, 4, 5, 3, 9, 12, 7, 10, 13, 14], style, 2, width);
  for (const e of newestFirst(report.episodes)) {
    table.push([
      terminalSafe(e.pair) + (e.open ? style.bold(" ● open") : ""),
      signalLabel(e.direction, style),
      e.start,
      e.peakDate,
      e.end,
      String(e.length),
      formatPercent(e.peakSurge),
      formatPercentile(e.peakPercentile, surgeBands(report.parameters.threshold)),
      formatSigned(e.peakZScore),
      colourReturn(e.forward.d5, style),
      colourReturn(e.forward.d21, style),
      colourReturn(e.forward.d63, style),
    ]);
  }
  const summary = fittingTable(SUMMARY_HEADERS, SUMMARY_KEEP, style, 3, width);
  for (const s of report.summary) for (const row of summaryRows(s)) summary.push([terminalSafe(row[0] as string), signalLabel(s.direction, style), ...row.slice(2)]);
  const { window, threshold, gap, lookback } = report.parameters;
  const lines = [fitTitle(style.bold(`Rotation episodes to ${report.asOf}`) + sourceNote(report.source), ` (${window}-day surge at percentile >= ${threshold} or <= ${100 - threshold} of ${lookback === "all" ? "all earlier days" : `the last ${lookbackWords(lookback)}`}, gap ${gap} days)`, width)];
  if (report.episodes.length === 0) lines.push("No episode in this range.");
  else {
    lines.push(
      table.toString(),
      style.bold("What followed the signal (relative return from the close of the first flagged day), against the pair's other ranked days (base)"),
      summary.toString(),
      ...summaryFootnotes(report).flatMap((line) => wrapLines(line, width)),
    );
    for (const split of report.splits) {
      const part = fittingTable(SUMMARY_HEADERS, SUMMARY_KEEP, style, 3, width);
      for (const s of split.summary) for (const row of summaryRows(s)) part.push([terminalSafe(row[0] as string), signalLabel(s.direction, style), ...row.slice(2)]);
      lines.push(style.bold(`Episodes that started ${splitWords(split)} (the same base rate; intervals as above)`), part.toString());
    }
  }
  return `${lines.join("\n")}\n`;
}

/** A split's group in words: "inside the Russell reconstitution window", "with the IEF correlation in its top third". */
export function splitWords(split: Pick<EpisodeSplit, "by" | "group">): string {
  if (split.by === "russell-reconstitution") return `${split.group} the Russell reconstitution window`;
  if (split.by === "january") return `${split.group} January`;
  return `with the ${split.by} in its ${split.group}`;
}

/** The summary's columns, one owner for the terminal and the report: a row per pair, direction and horizon. */
export const SUMMARY_HEADERS = ["Pair", "Direction", "After", "Known (clusters)", "Median [90%]", "Base median", "Kept [90%]", "Base kept", "Edge [90%]", "Verdict"];
const SUMMARY_KEEP = [20, 20, 19, 8, 15, 6, 14, 7, 16, 18];

const HORIZON_LABELS = { d5: "5D", d21: "21D", d63: "63D" } as const;

/** A share as whole percent, and an edge as whole points on the same side of zero as it is. */
const share = (value: number | null | undefined): string => (value === null || value === undefined ? NOT_AVAILABLE : `${Math.round(value * 100)}%`);
const points = (value: number): string => {
  const text = formatBesideThresholds(value * 100, 0, Math.sign);
  return Number(text) > 0 ? `+${text}` : text === "-0" ? "0" : text;
};
const percentInterval = (interval: Interval | null): string => (interval ? ` [${formatPercent(interval.low)}, ${formatPercent(interval.high)}]` : "");

export function summaryRows(s: EpisodeSummary): string[][] {
  return (["d5", "d21", "d63"] as const).map((key) => {
    const cells = [s.pair, s.direction, HORIZON_LABELS[key], `${s.known[key]} (${s.clusters[key]})`, `${formatPercent(s.median[key])}${percentInterval(s.medianInterval[key])}`, formatPercent(s.baseline?.median[key])];
    if (key === "d5") return [...cells, "—", "—", "—", "—"];
    const edge = s.edge[key];
    const interval = s.followThroughInterval[key];
    return [
      ...cells,
      `${share(s.followThrough[key])}${interval ? ` [${share(interval.low)}, ${share(interval.high)}]` : ""}`,
      share(s.baseline?.sameSign[key]),
      edge === null ? NOT_AVAILABLE : `${points(edge.value)} pts${edge.interval ? ` [${points(edge.interval.low)}, ${points(edge.interval.high)}]` : ""}`,
      edge === null ? NOT_AVAILABLE : edge.verdict,
    ];
  });
}

/** What the summary's intervals are and what chance alone would show, under the table. */
export function summaryFootnotes(report: EpisodesReport): string[] {
  const { confidence, resamples, minClusters } = report.parameters.intervals;
  const verdicts = report.summary.flatMap((s) => [s.edge.d21, s.edge.d63]).filter((e): e is Edge => e !== null && e.verdict !== "too few");
  const calls = verdicts.filter((e) => e.verdict !== "unclear").length;
  return [
    `Kept: share of episodes whose relative return kept the surge's sign; edge: kept minus the base days' same-sign share, in points. ${Math.round(confidence * 100)}% intervals from ${resamples.toLocaleString("en-US")} resamples: episodes by cluster (those whose forward windows overlap count once), base days by moving blocks; "too few" under ${minClusters} clusters.`,
    verdicts.length === 0
      ? "No verdict: too few independent episodes."
      : `${calls} of ${verdicts.length} verdicts say continues or reverses; where nothing but chance is at work, about ${formatNumber(verdicts.length * (1 - confidence), 1)} of ${verdicts.length} would.`,
  ];
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
  { name: "forwardFromPeak5", value: (e) => e.forwardFromPeak.d5 },
  { name: "forwardFromPeak21", value: (e) => e.forwardFromPeak.d21 },
  { name: "forwardFromPeak63", value: (e) => e.forwardFromPeak.d63 },
  { name: "observations", value: (e) => e.observations },
  { name: "rankedFrom", value: (e) => e.rankedFrom },
  { name: "rankedTo", value: (e) => e.rankedTo },
  { name: "russellReconstitution", value: (e) => e.context?.calendar["russell-reconstitution"] ?? null },
  { name: "january", value: (e) => e.context?.calendar.january ?? null },
  ...DEFAULT_DRIVER_SPECS.flatMap((spec): CsvColumn<Episode>[] => {
    const row = (e: Episode) => e.context?.drivers.find((d) => d.driver === spec.id);
    return [
      { name: `${spec.id}_move`, value: (e) => row(e)?.episodeReturn ?? null },
      { name: `${spec.id}_correlation`, value: (e) => row(e)?.correlation ?? null },
      { name: `${spec.id}_percentile`, value: (e) => row(e)?.percentile ?? null },
    ];
  }),
];

export function episodesToCsv(report: EpisodesReport): TextPieces {
  return csvPieces(EPISODE_CSV_COLUMNS, newestFirst(report.episodes));
}

/**
 * One line per episode, pair by pair in the order the pairs were given, each pair's newest
 * first: the order a streamed run writes them in, as each pair is computed.
 */
export function episodesToNdjson(report: EpisodesReport): TextPieces {
  const firstSeen = new Map<string, number>();
  for (const e of report.episodes) if (!firstSeen.has(e.pair)) firstSeen.set(e.pair, firstSeen.size);
  const ordered = newestFirst(report.episodes).sort((a, b) => (firstSeen.get(a.pair) as number) - (firstSeen.get(b.pair) as number));
  return ndjsonPieces(ordered, episodeNdjsonRow);
}

/** A pair's episodes as NDJSON lines, newest first (a streamed run writes them as the pair is done). */
export function pairEpisodesNdjson(episodes: readonly Episode[]): string {
  return newestFirst(episodes).map((e) => ndjsonLine(episodeNdjsonRow(e))).join("");
}

const episodeNdjsonRow = (e: Episode): object => ({ schemaVersion: SCHEMA_VERSIONS.episodes, ...e });
