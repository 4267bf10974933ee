import type { CommandFlags } from "../settings/options.js";
import { computeEpisodes, streamEpisodes, type EpisodesRequest } from "../app/episodes.js";
import { ExitCode } from "../errors.js";
import { episodesToCsv, episodesToJson, episodesToNdjson, renderEpisodesTable } from "../output/episodes.js";
import { writeText, type TextPieces } from "../output/columns.js";
import { progressReporter, writeWarnings } from "../output/stderr.js";
import { styleFor, terminalWidth } from "../output/style.js";
import type { OutputStream, Runtime } from "../runtime.js";
import { colorSetting, type ColorMode } from "../settings/settings.js";
import { chooseSource } from "../settings/source.js";
import { parseDate, parseSplit, parseDateRange, parseFormat, parseGap, parseLookback, parseThreshold, parseUniverse, parseWindow, parseWorkers, type OutputFormat } from "../settings/validators.js";

/** Flags as commander hands them over (derived from the option definitions: src/settings/options.ts). */
export type EpisodesFlags = CommandFlags<"episodes">;

export interface EpisodesPlan extends EpisodesRequest {
  format: OutputFormat;
  color: ColorMode;
  /** ROTATION_WORKERS (--format ndjson): undefined lets the run choose. */
  workers: number | undefined;
}

export function planEpisodes(flags: EpisodesFlags, env: Runtime["env"], cwd: string): EpisodesPlan {
  const gap = parseGap(flags.gap);
  const { since, until } = parseDateRange(flags);
  return {
    universe: parseUniverse(flags),
    window: parseWindow(flags.window),
    threshold: parseThreshold(flags.threshold),
    lookback: parseLookback(flags.lookback),
    gap,
    since,
    until,
    asOf: parseDate(flags.asOf, "--as-of"),
    source: chooseSource(flags, env, cwd),
    split: parseSplit(flags.split),
    format: parseFormat(flags),
    color: colorSetting(flags, env).value,
    workers: parseWorkers(env.ROTATION_WORKERS),
  };
}

export async function episodes(plan: EpisodesPlan, runtime: Runtime): Promise<number> {
  if (plan.format === "ndjson") {
    // Each pair's lines as soon as the pair is done; a universe of thousands needs a chunk's memory.
    const { warnings } = await streamEpisodes(plan, runtime, linesWriter(runtime.stdout), progressReporter(runtime.stderr));
    writeWarnings(runtime.stderr, warnings);
    return ExitCode.ok;
  }
  const report = await computeEpisodes(plan, runtime, progressReporter(runtime.stderr));
  writeWarnings(runtime.stderr, report.warnings);
  const render: Record<OutputFormat, () => string | TextPieces> = {
    table: () => renderEpisodesTable(report, styleFor(plan.color, runtime.stdout, runtime.env), terminalWidth(runtime.stdout)),
    json: () => episodesToJson(report),
    ndjson: () => episodesToNdjson(report),
    csv: () => episodesToCsv(report),
  };
  await writeText(runtime.stdout, render[plan.format]());
  return ExitCode.ok;
}

/** Lines as text, or as the UTF-8 bytes a worker thread made of them (decoded only where the stream cannot take bytes). */
export function linesWriter(stdout: OutputStream): (lines: string | Uint8Array) => void {
  const decoder = new TextDecoder();
  return (lines) => {
    if (typeof lines === "string") stdout.write(lines);
    else if (stdout.writeBytes) stdout.writeBytes(lines);
    else stdout.write(decoder.decode(lines));
  };
}
