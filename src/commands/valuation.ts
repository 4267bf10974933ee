import type { CommandFlags } from "../settings/options.js";
import { statSync } from "node:fs";
import path from "node:path";
import { computeValuation, type ValuationRequest } from "../app/valuation.js";
import { exchangeDate, MARKET_TIMEZONE } from "../core/market.js";
import { terminalSafe } from "../core/text.js";
import { DataError, ExitCode } from "../errors.js";
import { fileError } from "../fs-errors.js";
import { writeWarnings } from "../output/stderr.js";
import { styleFor, terminalWidth } from "../output/style.js";
import { historyLines, renderValuationTable, valuationToCsv, valuationToJson, valuationToNdjson } from "../output/valuation.js";
import type { Runtime } from "../runtime.js";
import { DEFAULTS } from "../settings/defaults.js";
import { checkedPath, resolvedCacheDir, valuationStorePath } from "../settings/paths.js";
import { DEFAULT_VALUATION_HISTORY, VALUATION_HISTORY_KINDS } from "../sources/providers.js";
import { yahooBaseUrl } from "../sources/yahoo/index.js";
import { colorSetting, type ColorMode } from "../settings/settings.js";
import { parseChoice, parseDate, parseFormat, parseLookback, parseMaxAge, parsePairs, parseTimeoutMs, wholeNumber, type OutputFormat } from "../settings/validators.js";
import { MAX_VALUATION_FILE_BYTES, readValuationCsv, ValuationStore, type ValuationColumns } from "../store/valuation-store.js";
import { filePieces } from "../fs-read.js";

/** Flags as commander hands them over (derived from the option definitions: src/settings/options.ts). */
export type ValuationFlags = CommandFlags<"valuation">;

export interface ValuationPlan extends ValuationRequest {
  format: OutputFormat;
  color: ColorMode;
}

export function planValuation(flags: ValuationFlags, env: Runtime["env"], cwd: string): ValuationPlan {
  const asOf = parseDate(flags.asOf, "--as-of");
  return {
    pairs: parsePairs(flags.pairs ?? DEFAULTS.valuationPairs),
    store: valuationStorePath(flags.store, env, cwd),
    minHistory: wholeNumber(flags.minHistory, "--min-history", DEFAULTS.minHistory, 1, Number.MAX_SAFE_INTEGER, "of at least 1"),
    // Live figures are asked for only for today; an as-of date reads the store alone.
    live: !flags.offline && asOf === undefined,
    asOf,
    timeoutMs: parseTimeoutMs(flags.timeout),
    yahooUrl: yahooBaseUrl(env),
    maxAgeDays: parseMaxAge(flags.maxAge),
    history: parseChoice(flags.history, "--history", [...VALUATION_HISTORY_KINDS, "none"] as const, DEFAULT_VALUATION_HISTORY),
    // The history's own default span (20 years) unless --lookback is given.
    historyLookback: flags.lookback === undefined ? undefined : parseLookback(flags.lookback),
    cacheDir: resolvedCacheDir(flags.cacheDir, env, cwd),
    // As for the spreads, --as-of reads what is stored: the history's cache, never the library.
    offline: (flags.offline ?? false) || asOf !== undefined,
    format: parseFormat(flags),
    color: colorSetting(flags, env).value,
  };
}

export async function valuation(plan: ValuationPlan, runtime: Runtime): Promise<number> {
  const report = await computeValuation(plan, runtime);
  writeWarnings(runtime.stderr, report.warnings);
  const render: Record<OutputFormat, () => string> = {
    table: () =>
      report.funds.every((f) => f.date === null) && !report.live
        ? [
            `No valuation recorded yet${plan.store ? ` in ${terminalSafe(plan.store)}` : ""} for ${report.funds.map((f) => f.symbol).join(", ")}.`,
            "Import a history with `rotation valuation import FILE.csv` (Date,Symbol,TrailingPE,ForwardPE), or record today's with `rotation valuation` (live) or `rotation check --valuation`.",
            ...historyLines(report.history ?? null, terminalWidth(runtime.stdout)),
            "",
          ].join("\n")
        : renderValuationTable(report, styleFor(plan.color, runtime.stdout, runtime.env), terminalWidth(runtime.stdout)),
    json: () => valuationToJson(report),
    ndjson: () => valuationToNdjson(report),
    csv: () => valuationToCsv(report),
  };
  runtime.stdout.write(render[plan.format]());
  return ExitCode.ok;
}

/** Imports a CSV history into the store: every line checked first, then all stored at once. */
export async function importValuation(file: string, flags: { store?: string }, runtime: Runtime): Promise<number> {
  const resolved = path.resolve(runtime.cwd, checkedPath(file, "FILE"));
  const tooLarge = `${resolved}: larger than the ${MAX_VALUATION_FILE_BYTES / 1024 / 1024} MiB limit`;
  let records: ValuationColumns;
  try {
    const size = statSync(resolved, { throwIfNoEntry: false });
    if (!size?.isFile()) throw new DataError(`${resolved}: ${size ? "not a regular file" : "no such file"}`);
    if (size.size > MAX_VALUATION_FILE_BYTES) throw new DataError(tooLarge);
    // Read piece by piece, held column by column: never the whole file's text or one object a line.
    // A record dated after today's date in New York is a typo or a clock, not a valuation.
    records = readValuationCsv(filePieces(resolved, size.size, MAX_VALUATION_FILE_BYTES, tooLarge), resolved, exchangeDate(runtime.now(), MARKET_TIMEZONE));
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw fileError("cannot read", resolved, error);
  }
  const store = valuationStorePath(flags.store, runtime.env, runtime.cwd);
  const count = await new ValuationStore(store).upsert(records);
  runtime.stderr.write(`rotation: imported ${count} valuation record${count === 1 ? "" : "s"} from ${resolved} into ${store}\n`);
  return ExitCode.ok;
}
