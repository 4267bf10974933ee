import type { CheckContext } from "../output/drivers.js";
import type { CalendarWindowKind } from "../core/calendars/windows.js";
import type { CheckResult, Signal, SignalResult } from "../core/check.js";
import { ALL_HISTORY, lookbackText, type Lookback } from "../core/lookback.js";
import type { Quadrant } from "../core/rrg.js";
import { pairName, type Universe } from "../core/universe.js";
import type { ValuationHistory } from "../core/size-valuation.js";
import type { ValuationReport } from "../core/valuation.js";

import { SCHEMA_VERSIONS } from "../contract.js";

export const JOURNAL_SCHEMA_VERSION = SCHEMA_VERSIONS.journal;

/** One line of the journal: what `check` said about one trading date, under one configuration. */
export interface JournalRecord {
  schemaVersion: typeof JOURNAL_SCHEMA_VERSION;
  asOf: string;
  writtenAt: string;
  version: string;
  /** Identifies the configuration; one record per (asOf, configKey). */
  configKey: string;
  /** `lookback` only when it is not all history (records before 0.3 have none: all history). */
  parameters: { window: number; threshold: number; lookback?: string };
  source: string;
  /** Present (true) only when the day was behind the last closed session and --allow-stale recorded it anyway. */
  stale?: true;
  pairs: {
    pair: string;
    date: string | null;
    surge: number | null;
    percentile: number | null;
    zScore: number | null;
    largestSince: string | null;
    relative5: number | null;
    signal: Signal | null;
    /** Absent in records written before 0.2. */
    rrgQuadrant?: Quadrant | null;
  }[];
  signals: SignalResult[];
  /** Trailing P/E spreads of the pairs, when valuation data was available. */
  valuation?: { pair: string; date: string | null; stale: boolean; trailingSpread: number | null; trailingPercentile: number | null; forwardSpread: number | null }[];
  /** The Fama/French valuation history's headline split, when it was cached (a proxy; its month may be months old). */
  valuationHistory?: { dataset: string; vintage: string | null; split: string; month: string; ratio: number; percentile: number | null; lookback: string };
  /** Drivers, breadth and the calendar at the as-of date, when any was at hand (0.5.0 and later). */
  context?: {
    calendar: CalendarWindowKind[];
    drivers: { pair: string; driver: string; date: string | null; correlation: number | null; low: number | null; high: number | null; percentile: number | null }[];
    breadth: { pair: string; date: string | null; surge: number | null; percentile: number | null }[];
  };
}

/** A lookback other than all history is part of the configuration (and keys of the default stay as they were). */
export function configKey(universe: Universe, window: number, threshold: number, lookback: Lookback = ALL_HISTORY): string {
  const span = lookback.kind === "all" ? "" : `;lookback=${lookbackText(lookback)}`;
  return `window=${window};threshold=${threshold}${span};pairs=${universe.pairs.map(pairName).join(",")}`;
}

export function toJournalRecord(
  result: CheckResult,
  context: { universe: Universe; window: number; threshold: number; lookback?: Lookback; source: string; version: string; writtenAt: Date; valuation?: ValuationReport | null; history?: ValuationHistory | null; drivers?: CheckContext },
): JournalRecord {
  const record: JournalRecord = {
    schemaVersion: JOURNAL_SCHEMA_VERSION,
    asOf: result.asOf,
    writtenAt: context.writtenAt.toISOString(),
    version: context.version,
    configKey: configKey(context.universe, context.window, context.threshold, context.lookback),
    parameters: { window: context.window, threshold: context.threshold, ...(context.lookback && context.lookback.kind !== "all" ? { lookback: lookbackText(context.lookback) } : {}) },
    source: context.source,
    pairs: result.pairs.map((p) => ({
      pair: p.pair,
      date: p.date,
      surge: p.surge.value,
      percentile: p.surge.percentile,
      zScore: p.surge.zScore,
      largestSince: p.surge.largestSince,
      relative5: p.relative.d5,
      signal: p.signal,
      rrgQuadrant: p.rrg?.quadrant ?? null,
    })),
    signals: result.signals,
  };
  if (context.valuation) {
    record.valuation = context.valuation.pairs.map((p) => ({
      pair: p.pair,
      date: p.date,
      stale: p.stale,
      trailingSpread: p.trailing.spread,
      trailingPercentile: p.trailing.rank?.percentile ?? null,
      forwardSpread: p.forward.spread,
    }));
  }
  const split = context.history?.splits.find((s) => s.split === context.history?.split);
  if (context.history && split) {
    record.valuationHistory = { dataset: context.history.dataset, vintage: context.history.vintage, split: split.split, month: split.month, ratio: split.ratio, percentile: split.percentile, lookback: context.history.lookback };
  }
  const around = context.drivers;
  if (around && (around.calendar.length > 0 || around.drivers.length > 0 || around.breadth.length > 0)) {
    record.context = {
      calendar: around.calendar.map((w) => w.window),
      drivers: around.drivers.map((r) => ({ pair: r.pair, driver: r.driver, date: r.date, correlation: r.correlation.value, low: r.correlation.interval?.[0] ?? null, high: r.correlation.interval?.[1] ?? null, percentile: r.correlation.percentile })),
      breadth: around.breadth.map((c) => ({ pair: c.pair, date: c.date, surge: c.surge.value, percentile: c.surge.percentile })),
    };
  }
  return record;
}

const SIGNALS = new Set(["small-surge", "large-surge"]);
const isDate = (v: unknown): boolean => typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v);
const numberOrNull = (v: unknown): boolean => v === null || (typeof v === "number" && Number.isFinite(v));
const dateOrNull = (v: unknown): boolean => v === null || isDate(v);

/**
 * What is wrong with a journal line's value, or null when it is a record `history` can show:
 * a journal edited by hand (or by another tool) must be skipped with a warning, never crash.
 */
export function journalRecordProblem(value: unknown): string | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not an object";
  const record = value as Record<string, unknown>;
  if (!isDate(record.asOf)) return "asOf is not a date";
  for (const key of ["writtenAt", "configKey"] as const) if (typeof record[key] !== "string") return `${key} is not text`;
  if (!Array.isArray(record.pairs)) return "pairs is not a list";
  for (const [i, pair] of (record.pairs as unknown[]).entries()) {
    if (typeof pair !== "object" || pair === null) return `pairs[${i}] is not an object`;
    const p = pair as Record<string, unknown>;
    if (typeof p.pair !== "string") return `pairs[${i}].pair is not text`;
    if (!dateOrNull(p.date)) return `pairs[${i}].date is not a date`;
    for (const key of ["surge", "percentile", "zScore", "relative5"] as const) if (!numberOrNull(p[key])) return `pairs[${i}].${key} is not a number`;
    if (!dateOrNull(p.largestSince)) return `pairs[${i}].largestSince is not a date`;
    if (p.signal !== null && !SIGNALS.has(p.signal as string)) return `pairs[${i}].signal is not a signal`;
  }
  if (record.signals !== undefined && !Array.isArray(record.signals)) return "signals is not a list";
  return null;
}
