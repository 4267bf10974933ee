import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { IsoDate } from "../core/dates.js";
import { exchangeDate, MARKET_TIMEZONE } from "../core/market.js";
import { valuationReport, type ValuationRecord, type ValuationReport } from "../core/valuation.js";
import type { PairSpec } from "../core/universe.js";
import { DataError, ExitCode, UsageError } from "../errors.js";
import { formatNumber, formatPercent, formatPercentile, NOT_AVAILABLE, terminalSafe } from "../output/format.js";
import { makeStyle, wantsColor } from "../output/style.js";
import { newTable } from "../output/table.js";
import type { Runtime } from "../runtime.js";
import { checkedPath } from "../sources/choose.js";
import { fetchValuations } from "../sources/valuation-yahoo.js";
import { valuationStorePath } from "./valuation-store-path.js";
import { parseValuationCsv, ValuationStore } from "../store/valuation-store.js";
import { parseDate, parsePairs, parsePositiveNumber, printable } from "./options.js";
import { colorFromFlags, parseFormat, writeWarnings, type OutputFormat } from "./shared.js";
import { toCsv } from "../output/csv.js";

export const VALUATION_SCHEMA_VERSION = 1;
export const VALUATION_CSV_HEADER = ["asOf", "pair", "basis", "spread", "ratio", "yieldGap", "percentile", "rankedFrom", "rankedTo", "observations", "note"] as const;
export const DEFAULT_VALUATION_PAIRS = "IWM:SPY,IJR:SPY,IJH:SPY";

export interface ValuationFlags {
  pairs?: string;
  store?: string;
  minHistory?: string;
  offline?: boolean;
  asOf?: string;
  timeout?: string;
  json?: boolean;
  csv?: boolean;
  format?: string;
  color?: boolean;
  forceColor?: boolean;
}

export interface ValuationPlan {
  pairs: PairSpec[];
  store: string;
  minHistory: number;
  /** Live figures are asked for only for today; an as-of date reads the store alone. */
  live: boolean;
  asOf: IsoDate | undefined;
  timeoutMs: number;
  format: OutputFormat;
  color: boolean | undefined;
}

export function planValuation(flags: ValuationFlags, env: Runtime["env"], cwd: string): ValuationPlan {
  const minHistory = flags.minHistory === undefined ? 60 : Number(flags.minHistory);
  if (flags.minHistory !== undefined && (!/^\s*\d+\s*$/.test(flags.minHistory) || minHistory < 1)) {
    throw new UsageError(`--min-history must be a whole number of at least 1, got "${printable(flags.minHistory)}"`);
  }
  const asOf = parseDate(flags.asOf, "--as-of");
  return {
    pairs: parsePairs(flags.pairs ?? DEFAULT_VALUATION_PAIRS),
    store: valuationStorePath(flags.store, env, cwd),
    minHistory,
    live: !flags.offline && asOf === undefined,
    asOf,
    timeoutMs: parsePositiveNumber(flags.timeout, "--timeout", 20) * 1000,
    format: parseFormat(flags, ["table", "json", "ndjson", "csv"]),
    color: colorFromFlags(flags),
  };
}

/** Reads the store, adds today's live figures (recording them), and builds the report. */
export async function computeValuation(plan: Pick<ValuationPlan, "pairs" | "store" | "minHistory" | "live" | "asOf" | "timeoutMs">, runtime: Runtime): Promise<ValuationReport> {
  const store = new ValuationStore(plan.store);
  const { records, warnings } = await store.read();
  let history = records;
  let notes: Record<string, { trailingPE?: string; forwardPE?: string }> = {};
  const symbols = [...new Set(plan.pairs.flatMap((p) => [p.symbol, p.benchmark]))];
  if (plan.live) {
    const live = await fetchValuations(symbols, { fetch: runtime.fetch, retry: { timeoutMs: plan.timeoutMs, ...runtime.retry }, now: runtime.now, log: (line) => runtime.stderr.write(`${line}\n`) });
    notes = live.notes;
    const usable = live.records.filter((r) => r.trailingPE !== null || r.forwardPE !== null);
    if (usable.length > 0) {
      try {
        await store.upsert(usable);
      } catch (error) {
        warnings.push(`${(error as Error).message}; today's valuations were not recorded`);
      }
    }
    const key = (r: ValuationRecord) => `${r.date}|${r.symbol}`;
    const replaced = new Set(usable.map(key));
    history = [...records.filter((r) => !replaced.has(key(r))), ...usable];
  }
  const asOf = plan.asOf ?? exchangeDate(runtime.now(), MARKET_TIMEZONE);
  return { asOf, store: plan.store, live: plan.live, ...valuationReport(history, plan.pairs, asOf, plan.minHistory, notes), warnings };
}

function renderTable(report: ValuationReport, runtime: Runtime, color: boolean | undefined): string {
  const style = makeStyle(wantsColor({ flag: color, env: runtime.env, isTTY: runtime.stdout.isTTY === true }));
  const funds = newTable(["Fund", "Date", "Trailing P/E", "Forward P/E", "Source"], style, 1);
  for (const f of report.funds) funds.push([terminalSafe(f.symbol), f.date ?? NOT_AVAILABLE, formatNumber(f.trailingPE), formatNumber(f.forwardPE), terminalSafe(f.source ?? NOT_AVAILABLE)]);
  const pairs = newTable(["Pair", "Basis", "Spread", "Ratio", "Yield gap", "Pctile", "Ranked against"], style, 2);
  const notes: string[] = [];
  for (const p of report.pairs) {
    for (const figures of [p.trailing, p.forward]) {
      const rank = figures.rank;
      pairs.push([
        terminalSafe(p.pair),
        figures.basis,
        formatNumber(figures.spread),
        formatNumber(figures.ratio, 3),
        formatPercent(figures.yieldGap),
        rank ? formatPercentile(rank.percentile) : NOT_AVAILABLE,
        rank ? `${rank.rankedFrom}..${rank.rankedTo} (${rank.observations})` : NOT_AVAILABLE,
      ]);
      if (figures.note) notes.push(`${p.pair} ${figures.basis}: ${figures.note}`);
    }
  }
  const lines = [style.bold(`Valuation spreads as of ${report.asOf}`) + (report.live ? " (live from Yahoo Finance)" : " (from the store)"), funds.toString(), pairs.toString()];
  for (const note of notes) lines.push(`n/a: ${terminalSafe(note)}`);
  return `${lines.join("\n")}\n`;
}

export async function valuation(plan: ValuationPlan, runtime: Runtime): Promise<number> {
  const report = await computeValuation(plan, runtime);
  writeWarnings(runtime, report.warnings);
  const render: Record<OutputFormat, () => string> = {
    table: () => renderTable(report, runtime, plan.color),
    json: () => `${JSON.stringify({ schemaVersion: VALUATION_SCHEMA_VERSION, ...report }, null, 2)}\n`,
    ndjson: () => report.pairs.map((p) => `${JSON.stringify({ schemaVersion: VALUATION_SCHEMA_VERSION, asOf: report.asOf, ...p })}\n`).join(""),
    csv: () =>
      toCsv(
        VALUATION_CSV_HEADER,
        report.pairs.flatMap((p) =>
          [p.trailing, p.forward].map((f) => [report.asOf, p.pair, f.basis, f.spread, f.ratio, f.yieldGap, f.rank?.percentile ?? null, f.rank?.rankedFrom ?? null, f.rank?.rankedTo ?? null, f.rank?.observations ?? null, f.note]),
        ),
      ),
  };
  runtime.stdout.write(render[plan.format]());
  return ExitCode.ok;
}

/** Imports a CSV history into the store: every line checked first, then all stored at once. */
export async function importValuation(file: string, flags: { store?: string }, runtime: Runtime): Promise<number> {
  const resolved = path.resolve(runtime.cwd, checkedPath(file, "FILE"));
  const size = statSync(resolved, { throwIfNoEntry: false });
  if (!size?.isFile()) throw new DataError(`${resolved}: no such file`);
  if (size.size > 64 * 1024 * 1024) throw new DataError(`${resolved}: larger than the 64 MiB limit`);
  const records = parseValuationCsv(readFileSync(resolved, "utf8"), resolved);
  const store = valuationStorePath(flags.store, runtime.env, runtime.cwd);
  const count = await new ValuationStore(store).upsert(records);
  runtime.stderr.write(`rotation: imported ${count} valuation record${count === 1 ? "" : "s"} from ${resolved} into ${store}\n`);
  return ExitCode.ok;
}
