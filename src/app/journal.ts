import type { IsoDate } from "../core/dates.js";
import { DataError } from "../errors.js";
import type { Runtime } from "../runtime.js";
import { Journal, type AppendOutcome } from "../store/journal.js";
import { journalRecordProblem, toJournalRecord, type JournalRecord } from "../store/record.js";
import { VERSION } from "../version.js";
import { runCheck } from "../core/check.js";
import { alertsBetween } from "../core/alerts.js";
import { pointInTime } from "../core/series.js";
import { lastClosedSession, openSessionDate, sessionsAfter } from "../core/market.js";
import { computeCheck, type CheckOutcome, type CheckRequest } from "./check.js";
import { failedSymbols, judgeAsOf, keptSuspects, withoutSymbols } from "./prices.js";
import { priceProvider } from "../sources/providers.js";

export interface LogRequest extends CheckRequest {
  journal: string;
  replace: boolean;
  /** Record a day behind the last closed session (marked stale) instead of refusing it; --allow-stale. */
  allowStale?: boolean;
  /** Webhooks: the record's events are put in the outbox with it, under the journal's lock. */
  notify?: { urls: readonly string[] };
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
  // A journal is a record of what the market did: the sample is a demo, never logged.
  if (check.loaded.info.kind === "sample" || check.loaded.info.fromSample !== undefined) {
    const reason = (check.loaded.info.fromSample as { reason?: unknown } | undefined)?.reason ?? check.loaded.info.reason;
    const why = typeof reason === "string" && reason.includes(" unreachable (") ? `${reason}; ` : "";
    throw new DataError(`${why}rotation log never records the bundled sample; nothing written to ${request.journal}`);
  }
  const vouched = vouchedDate(check, openSessionDate(runtime.now()));
  if (vouched.date === null) throw new DataError(`no closed session that every pair has; nothing written to ${request.journal}`);
  if (vouched.date !== check.result.asOf) {
    // Record only what every pair can vouch for: the same figures as a check as of that date.
    // Ticks and gaps are judged again as of that date: never with the later bar (often a
    // session still open) the check saw.
    const universe = withoutSymbols(request.universe, failedSymbols(check.loaded));
    const judged = judgeAsOf(check.loaded.series, vouched.date, priceProvider(request.source.kind).live);
    const result = runCheck(judged.series, { universe, window: request.window, threshold: request.threshold, lookback: request.lookback, asOf: vouched.date, suspects: keptSuspects(judged), gaps: judged.gaps });
    const loadWarnings = check.loaded.warnings.filter((w) => !check.loaded.judged.warnings.includes(w));
    result.warnings.unshift(...loadWarnings, ...judged.warnings, vouched.why);
    check.result = result;
  }
  // A cron job must never log a stale day as fresh: without --as-of, the day recorded is the last
  // closed session, or nothing (exit 1, and a `failed` notification) unless --allow-stale.
  let stale = false;
  if (request.asOf === undefined) {
    const last = lastClosedSession(runtime.now());
    const behind = sessionsAfter(check.result.asOf, last);
    if (behind > 0) {
      const failed = Array.isArray(check.loaded.info.stale) ? (check.loaded.info.stale as { symbol: string }[]).map((s) => s.symbol) : [];
      const why = failed.length > 0 ? `the download failed for ${failed.join(", ")}, shown from the cache` : "the data has no later close";
      const lag = `${check.result.asOf} is ${behind} session${behind === 1 ? "" : "s"} behind the last closed session, ${last} (${why})`;
      if (!request.allowStale) throw new DataError(`${lag}; nothing written to ${request.journal} (--allow-stale records it marked stale; --as-of DATE logs a past day)`);
      check.result.warnings.push(`${lag}; recorded marked stale (--allow-stale)`);
      stale = true;
    }
  }
  onCheck?.(check);
  const record = toJournalRecord(check.result, {
    universe: request.universe,
    window: request.window,
    threshold: request.threshold,
    lookback: request.lookback,
    source: check.loaded.info.kind,
    version: VERSION,
    writtenAt: runtime.now(),
    valuation: check.valuation,
    history: check.history,
    drivers: check.context,
  });
  if (stale) record.stale = true;
  const urls = request.notify?.urls ?? [];
  const queue = urls.length === 0 ? undefined : await import("./notify.js");
  const { outcome, warnings } = await new Journal(request.journal).append(record, {
    replace: request.replace,
    onWait: (line) => runtime.stderr.write(`rotation: ${line}\n`),
    // The events of this record (what changed since the configuration's previous one) are kept
    // with it: a run killed between writing and posting leaves them in the outbox.
    whileLocked: queue && ((before) => queue.queueEvents(alertsBetween(queue.previousIn(before, record), record), { journal: request.journal, configKey: record.configKey, record }, urls, runtime.now()).warnings),
  });
  return { check, record, outcome, journalWarnings: warnings };
}

/**
 * The newest date a journal record can vouch for: a closed session that every pair has. A bar
 * of a session still open is a price so far, not a close; a pair whose fund failed to download
 * (shown from an older cache) has figures only up to its own last date.
 */
export function vouchedDate(check: CheckOutcome, openSession: IsoDate | null): { date: IsoDate | null; why: string } {
  let date: IsoDate | null = null;
  let limitedBy = "";
  // The dates as loaded, not as judged at the check's date: a bar the check left out because
  // a later (perhaps still open) session took it back is still a session to vouch for.
  const loaded = pointInTime(check.loaded.series, check.result.asOf);
  for (const pair of check.result.pairs) {
    const dates = loaded.pair(pair.symbol, pair.benchmark).dates;
    let last = dates.length - 1;
    if (last >= 0 && dates[last] === openSession) last--;
    const closed = last >= 0 ? (dates[last] as IsoDate) : null;
    if (closed === null) continue;
    if (date === null || closed < date) {
      date = closed;
      limitedBy = pair.pair;
    }
  }
  const latest = check.result.asOf;
  const why =
    openSession !== null && latest === openSession && date !== null
      ? `the session of ${openSession} has not closed; logging the previous session, ${date}`
      : `logging ${date}, the newest date every pair has (${limitedBy} has no later common date; the latest data is of ${latest})`;
  return { date, why };
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
  const valid: JournalRecord[] = [];
  for (const { line, record } of read.records) {
    const problem = journalRecordProblem(record);
    if (problem === null) valid.push(record);
    else warnings.push(`${journal}:${line}: not a journal record (${problem}); skipped`);
  }
  if (read.torn !== null) warnings.push(`${journal}: ends in an incomplete line; skipped (the next rotation log sets it aside)`);
  return { records: selectRecords(valid, selection), warnings };
}
