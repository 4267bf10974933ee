import { findEpisodes, summarizeEpisodes, type Episode } from "../core/episodes.js";
import type { IsoDate } from "../core/dates.js";
import { alignPair, cutAsOf, type PriceSeries } from "../core/series.js";
import { pairName, type Universe } from "../core/universe.js";
import { ExitCode, UsageError } from "../errors.js";
import { episodesToCsv, episodesToJson, episodesToNdjson, renderEpisodesTable, type EpisodesReport } from "../output/episodes.js";
import { makeStyle, wantsColor } from "../output/style.js";
import type { Runtime } from "../runtime.js";
import type { SourceChoice } from "../sources/choose.js";
import { parseDate, parseThreshold, parseUniverse, parseWindow, type UniverseOptions } from "./options.js";
import {
  colorFromFlags,
  loadPrices,
  parseFormat,
  sourceFromFlags,
  withoutSymbols,
  writeWarnings,
  type ColorFlags,
  type OutputFormat,
  type SourceOptionFlags,
} from "./shared.js";

export interface EpisodesFlags extends UniverseOptions, SourceOptionFlags, ColorFlags {
  window?: string;
  threshold?: string;
  gap?: string;
  since?: string;
  until?: string;
  asOf?: string;
  format?: string;
  json?: boolean;
  csv?: boolean;
}

export interface EpisodesPlan {
  universe: Universe;
  window: number;
  threshold: number;
  gap: number;
  since: IsoDate | undefined;
  until: IsoDate | undefined;
  asOf: IsoDate | undefined;
  source: SourceChoice;
  format: OutputFormat;
  color: boolean | undefined;
}

export function planEpisodes(flags: EpisodesFlags, env: Runtime["env"], cwd: string): EpisodesPlan {
  const gap = flags.gap === undefined ? 5 : Number(flags.gap);
  if (flags.gap !== undefined && (!/^\s*\d+\s*$/.test(flags.gap) || gap > 252)) {
    throw new UsageError(`--gap must be a whole number of trading days from 0 to 252, got "${flags.gap.slice(0, 20)}"`);
  }
  const since = parseDate(flags.since, "--since");
  const until = parseDate(flags.until, "--until");
  if (since && until && since > until) throw new UsageError(`--since ${since} is after --until ${until}`);
  return {
    universe: parseUniverse(flags),
    window: parseWindow(flags.window),
    threshold: parseThreshold(flags.threshold),
    gap,
    since,
    until,
    asOf: parseDate(flags.asOf, "--as-of"),
    source: sourceFromFlags(flags, env, cwd),
    format: parseFormat(flags, ["table", "json", "ndjson", "csv"]),
    color: colorFromFlags(flags),
  };
}

/** Episodes of every pair, on data up to the as-of date, kept when they overlap [since, until]. */
export function episodesOf(series: ReadonlyMap<string, PriceSeries>, plan: Pick<EpisodesPlan, "universe" | "window" | "threshold" | "gap" | "since" | "until" | "asOf">): Episode[] {
  const episodes: Episode[] = [];
  for (const spec of plan.universe.pairs) {
    const a = cutAsOf(series.get(spec.symbol) as PriceSeries, plan.asOf);
    const b = cutAsOf(series.get(spec.benchmark) as PriceSeries, plan.asOf);
    for (const episode of findEpisodes(pairName(spec), alignPair(a, b), plan)) {
      if (plan.since !== undefined && episode.end < plan.since) continue;
      if (plan.until !== undefined && episode.start > plan.until) continue;
      episodes.push(episode);
    }
  }
  return episodes;
}

export async function episodes(plan: EpisodesPlan, runtime: Runtime): Promise<number> {
  const symbols = plan.universe.pairs.flatMap((p) => [p.symbol, p.benchmark]);
  const loaded = await loadPrices(symbols, plan.source, runtime, plan.asOf);
  const universe = withoutSymbols(plan.universe, new Set(loaded.failures.map((f) => f.symbol)));
  const found = episodesOf(loaded.series, { ...plan, universe });
  const lastDates = universe.pairs
    .flatMap((p) => [p.symbol, p.benchmark])
    .map((symbol) => cutAsOf(loaded.series.get(symbol) as PriceSeries, plan.asOf).dates.at(-1))
    .filter((d): d is string => d !== undefined)
    .sort();
  const report: EpisodesReport = {
    asOf: lastDates.at(-1) ?? "",
    source: loaded.info,
    parameters: { window: plan.window, threshold: plan.threshold, gap: plan.gap, since: plan.since ?? null, until: plan.until ?? null },
    episodes: found,
    summary: summarizeEpisodes(found),
    warnings: loaded.warnings,
  };
  writeWarnings(runtime, report.warnings);
  const render: Record<OutputFormat, () => string> = {
    table: () => renderEpisodesTable(report, makeStyle(wantsColor({ flag: plan.color, env: runtime.env, isTTY: runtime.stdout.isTTY === true }))),
    json: () => episodesToJson(report),
    ndjson: () => episodesToNdjson(report),
    csv: () => episodesToCsv(report),
  };
  runtime.stdout.write(render[plan.format]());
  return ExitCode.ok;
}
