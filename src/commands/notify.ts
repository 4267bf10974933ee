import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { CommandFlags } from "../settings/options.js";
import type { Alert } from "../core/alerts.js";
import { exchangeDate, MARKET_TIMEZONE } from "../core/market.js";
import { errorMessage, ExitCode, UsageError } from "../errors.js";
import { alertBody, deliver, redactUrl, type NotifyFormat } from "../notify/webhook.js";
import type { Runtime } from "../runtime.js";
import { DEFAULTS } from "../settings/defaults.js";
import { parseChoice, parseNotifyUrls } from "../settings/validators.js";
import { VERSION } from "../version.js";

export type NotifyTestFlags = CommandFlags<"notify test">;

export interface NotifyTestPlan {
  urls: string[];
  format: NotifyFormat;
}

/** The URL given, else the configured webhooks (--notify, ROTATION_NOTIFY, the config file's notify). */
export function planNotifyTest(url: string | undefined, flags: NotifyTestFlags, env: Runtime["env"]): NotifyTestPlan {
  const urls = url !== undefined ? parseNotifyUrls([url], {}, "URL") : parseNotifyUrls(flags.notify, env);
  if (urls.length === 0) throw new UsageError("no webhook to test: give a URL (rotation notify test URL), --notify URL, ROTATION_NOTIFY or the config file's notify");
  return { urls, format: parseChoice<NotifyFormat>(flags.notifyFormat, "--notify-format", ["json", "text"], DEFAULTS.notifyFormat) };
}

/**
 * Sends one message marked as a test to each webhook, the way log sends its events (the same
 * body, redirect rule, retries and idempotency key), and says what each answered. It is not
 * kept in the outbox: a failed test is for the person watching, not for a later run.
 */
export async function notifyTest(plan: NotifyTestPlan, runtime: Runtime): Promise<number> {
  const asOf = exchangeDate(runtime.now(), MARKET_TIMEZONE);
  const alert: Alert = { event: "test", asOf, pair: null, text: `rotation ${VERSION} on ${hostname()}: a test message (rotation notify test); no signal is meant.` };
  let failed = 0;
  for (const url of plan.urls) {
    const key = randomUUID().replaceAll("-", "");
    const started = Date.now();
    try {
      await deliver(url, alertBody(alert, null, plan.format, key), { fetch: runtime.fetch, retry: { ...runtime.retry }, idempotencyKey: key });
      runtime.stderr.write(`rotation: ${redactUrl(url)}: delivered (answered 2xx in ${Date.now() - started} ms)\n`);
    } catch (error) {
      failed++;
      runtime.stderr.write(`rotation: ${redactUrl(url)}: not delivered: ${errorMessage(error)}\n`);
    }
  }
  return failed === 0 ? ExitCode.ok : ExitCode.failure;
}
