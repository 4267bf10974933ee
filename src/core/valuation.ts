import type { ValuationHistory } from "./size-valuation.js";
import { daysBetween, type IsoDate } from "./dates.js";
import { midRankPercentile } from "./surge.js";
import { pairName, type PairSpec } from "./universe.js";

/** One fund's multiples on one date, as fetched or imported. */
export interface ValuationRecord {
  date: IsoDate;
  symbol: string;
  trailingPE: number | null;
  forwardPE: number | null;
  source: string;
}

export type Basis = "trailing" | "forward";

export interface SpreadRank {
  /** Mid-rank percentile among earlier spreads: below, plus half of those equal (see midRankPercentile). */
  percentile: number;
  rankedFrom: IsoDate;
  rankedTo: IsoDate;
  observations: number;
}

export interface SpreadFigures {
  basis: Basis;
  /** PE_A - PE_B */
  spread: number | null;
  /** PE_A / PE_B */
  ratio: number | null;
  /** 1/PE_A - 1/PE_B: the earnings-yield gap (a fraction). */
  yieldGap: number | null;
  rank: SpreadRank | null;
  /** Why a figure or the rank is missing; null when everything is there. */
  note: string | null;
}

/** The P/E a figure may have: a loss-making index has none, and 1e-320 or 1e308 is a slip, not a valuation. */
export const PE_RANGE = { min: 0.5, max: 10_000 } as const;

/** A multiple is usable when within PE_RANGE; any other is shown as n/a, never ranked. */
export function usablePE(value: number | null | undefined): number | null {
  return typeof value === "number" && value >= PE_RANGE.min && value <= PE_RANGE.max ? value : null;
}

export function spreadOf(a: number | null, b: number | null): Pick<SpreadFigures, "spread" | "ratio" | "yieldGap"> {
  if (a === null || b === null) return { spread: null, ratio: null, yieldGap: null };
  return { spread: a - b, ratio: a / b, yieldGap: 1 / a - 1 / b };
}

function peOf(record: ValuationRecord, basis: Basis): number | null {
  return usablePE(basis === "trailing" ? record.trailingPE : record.forwardPE);
}

/**
 * The spread of A over B on one basis, ranked against the spreads of every earlier date on
 * which both funds had that multiple: point in time, nothing after `today.date` is used.
 */
export function rankSpread(
  history: readonly ValuationRecord[],
  today: { date: IsoDate; a: ValuationRecord; b: ValuationRecord },
  basis: Basis,
  minObservations: number,
): SpreadFigures {
  const a = peOf(today.a, basis);
  const b = peOf(today.b, basis);
  const figures = spreadOf(a, b);
  if (figures.spread === null) {
    const missing = [a === null ? today.a.symbol : null, b === null ? today.b.symbol : null].filter(Boolean).join(" and ");
    return { basis, ...figures, rank: null, note: `no ${basis} P/E for ${missing}` };
  }
  const symbolA = today.a.symbol;
  const symbolB = today.b.symbol;
  const byDate = new Map<IsoDate, { a?: number; b?: number }>();
  for (const record of history) {
    if (record.date >= today.date) continue;
    const value = peOf(record, basis);
    if (value === null || (record.symbol !== symbolA && record.symbol !== symbolB)) continue;
    const entry = byDate.get(record.date) ?? {};
    if (record.symbol === symbolA) entry.a = value;
    else entry.b = value;
    byDate.set(record.date, entry);
  }
  const earlier = [...byDate.entries()].filter(([, e]) => e.a !== undefined && e.b !== undefined).sort(([x], [y]) => (x < y ? -1 : 1));
  if (earlier.length < minObservations) {
    return { basis, ...figures, rank: null, note: `only ${earlier.length} earlier ${basis} observations of this spread (need ${minObservations}); no percentile` };
  }
  const spreadToday = figures.spread as number;
  let below = 0;
  let equal = 0;
  for (const [, e] of earlier) {
    const spread = (e.a as number) - (e.b as number);
    if (spread < spreadToday) below++;
    else if (spread === spreadToday) equal++;
  }
  return {
    basis,
    ...figures,
    rank: { percentile: midRankPercentile(below, equal, earlier.length), rankedFrom: earlier[0]![0], rankedTo: earlier[earlier.length - 1]![0], observations: earlier.length },
    note: null,
  };
}

/** The latest record of each symbol on or before `asOf`. */
export function latestBySymbol(history: readonly ValuationRecord[], asOf: IsoDate | undefined): Map<string, ValuationRecord> {
  const latest = new Map<string, ValuationRecord>();
  for (const record of history) {
    if (asOf !== undefined && record.date > asOf) continue;
    const known = latest.get(record.symbol);
    if (!known || record.date >= known.date) latest.set(record.symbol, record);
  }
  return latest;
}

export interface FundValuation {
  symbol: string;
  date: IsoDate | null;
  trailingPE: number | null;
  forwardPE: number | null;
  source: string | null;
  notes: { trailingPE?: string; forwardPE?: string };
}

export interface PairValuation {
  pair: string;
  symbol: string;
  benchmark: string;
  /** The date the pair's figures are from: the later of its two funds' latest records. */
  date: IsoDate | null;
  /** Each fund's latest record date (null when it has none). */
  dates: { symbol: IsoDate | null; benchmark: IsoDate | null };
  /**
   * The two records are more than maxAgeDays apart, or the newer is more than maxAgeDays
   * before the as-of date: the figures are shown, but their rank must not raise a signal.
   */
  stale: boolean;
  trailing: SpreadFigures;
  forward: SpreadFigures;
}

export interface ValuationReport {
  asOf: IsoDate;
  store: string;
  live: boolean;
  funds: FundValuation[];
  pairs: PairValuation[];
  /** The Fama/French history (README, "Valuation history"): absent when not asked for, null when it could not be had. */
  history?: ValuationHistory | null;
  warnings: string[];
}

/** Pure: funds and pair spreads from the history (today's records included) as of a date. */
export function valuationReport(
  history: readonly ValuationRecord[],
  pairs: readonly PairSpec[],
  asOf: IsoDate,
  minHistory: number,
  liveNotes: Record<string, { trailingPE?: string; forwardPE?: string }> = {},
  maxAgeDays = 7,
): Pick<ValuationReport, "funds" | "pairs" | "warnings"> {
  const warnings: string[] = [];
  const latest = latestBySymbol(history, asOf);
  const symbols = [...new Set(pairs.flatMap((p) => [p.symbol, p.benchmark]))];
  const funds: FundValuation[] = symbols.map((symbol) => {
    const record = latest.get(symbol);
    if (!record) return { symbol, date: null, trailingPE: null, forwardPE: null, source: null, notes: { trailingPE: "no valuation recorded", forwardPE: "no valuation recorded" } };
    const notes = { ...liveNotes[symbol] };
    if (record.trailingPE === null) notes.trailingPE ??= "not recorded";
    if (record.forwardPE === null) notes.forwardPE ??= "not recorded";
    return { symbol, date: record.date, trailingPE: record.trailingPE, forwardPE: record.forwardPE, source: record.source, notes };
  });
  const blank = (symbol: string): ValuationRecord => ({ date: asOf, symbol, trailingPE: null, forwardPE: null, source: "" });
  const pairResults = pairs.map((spec) => {
    const a = latest.get(spec.symbol) ?? blank(spec.symbol);
    const b = latest.get(spec.benchmark) ?? blank(spec.benchmark);
    // The latest figures of the two funds, dated by the later of the two.
    const today = { date: a.date > b.date ? a.date : b.date, a, b };
    const known = latest.has(spec.symbol) && latest.has(spec.benchmark);
    const apart = known ? Math.abs(daysBetween(a.date, b.date)) : 0;
    const age = known ? daysBetween(today.date, asOf) : 0;
    const stale = known && (apart > maxAgeDays || age > maxAgeDays);
    const name = pairName(spec);
    const trailing = rankSpread(history, today, "trailing", minHistory);
    const forward = rankSpread(history, today, "forward", minHistory);
    if (stale) {
      const why =
        apart > maxAgeDays
          ? `${spec.symbol}'s P/E is from ${a.date} and ${spec.benchmark}'s from ${b.date}, ${apart} days apart`
          : `its P/E figures are from ${today.date}, ${age} days before ${asOf}`;
      const note = `stale: ${why} (more than ${maxAgeDays}); shown, not used for signals`;
      warnings.push(`${name} valuation ${note}`);
      for (const figures of [trailing, forward]) figures.note = figures.note ? `${note}; ${figures.note}` : note;
    }
    return {
      pair: name,
      symbol: spec.symbol,
      benchmark: spec.benchmark,
      date: known ? today.date : latest.get(spec.symbol)?.date ?? latest.get(spec.benchmark)?.date ?? null,
      dates: { symbol: latest.get(spec.symbol)?.date ?? null, benchmark: latest.get(spec.benchmark)?.date ?? null },
      stale,
      trailing,
      forward,
    };
  });
  return { funds, pairs: pairResults, warnings };
}
