import type { IsoDate } from "../core/dates.js";
import { ExitCode } from "../errors.js";
import { toCsv } from "../output/csv.js";
import { formatPercent, formatPercentile, formatSigned, NOT_AVAILABLE, terminalSafe } from "../output/format.js";
import { makeStyle, wantsColor } from "../output/style.js";
import { newTable, signalLabel } from "../output/table.js";
import type { Runtime } from "../runtime.js";
import { Journal } from "../store/journal.js";
import { journalPath } from "../store/paths.js";
import { JOURNAL_SCHEMA_VERSION, type JournalRecord } from "../store/record.js";
import { parseDate, parsePairs } from "./options.js";
import { colorFromFlags, parseFormat, writeWarnings, type OutputFormat } from "./shared.js";
import { UsageError } from "../errors.js";

export interface HistoryFlags {
  journal?: string;
  since?: string;
  until?: string;
  pairs?: string;
  signalsOnly?: boolean;
  format?: string;
  json?: boolean;
  csv?: boolean;
  color?: boolean;
  forceColor?: boolean;
}

export interface HistoryPlan {
  journal: string;
  since: IsoDate | undefined;
  until: IsoDate | undefined;
  pairs: string[] | undefined;
  signalsOnly: boolean;
  format: OutputFormat;
  color: boolean | undefined;
}

export function planHistory(flags: HistoryFlags, env: Runtime["env"], cwd: string): HistoryPlan {
  const since = parseDate(flags.since, "--since");
  const until = parseDate(flags.until, "--until");
  if (since && until && since > until) throw new UsageError(`--since ${since} is after --until ${until}`);
  return {
    journal: journalPath(flags.journal, env, cwd),
    since,
    until,
    pairs: flags.pairs === undefined ? undefined : parsePairs(flags.pairs).map((p) => `${p.symbol}:${p.benchmark}`),
    signalsOnly: flags.signalsOnly ?? false,
    format: parseFormat(flags, ["table", "json", "ndjson", "csv"]),
    color: colorFromFlags(flags),
  };
}

/** Records in date order, narrowed to the dates, pairs and signals asked for. */
export function selectRecords(records: readonly JournalRecord[], plan: Pick<HistoryPlan, "since" | "until" | "pairs" | "signalsOnly">): JournalRecord[] {
  const out: JournalRecord[] = [];
  for (const record of records) {
    if (typeof record.asOf !== "string" || !Array.isArray(record.pairs)) continue;
    if (plan.since && record.asOf < plan.since) continue;
    if (plan.until && record.asOf > plan.until) continue;
    let pairs = record.pairs;
    if (plan.pairs) pairs = pairs.filter((p) => plan.pairs!.includes(p.pair));
    if (plan.signalsOnly) pairs = pairs.filter((p) => p.signal !== null);
    if (pairs.length === 0) continue;
    const signals = Array.isArray(record.signals) ? record.signals.filter((s) => pairs.some((p) => p.pair === s.pair)) : [];
    out.push({ ...record, pairs, signals });
  }
  return out.sort((a, b) => (a.asOf < b.asOf ? -1 : a.asOf > b.asOf ? 1 : 0));
}

export const HISTORY_CSV_HEADER = ["asOf", "writtenAt", "configKey", "pair", "date", "surge", "percentile", "zScore", "largestSince", "relative5", "signal"] as const;

export async function history(plan: HistoryPlan, runtime: Runtime): Promise<number> {
  const read = await new Journal(plan.journal).read<JournalRecord>();
  const warnings = read.malformed.map((m) => `${plan.journal}:${m.line}: ${m.reason}; skipped`);
  if (read.torn !== null) warnings.push(`${plan.journal}: ends in an incomplete line; skipped (the next rotation log sets it aside)`);
  writeWarnings(runtime, warnings);
  const records = selectRecords(read.records.map((r) => r.record), plan);
  const render: Record<OutputFormat, () => string> = {
    json: () => `${JSON.stringify({ schemaVersion: JOURNAL_SCHEMA_VERSION, journal: plan.journal, records, warnings }, null, 2)}\n`,
    ndjson: () => records.map((r) => `${JSON.stringify(r)}\n`).join(""),
    csv: () =>
      toCsv(
        HISTORY_CSV_HEADER,
        records.flatMap((r) => r.pairs.map((p) => [r.asOf, r.writtenAt, r.configKey, p.pair, p.date, p.surge, p.percentile, p.zScore, p.largestSince, p.relative5, p.signal])),
      ),
    table: () => {
      const style = makeStyle(wantsColor({ flag: plan.color, env: runtime.env, isTTY: runtime.stdout.isTTY === true }));
      const table = newTable(["Date", "Pair", "Surge", "Pctile", "z", "Largest since", "Signal"], style, 2);
      for (const record of records) {
        for (const pair of record.pairs) {
          table.push([
            terminalSafe(String(record.asOf)),
            terminalSafe(String(pair.pair)),
            formatPercent(pair.surge),
            formatPercentile(pair.percentile),
            formatSigned(pair.zScore),
            pair.percentile === null ? NOT_AVAILABLE : terminalSafe(pair.largestSince ?? "record"),
            signalLabel(pair.signal, style),
          ]);
        }
      }
      const title = style.bold(`Journal ${terminalSafe(plan.journal)}: ${records.length} record${records.length === 1 ? "" : "s"}`);
      return `${title}\n${records.length > 0 ? `${table.toString()}\n` : ""}`;
    },
  };
  runtime.stdout.write(render[plan.format]());
  return ExitCode.ok;
}
