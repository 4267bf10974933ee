import { alertsBetween, type Alert } from "../core/alerts.js";
import { exchangeDate, MARKET_TIMEZONE } from "../core/market.js";
import { errorMessage } from "../errors.js";
import type { Runtime } from "../runtime.js";
import { alertBody, DeliveryLog, deliver, redactUrl, type NotifyFormat } from "../notify/webhook.js";
import { Journal } from "../store/journal.js";
import { acquireLock } from "../store/lock.js";
import { appendToOwnFile } from "../fs-write.js";
import { jsonText } from "../output/columns.js";
import { readFileSync } from "node:fs";
import type { JournalRecord } from "../store/record.js";

/** Every delivery of one run, retries included, within this. */
export const NOTIFY_BUDGET_MS = 60_000;

export interface NotifyRequest {
  urls: string[];
  format: NotifyFormat;
}

/** The configuration's record just before this one in the journal (null on its first day). */
export async function previousRecord(journal: string, record: JournalRecord): Promise<JournalRecord | null> {
  return previousIn((await new Journal(journal).read<JournalRecord>()).records, record);
}

/** The configuration's record just before this one among `records` (null on its first day). */
export function previousIn(records: readonly { record: unknown }[], record: JournalRecord): JournalRecord | null {
  let previous: JournalRecord | null = null;
  for (const { record: r } of records as { record: JournalRecord }[]) {
    if (r.configKey === record.configKey && typeof r.asOf === "string" && r.asOf < record.asOf && Array.isArray(r.pairs) && (previous === null || r.asOf > previous.asOf)) previous = r;
  }
  return previous;
}

/**
 * Posts each alert to each URL once: what was delivered is recorded beside the journal, so a
 * re-run sends nothing twice. A delivery that fails is a warning; the journal is never touched.
 */
export async function sendAlerts(alerts: readonly Alert[], context: { journal: string; configKey: string; record: JournalRecord | null }, request: NotifyRequest, runtime: Runtime): Promise<string[]> {
  const warnings: string[] = [];
  // Even with no new event: the outbox may hold one a failed delivery left.
  if (request.urls.length === 0) return warnings;
  // One run delivers at a time, reading what the others delivered once it holds the lock: runs
  // started together (twenty failing at once, twenty --replace) send each event once.
  let lock: Awaited<ReturnType<typeof acquireLock>>;
  try {
    lock = await acquireLock(`${context.journal}.notified`, "delivery log", (line) => runtime.stderr.write(`rotation: ${line}\n`));
  } catch (error) {
    return [`could not notify: ${errorMessage(error)}`];
  }
  try {
    return await deliverAll(alerts, context, request, runtime, warnings);
  } finally {
    await lock.release();
  }
}

/** One event waiting to be delivered to one URL (the URL itself is never stored: its key names it by hash). */
interface Pending {
  key: string;
  /** When a run first queued it (ISO 8601): an event queued over OUTBOX_DAYS ago is not sent. */
  queuedAt: string;
  alert: Alert;
  record: JournalRecord | null;
}

/**
 * The outbox beside the journal (JOURNAL.outbox, JSON Lines, 0600): every event of every run,
 * kept until delivered, so that an event a failed delivery left unsent goes out with the next
 * run that has the URL, the next day's included. Written under the journal's lock with the
 * record whose events they are (queueEvents), else under the delivery lock.
 */
function readOutbox(file: string): Pending[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  const pending: Pending[] = [];
  for (const line of text.split("\n")) {
    try {
      const entry = JSON.parse(line) as Pending;
      if (typeof entry?.key === "string" && typeof entry.queuedAt === "string" && typeof entry.alert?.event === "string" && typeof entry.alert.asOf === "string") pending.push(entry);
    } catch {
      // a torn or foreign line: skipped
    }
  }
  return pending;
}

/** Pending events queued longer ago than this are no news any more: not sent. */
const OUTBOX_DAYS = 7;

/**
 * Puts the events of `alerts` for each URL in the outbox (JOURNAL.outbox), unless delivered or
 * already there; no network. `log` calls it under the journal's lock, right after it writes the
 * record, so a record's events are kept with it (a run killed before it posts loses nothing),
 * and deliverAll calls it under the delivery lock for events no record carries (a failed run).
 */
export function queueEvents(alerts: readonly Alert[], context: { journal: string; configKey: string; record: JournalRecord | null }, urls: readonly string[], now: Date): { outbox: Pending[]; warnings: string[] } {
  const warnings: string[] = [];
  const delivered = new DeliveryLog(`${context.journal}.notified`);
  const outboxFile = `${context.journal}.outbox`;
  const outbox = readOutbox(outboxFile);
  const queued = new Set(outbox.map((p) => p.key));
  for (const url of urls) {
    for (const alert of alerts) {
      const key = DeliveryLog.key(alert, context.configKey, url);
      if (delivered.has(key) || queued.has(key)) continue;
      const entry: Pending = { key, queuedAt: now.toISOString(), alert, record: context.record };
      try {
        appendToOwnFile(outboxFile, `${jsonText(entry)}\n`);
      } catch (error) {
        warnings.push(`could not keep ${alert.event} in ${outboxFile} (${errorMessage(error)}); it is sent now but not retried later`);
      }
      outbox.push(entry);
      queued.add(key);
    }
  }
  return { outbox, warnings };
}

async function deliverAll(alerts: readonly Alert[], context: { journal: string; configKey: string; record: JournalRecord | null }, request: NotifyRequest, runtime: Runtime, warnings: string[]): Promise<string[]> {
  const delivered = new DeliveryLog(`${context.journal}.notified`);
  // This run's events join the outbox first (unless log already queued them with the record),
  // so that a run killed while posting leaves them there.
  const { outbox, warnings: queueWarnings } = queueEvents(alerts, context, request.urls, runtime.now());
  warnings.push(...queueWarnings);
  // A run's deliveries together wait this long at most: a hanging receiver cannot hold a cron job.
  const deadline = Date.now() + NOTIFY_BUDGET_MS;
  const oldest = new Date(runtime.now().getTime() - OUTBOX_DAYS * 86_400_000).toISOString();
  for (const url of request.urls) {
    // The events for this URL, of this configuration, not delivered and not too old, oldest first.
    const seen = new Set<string>();
    const mine = outbox.filter((p) => p.key === DeliveryLog.key(p.alert, context.configKey, url) && !delivered.has(p.key) && p.queuedAt >= oldest && !seen.has(p.key) && seen.add(p.key) !== undefined);
    for (const { key, alert, record } of mine) {
      if (delivered.has(key)) continue;
      if (Date.now() >= deadline) {
        warnings.push(`did not notify ${redactUrl(url)} of ${alert.event}${alert.pair ? ` ${alert.pair}` : ""}: the run's ${NOTIFY_BUDGET_MS / 1000} s for notifications were spent (the next run tries again)`);
        continue;
      }
      const idempotencyKey = DeliveryLog.idempotencyKey(key);
      try {
        await deliver(url, alertBody(alert, record, request.format, idempotencyKey), { fetch: runtime.fetch, retry: { ...runtime.retry, timeoutMs: Math.min(runtime.retry?.timeoutMs ?? 10_000, Math.max(1, deadline - Date.now())) }, idempotencyKey });
      } catch (error) {
        warnings.push(`could not notify ${redactUrl(url)} of ${alert.event}${alert.pair ? ` ${alert.pair}` : ""}: ${errorMessage(error)} (the next run tries again)`);
        continue;
      }
      try {
        delivered.record(key);
      } catch (error) {
        warnings.push(`notified ${redactUrl(url)}, but could not record it in ${context.journal}.notified (${errorMessage(error)}); a re-run may send it again`);
      }
    }
  }
  return warnings;
}

/** The alerts of a record just written: what changed since the configuration's previous one. */
export async function alertsFor(journal: string, record: JournalRecord): Promise<Alert[]> {
  return alertsBetween(await previousRecord(journal, record), record);
}

/** The alert of a run that failed (exit 1): once per trading day and configuration. */
export function failedAlert(message: string, now: Date): Alert {
  const asOf = exchangeDate(now, MARKET_TIMEZONE);
  return { event: "failed", asOf, pair: null, text: `rotation log failed on ${asOf}: ${message}` };
}
