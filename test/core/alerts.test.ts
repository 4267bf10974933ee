import { describe, expect, it } from "vitest";
import { alertsBetween, type AlertRecord } from "../../src/core/alerts.js";
import { redactUrl } from "../../src/notify/webhook.js";

const pair = (name: string, signal: "small-surge" | "large-surge" | null, rrgQuadrant: string | null = null) => ({ pair: name, signal, surge: 0.0989, percentile: 100, rrgQuadrant });
const record = (asOf: string, pairs: AlertRecord["pairs"]): AlertRecord => ({ asOf, pairs });

describe("alertsBetween", () => {
  it("a quiet day says nothing; the first record says that it watches, and what is on", () => {
    expect(alertsBetween(record("d1", [pair("A:B", null, "Lagging")]), record("d2", [pair("A:B", null, "Lagging")]))).toEqual([]);
    expect(alertsBetween(null, record("d1", [pair("A:B", null, "Lagging")]))).toEqual([{ event: "watching", asOf: "d1", pair: null, text: "rotation now watches A:B, from the record of d1 (no signal); what changes will be posted here." }]);
    expect(alertsBetween(null, record("d1", [pair("A:B", "small-surge")])).map((a) => a.event)).toEqual(["watching", "signal-started"]);
  });
  it("a signal that starts, changes direction, or ends; a quadrant that changes", () => {
    const started = alertsBetween(record("d1", [pair("A:B", null, "Lagging")]), record("d2", [pair("A:B", "small-surge", "Improving")]));
    expect(started).toEqual([
      { event: "signal-started", asOf: "d2", pair: "A:B", text: "A:B: SMALL-SURGE started on d2: A outran B by 9.89 points (percentile 100.00)." },
      { event: "quadrant-changed", asOf: "d2", pair: "A:B", text: "A:B: A moved from Lagging to Improving against B on the RRG (d1 to d2)." },
    ]);
    expect(alertsBetween(record("d1", [pair("A:B", "small-surge")]), record("d2", [pair("A:B", "large-surge")])).map((a) => a.event)).toEqual(["signal-started"]);
    expect(alertsBetween(record("d1", [pair("A:B", "large-surge")]), record("d2", [pair("A:B", null)]))).toEqual([
      { event: "signal-ended", asOf: "d2", pair: "A:B", text: "A:B: LARGE-SURGE ended on d2 (it was on in the record of d1)." },
    ]);
  });
});

describe("redactUrl", () => {
  it("keeps scheme and host, never credentials, path secrets or query", () => {
    expect(redactUrl("https://user:pw@hooks.slack.com/services/T0/B0/XXXX?x=1")).toBe("https://hooks.slack.com/…");
    expect(redactUrl("http://127.0.0.1:8080")).toBe("http://127.0.0.1:8080");
    expect(redactUrl("not a url")).toBe("the webhook");
  });
});
