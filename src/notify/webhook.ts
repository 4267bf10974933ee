import { readFileSync } from "node:fs";
import { appendToOwnFile } from "../fs-write.js";
import type { Alert } from "../core/alerts.js";
import { SCHEMA_VERSIONS } from "../contract.js";
import { errorMessage } from "../errors.js";
import type { HttpAnswer } from "../sources/answer.js";
import { defaultRetryPolicy, retryingFetch, type FetchFunction, type RetryPolicy } from "../sources/http.js";
import { sha256Hex } from "../sha256.js";

export type NotifyFormat = "json" | "text";

export { redactUrl } from "../settings/secrets.js";

/** The body posted for an alert (schema/notify.schema.json), or its sentence alone. */
export function alertBody(alert: Alert, record: unknown, format: NotifyFormat, idempotencyKey: string): { body: string; contentType: string } {
  if (format === "text") return { body: alert.text, contentType: "text/plain; charset=utf-8" };
  const document = { schemaVersion: SCHEMA_VERSIONS.notify, event: alert.event, asOf: alert.asOf, pair: alert.pair, text: alert.text, idempotencyKey, record };
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
    const target = sha256Hex(url).slice(0, 16);
    return `${alert.asOf}|${configKey}|${alert.pair ?? "-"}|${alert.event}|${target}`;
  }

  /** What a receiver is told to tell repeats apart by: the same for every send of one event to one URL, revealing neither. */
  static idempotencyKey(key: string): string {
    return sha256Hex(key).slice(0, 32);
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
  /** The receiver may drop a repeat of the same event by this key (header and body). */
  idempotencyKey: string;
}

/** A redirect that keeps the method and the body (307, 308) is followed this many times at most. */
const MAX_REDIRECTS = 3;

/**
 * Posts one alert: 10 s a try, 3 tries with backoff on 429, 5xx and network failures, until the
 * POST itself is answered 2xx. An answer is final as soon as its status arrives (a receiver
 * that stalls after answering is not posted to again). A redirect is followed only when it keeps
 * the method and body (307, 308); a 301, 302 or 303 would turn the POST into a bodiless GET and
 * is a failure, never a delivery. A user and password in the URL (which fetch refuses) become a
 * Basic Authorization header. No error message carries the URL: only the reason.
 */
export async function deliver(url: string, payload: { body: string; contentType: string }, options: DeliveryOptions): Promise<void> {
  const fetch = retryingFetch(options.fetch, { ...defaultRetryPolicy, timeoutMs: 10_000, ...options.retry, readBody: false });
  let target = new URL(url);
  const headers: Record<string, string> = { "content-type": payload.contentType, "idempotency-key": options.idempotencyKey };
  if (target.username || target.password) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString("base64")}`;
    target.username = "";
    target.password = "";
  }
  for (let hop = 0; ; hop++) {
    let response: HttpAnswer;
    try {
      response = await fetch(target.href, { method: "POST", headers, body: payload.body, redirect: "manual" });
    } catch (error) {
      const message = errorMessage(error).split(url).join("the webhook").split(target.href).join("the webhook");
      throw new Error(message.startsWith(`${target.host}: `) ? message.slice(target.host.length + 2) : message);
    }
    if (response.status === 307 || response.status === 308) {
      const location = response.headers.get("location");
      if (location === null || hop + 1 > MAX_REDIRECTS) throw new Error(`HTTP ${response.status}: ${location === null ? "a redirect without a Location" : `more than ${MAX_REDIRECTS} redirects`}; not delivered`);
      const next = new URL(location, target);
      // Credentials go to the host they were given for, never to another one.
      if (next.host !== target.host) delete headers.authorization;
      target = next;
      continue;
    }
    if (response.status >= 300 && response.status < 400) {
      throw new Error(`HTTP ${response.status}: the webhook redirects in a way that turns the POST into a GET without its body; not delivered (give --notify the final URL)`);
    }
    if (!response.ok) throw new Error(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`);
    return;
  }
}
