/**
 * The one rule for printing a secret (an option whose definition says `secret`, a webhook URL):
 * scheme and host only. The user name, password, path (a Slack webhook's secret is in its path)
 * and query (an ntfy or other token) never appear.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.length > 1 || parsed.search ? "/…" : ""}`;
  } catch {
    return "the webhook";
  }
}
