import type { CommandFlags } from "../settings/options.js";
import { existsSync } from "node:fs";
import { readHistory, type HistorySelection } from "../app/journal.js";
import { terminalSafe } from "../core/text.js";
import { ExitCode } from "../errors.js";
import { historyToCsv, historyToJson, historyToNdjson, renderHistoryTable, type HistoryReport } from "../output/history.js";
import { writeWarnings } from "../output/stderr.js";
import { styleFor, terminalWidth } from "../output/style.js";
import type { Runtime } from "../runtime.js";
import { fileURLToPath } from "node:url";
import { PACKAGE_ROOT } from "../package-root.js";
import { journalPath } from "../settings/paths.js";
import { colorSetting, type ColorMode } from "../settings/settings.js";
import { parseDateRange, parseFormat, parsePairs, type OutputFormat } from "../settings/validators.js";

/** Flags as commander hands them over (derived from the option definitions: src/settings/options.ts). */
export type HistoryFlags = CommandFlags<"history">;

export interface HistoryPlan extends HistorySelection {
  journal: string;
  format: OutputFormat;
  color: ColorMode;
}

export function planHistory(flags: HistoryFlags, env: Runtime["env"], cwd: string): HistoryPlan {
  return {
    journal: journalPath(flags.journal, env, cwd),
    ...parseDateRange(flags),
    pairs: flags.pairs === undefined ? undefined : parsePairs(flags.pairs).map((p) => `${p.symbol}:${p.benchmark}`),
    signalsOnly: flags.signalsOnly ?? false,
    format: parseFormat(flags),
    color: colorSetting(flags, env).value,
  };
}

/**
 * The cron line to suggest: this very Node and this very program, by absolute path, so that it
 * runs from any folder under cron's short PATH, and never resolves another package named
 * "rotation" (npx would).
 */
export function cronLine(): string {
  const program = fileURLToPath(new URL("bin/rotation.js", PACKAGE_ROOT));
  return `    30 22 * * 1-5  ${shellWord(process.execPath)} ${shellWord(program)} log --exit-code >>"$HOME/rotation-cron.log" 2>&1`;
}

/** A path as one shell word: as it is when it is plain, else in single quotes. */
function shellWord(text: string): string {
  return /^[\w./+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function noJournalYet(journal: string): string {
  return [
    `No journal yet at ${terminalSafe(journal)}.`,
    "Record each trading day's check with `rotation log` (once per date and configuration), e.g. from cron after the US close:",
    terminalSafe(cronLine()),
    "",
  ].join("\n");
}

export async function history(plan: HistoryPlan, runtime: Runtime): Promise<number> {
  const read = await readHistory(plan.journal, plan);
  writeWarnings(runtime.stderr, read.warnings);
  const report: HistoryReport = { journal: plan.journal, ...read };
  const render: Record<OutputFormat, () => string> = {
    json: () => historyToJson(report),
    ndjson: () => historyToNdjson(report),
    csv: () => historyToCsv(report),
    // With nothing logged yet, say what to run rather than print an empty table.
    table: () => (existsSync(plan.journal) ? renderHistoryTable(report, styleFor(plan.color, runtime.stdout, runtime.env), terminalWidth(runtime.stdout)) : noJournalYet(plan.journal)),
  };
  runtime.stdout.write(render[plan.format]());
  return ExitCode.ok;
}
