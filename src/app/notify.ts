import { alertsBetween, type Alert } from "../core/alerts.js";
import { exchangeDate, MARKET_TIMEZONE } from "../core/market.js";
import { errorMessage } from "../errors.js";
import type { Runtime } from "../runtime.js";
import { alertBody, DeliveryLog, deliver, redactUrl, type NotifyFormat } from "../notify/webhook.js";
import { Journal } from "../store/journal.js";
import { acquireLock } from "../store/lock.js";
import type { JournalRecord } from "../store/record.js";

/** Every delivery of one run, retries included, within this. */
export const NOTIFY_BUDGET_MS = 60_000;

export interface NotifyRequest {
  urls: string[];
  format: NotifyFormat;
}

/** The configuration's record just before this one in the journal (null on its first day). */
export async function previousRecord(journal: string, record: JournalRecord): Promise<JournalRecord | null> {
  const { records } = await new Journal(journal).read<JournalRecord>();
  let previous: JournalRecord | null = null;
  for (const { record: r } of records) {
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
  if (request.urls.length === 0 || alerts.length === 0) return warnings;
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

async function deliverAll(alerts: readonly Alert[], context: { journal: string; configKey: string; record: JournalRecord | null }, request: NotifyRequest, runtime: Runtime, warnings: string[]): Promise<string[]> {
  const delivered = new DeliveryLog(`${context.journal}.notified`);
  // A run's deliveries together wait this long at most: a hanging receiver cannot hold a cron job.
  const deadline = Date.now() + NOTIFY_BUDGET_MS;
  for (const url of request.urls) {
    for (const alert of alerts) {
      const key = DeliveryLog.key(alert, context.configKey, url);
      if (delivered.has(key)) continue;
      if (Date.now() >= deadline) {
        warnings.push(`did not notify ${redactUrl(url)} of ${alert.event}${alert.pair ? ` ${alert.pair}` : ""}: the run's ${NOTIFY_BUDGET_MS / 1000} s for notifications were spent`);
        continue;
      }
      const idempotencyKey = DeliveryLog.idempotencyKey(key);
      try {
        await deliver(url, alertBody(alert, context.record, request.format, idempotencyKey), { fetch: runtime.fetch, retry: { ...runtime.retry, timeoutMs: Math.min(runtime.retry?.timeoutMs ?? 10_000, Math.max(1, deadline - Date.now())) }, idempotencyKey });
      } catch (error) {
        warnings.push(`could not notify ${redactUrl(url)} of ${alert.event}${alert.pair ? ` ${alert.pair}` : ""}: ${errorMessage(error)}`);
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
