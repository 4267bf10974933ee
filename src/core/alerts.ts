import type { Signal } from "./check.js";
import type { IsoDate } from "./dates.js";

/** What `log --notify` tells a webhook about. */
export type AlertEvent = "signal-started" | "signal-ended" | "quadrant-changed" | "failed" | "watching" | "test";

export interface Alert {
  event: AlertEvent;
  asOf: IsoDate;
  /** null for "failed", "watching" and "test", which concern the whole run. */
  pair: string | null;
  /** One sentence a person can read as it is (Slack, ntfy). */
  text: string;
}

/** The part of a journal record the alerts compare. */
export interface AlertRecord {
  asOf: IsoDate;
  pairs: { pair: string; signal: Signal | null; surge: number | null; percentile: number | null; rrgQuadrant?: string | null }[];
}

const LABEL: Record<Signal, string> = { "small-surge": "SMALL-SURGE", "large-surge": "LARGE-SURGE" };

function points(value: number | null): string {
  return value === null ? "n/a" : `${(Math.abs(value) * 100).toFixed(2)} points`;
}

/**
 * What changed between a configuration's previous record and this one: a signal that started
 * (or changed direction) or ended, an RRG quadrant that changed. Nothing for a quiet day.
 */
export function alertsBetween(previous: AlertRecord | null, current: AlertRecord): Alert[] {
  const alerts: Alert[] = [];
  // A configuration's first record: the receiver learns at once that it is watched (and that
  // its webhook works), instead of waiting for the first change.
  if (previous === null) {
    const on = current.pairs.filter((p) => p.signal !== null).map((p) => `${p.pair} ${LABEL[p.signal as Signal]}`);
    alerts.push({ event: "watching", asOf: current.asOf, pair: null, text: `rotation now watches ${current.pairs.map((p) => p.pair).join(", ")}, from the record of ${current.asOf} (${on.length === 0 ? "no signal" : on.join(", ")}); what changes will be posted here.` });
  }
  const before = new Map((previous?.pairs ?? []).map((p) => [p.pair, p]));
  for (const now of current.pairs) {
    const then = before.get(now.pair);
    const [a, b] = now.pair.split(":");
    if (now.signal !== null && now.signal !== (then?.signal ?? null)) {
      const verb = now.signal === "small-surge" ? "outran" : "trailed";
      const percentile = now.percentile === null ? "" : ` (percentile ${(Math.floor(now.percentile * 100) / 100).toFixed(2)})`;
      alerts.push({ event: "signal-started", asOf: current.asOf, pair: now.pair, text: `${now.pair}: ${LABEL[now.signal]} started on ${current.asOf}: ${a} ${verb} ${b} by ${points(now.surge)}${percentile}.` });
    }
    if (then?.signal && now.signal === null) {
      alerts.push({ event: "signal-ended", asOf: current.asOf, pair: now.pair, text: `${now.pair}: ${LABEL[then.signal]} ended on ${current.asOf} (it was on in the record of ${previous!.asOf}).` });
    }
    if (then?.rrgQuadrant && now.rrgQuadrant && then.rrgQuadrant !== now.rrgQuadrant) {
      alerts.push({ event: "quadrant-changed", asOf: current.asOf, pair: now.pair, text: `${now.pair}: ${a} moved from ${then.rrgQuadrant} to ${now.rrgQuadrant} against ${b} on the RRG (${previous!.asOf} to ${current.asOf}).` });
    }
  }
  return alerts;
}
