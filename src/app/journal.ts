import type { IsoDate } from "../core/dates.js";
import { DataError } from "../errors.js";
import type { Runtime } from "../runtime.js";
import { Journal, type AppendOutcome } from "../store/journal.js";
import { toJournalRecord, type JournalRecord } from "../store/record.js";
import { VERSION } from "../version.js";
import { computeCheck, type CheckOutcome, type CheckRequest } from "./check.js";

export interface LogRequest extends CheckRequest {
  journal: string;
  replace: boolean;
}

export interface LogOutcome {
  check: CheckOutcome;
  record: JournalRecord;
  outcome: AppendOutcome;
  /** Warnings of the journal itself (a torn line set aside, a malformed one skipped). */
  journalWarnings: string[];
}

/** Runs the check and appends its record, once per (trading date, configuration). */
export async function logCheck(request: LogRequest, runtime: Runtime, onCheck?: (check: CheckOutcome) => void): Promise<LogOutcome> {
  const check = await computeCheck(request, runtime);
  onCheck?.(check);
  // A journal is a record of what the market did: the sample is a demo, never logged.
  if (check.loaded.info.kind === "sample") {
    const why = typeof check.loaded.info.reason === "string" && check.loaded.info.reason.startsWith("Yahoo") ? `${check.loaded.info.reason}; ` : "";
    throw new DataError(`${why}rotation log never records the bundled sample; nothing written to ${request.journal}`);
  }
  const record = toJournalRecord(check.result, {
    universe: request.universe,
    window: request.window,
    threshold: request.threshold,
    source: check.loaded.info.kind,
    version: VERSION,
    writtenAt: runtime.now(),
    valuation: check.valuation,
  });
  const { outcome, warnings } = await new Journal(request.journal).append(record, { replace: request.replace });
  return { check, record, outcome, journalWarnings: warnings };
}

export interface HistorySelection {
  since: IsoDate | undefined;
  until: IsoDate | undefined;
  pairs: string[] | undefined;
  signalsOnly: boolean;
}

/** Records in date order, narrowed to the dates, pairs and signals asked for. */
export function selectRecords(records: readonly JournalRecord[], plan: HistorySelection): JournalRecord[] {
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

/** The journal read back: the selected records and a warning for each line that was skipped. */
export async function readHistory(journal: string, selection: HistorySelection): Promise<{ records: JournalRecord[]; warnings: string[] }> {
  const read = await new Journal(journal).read<JournalRecord>();
  const warnings = read.malformed.map((m) => `${journal}:${m.line}: ${m.reason}; skipped`);
  if (read.torn !== null) warnings.push(`${journal}: ends in an incomplete line; skipped (the next rotation log sets it aside)`);
  return { records: selectRecords(read.records.map((r) => r.record), selection), warnings };
}
