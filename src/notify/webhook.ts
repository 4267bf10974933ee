import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { appendToOwnFile } from "../fs-write.js";
import type { Alert } from "../core/alerts.js";
import { SCHEMA_VERSIONS } from "../contract.js";
import { errorMessage } from "../errors.js";
import { defaultRetryPolicy, retryingFetch, type FetchFunction, type RetryPolicy } from "../sources/http.js";

export type NotifyFormat = "json" | "text";

/**
 * A webhook URL as it may be printed: scheme and host only. The user name, password, path (a
 * Slack webhook's secret is in its path) and query (an ntfy or other token) never appear.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.length > 1 || parsed.search ? "/…" : ""}`;
  } catch {
    return "the webhook";
  }
}

/** The body posted for an alert (schema/notify.schema.json), or its sentence alone. */
export function alertBody(alert: Alert, record: unknown, format: NotifyFormat): { body: string; contentType: string } {
  if (format === "text") return { body: alert.text, contentType: "text/plain; charset=utf-8" };
  const document = { schemaVersion: SCHEMA_VERSIONS.notify, event: alert.event, asOf: alert.asOf, pair: alert.pair, text: alert.text, record };
  return { body: JSON.stringify(document), contentType: "application/json" };
}

/**
 * What was delivered, beside the journal (JOURNAL.notified, one key a line): a re-run of the
 * same day sends nothing twice. A key is (trading date, configuration, pair, event, URL).
 */
export class DeliveryLog {
  private readonly sent: Set<string>;
  constructor(readonly file: string) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      // Nothing delivered yet (or unreadable: then at worst an alert is sent again).
    }
    this.sent = new Set(text.split("\n").filter(Boolean));
  }

  static key(alert: Alert, configKey: string, url: string): string {
    const target = createHash("sha256").update(url).digest("hex").slice(0, 16);
    return `${alert.asOf}|${configKey}|${alert.pair ?? "-"}|${alert.event}|${target}`;
  }

  has(key: string): boolean {
    return this.sent.has(key);
  }

  record(key: string): void {
    this.sent.add(key);
    appendToOwnFile(this.file, `${key}\n`);
  }
}

export interface DeliveryOptions {
  fetch: FetchFunction;
  retry?: Partial<RetryPolicy>;
}

/**
 * Posts one alert: 10 s a try, 3 tries with backoff on 429, 5xx and network failures. A user
 * and password in the URL (which fetch refuses) become a Basic Authorization header. No error
 * message carries the URL: only the reason.
 */
export async function deliver(url: string, payload: { body: string; contentType: string }, options: DeliveryOptions): Promise<void> {
  const fetch = retryingFetch(options.fetch, { ...defaultRetryPolicy, timeoutMs: 10_000, ...options.retry });
  const target = new URL(url);
  const headers: Record<string, string> = { "content-type": payload.contentType };
  if (target.username || target.password) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString("base64")}`;
    target.username = "";
    target.password = "";
  }
  let response: Response;
  try {
    response = await fetch(target.href, { method: "POST", headers, body: payload.body });
  } catch (error) {
    const message = errorMessage(error).split(url).join("the webhook").split(target.href).join("the webhook");
    throw new Error(message.startsWith(`${target.host}: `) ? message.slice(target.host.length + 2) : message);
  }
  void response.body?.cancel().catch(() => undefined);
  if (!response.ok) throw new Error(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`);
}
