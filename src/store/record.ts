import type { CheckResult, Signal, SignalResult } from "../core/check.js";
import { pairName, type Universe } from "../core/universe.js";
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
  parameters: { window: number; threshold: number };
  source: string;
  pairs: {
    pair: string;
    date: string | null;
    surge: number | null;
    percentile: number | null;
    zScore: number | null;
    largestSince: string | null;
    relative5: number | null;
    signal: Signal | null;
  }[];
  signals: SignalResult[];
  /** Trailing P/E spreads of the pairs, when valuation data was available. */
  valuation?: { pair: string; date: string | null; stale: boolean; trailingSpread: number | null; trailingPercentile: number | null; forwardSpread: number | null }[];
}

export function configKey(universe: Universe, window: number, threshold: number): string {
  return `window=${window};threshold=${threshold};pairs=${universe.pairs.map(pairName).join(",")}`;
}

export function toJournalRecord(
  result: CheckResult,
  context: { universe: Universe; window: number; threshold: number; source: string; version: string; writtenAt: Date; valuation?: ValuationReport | null },
): JournalRecord {
  const record: JournalRecord = {
    schemaVersion: JOURNAL_SCHEMA_VERSION,
    asOf: result.asOf,
    writtenAt: context.writtenAt.toISOString(),
    version: context.version,
    configKey: configKey(context.universe, context.window, context.threshold),
    parameters: { window: context.window, threshold: context.threshold },
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
  return record;
}
