import { DEFAULT_CORRELATION_WINDOW, DEFAULT_DRIVER_SPECS, type DriverSpec } from "../core/drivers.js";
import { isIsoDate, type IsoDate } from "../core/dates.js";
import { ALL_HISTORY, type Lookback } from "../core/lookback.js";
import { MIN_RANK_OBSERVATIONS } from "../core/surge.js";
import { printable, terminalSafe, TICKER_PATTERN } from "../core/text.js";
import { defaultPairs, groupsFromPairs, universeSymbols, type PairSpec, type Universe } from "../core/universe.js";
import { UsageError } from "../errors.js";
import { DEFAULTS } from "./defaults.js";

/** The one owner of every option's rules: each parser names the option in its error. */

export { printable, TICKER_PATTERN };

export function parseTicker(raw: string, option: string): string {
  const ticker = raw.trim().toUpperCase();
  if (!TICKER_PATTERN.test(ticker)) {
    throw new UsageError(`${option}: "${printable(raw)}" is not a ticker (letters, digits and . - = only, at most 15, with ^ only first for an index such as ^RUT)`);
  }
  return ticker;
}

export function parseTickerList(raw: string, option: string): string[] {
  const tickers = raw
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => parseTicker(part, option));
  return [...new Set(tickers)];
}

/**
 * --drivers IEF,HYG-IEF,fred:DGS10: a fund, a spread of two funds (the first's return less the
 * second's) or a FRED series. A "-" always makes a spread, so a ticker containing one (BRK-B)
 * cannot be a driver fund.
 */
export function parseDrivers(raw: string, option = "--drivers"): DriverSpec[] {
  const drivers: DriverSpec[] = [];
  for (const part of raw.split(",").map((p) => p.trim()).filter((p) => p !== "")) {
    let spec: DriverSpec;
    if (/^fred:/i.test(part)) {
      const series = part.slice(5).trim().toUpperCase();
      if (!/^[A-Z0-9_]{1,30}$/.test(series)) throw new UsageError(`${option}: "${printable(part)}" is not a FRED series (fred:ID, e.g. fred:DGS10)`);
      spec = { id: `fred:${series}`, kind: "yield", series };
    } else if (part.includes("-")) {
      const sides = part.split("-");
      if (sides.length !== 2) throw new UsageError(`${option}: "${printable(part)}" is not a spread; write it as LONG-SHORT, e.g. HYG-IEF`);
      const [long, short] = sides.map((side) => parseTicker(side, option)) as [string, string];
      if (long === short) throw new UsageError(`${option}: "${printable(part)}" is a fund less itself`);
      spec = { id: `${long}-${short}`, kind: "spread", long, short };
    } else {
      const symbol = parseTicker(part, option);
      spec = { id: symbol, kind: "fund", symbol };
    }
    if (!drivers.some((d) => d.id === spec.id)) drivers.push(spec);
  }
  if (drivers.length === 0) throw new UsageError(`${option}: give at least one driver, e.g. IEF,HYG-IEF,fred:DGS10`);
  return drivers;
}

export function parsePairs(raw: string, option = "--pairs"): PairSpec[] {
  const pairs: PairSpec[] = [];
  const seen = new Set<string>();
  for (const part of raw.split(",").map((p) => p.trim()).filter((p) => p !== "")) {
    const pieces = part.split(":");
    if (pieces.length !== 2) throw new UsageError(`${option}: "${printable(part)}" is not a pair; write it as SMALL:LARGE, e.g. IWM:SPY`);
    const symbol = parseTicker(pieces[0] as string, option);
    const benchmark = parseTicker(pieces[1] as string, option);
    if (symbol === benchmark) throw new UsageError(`${option}: ${symbol}:${benchmark} compares a ticker with itself`);
    const key = `${symbol}:${benchmark}`;
    if (!seen.has(key)) pairs.push({ symbol, benchmark });
    seen.add(key);
  }
  if (pairs.length === 0) throw new UsageError(`${option}: no pair given`);
  return pairs;
}

/** One of a fixed list of words (--period, --family, ...): "a or b" / "a, b or c" in the error. */
export function parseChoice<T extends string>(raw: string | undefined, option: string, choices: readonly T[], fallback: T): T {
  if (raw === undefined) return fallback;
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  const listed = choices.length > 1 ? `${choices.slice(0, -1).join(", ")} or ${choices[choices.length - 1]}` : String(choices[0]);
  throw new UsageError(`${option} must be ${listed}, got "${printable(raw, 20)}"`);
}

/** A whole number in [min, max]; `what` completes "must be a whole number ...". */
export function wholeNumber(raw: string | undefined, option: string, fallback: number, min: number, max: number, what = `from ${min} to ${max}`): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || value < min || value > max) {
    throw new UsageError(`${option} must be a whole number ${what}, got "${printable(raw)}"`);
  }
  return value;
}

export function parseWindow(raw: string | undefined, option = "--window", fallback: number = DEFAULTS.window): number {
  return wholeNumber(raw, option, fallback, 1, 252, "of trading days from 1 to 252");
}

/** What `episodes --split` accepts: the calendar windows, and the default drivers by id. */
export const SPLIT_KINDS: readonly string[] = ["calendar", ...DEFAULT_DRIVER_SPECS.map((d) => d.id)];

/** --split calendar,IEF,HYG-IEF: summaries of subsets of episodes; none by default. */
export function parseSplit(raw: string | undefined, option = "--split"): string[] {
  if (raw === undefined) return [];
  const kinds: string[] = [];
  for (const part of raw.split(",").map((p) => p.trim()).filter((p) => p !== "")) {
    const kind = SPLIT_KINDS.find((k) => k.toLowerCase() === part.toLowerCase());
    if (kind === undefined) throw new UsageError(`${option}: "${printable(part)}" is not one of ${SPLIT_KINDS.join(", ")}`);
    if (!kinds.includes(kind)) kinds.push(kind);
  }
  return kinds;
}

/** --corr-window: 20 to 756 sessions (a month to three years of daily returns). */
export function parseCorrelationWindow(raw: string | undefined, option = "--corr-window"): number {
  return wholeNumber(raw, option, DEFAULT_CORRELATION_WINDOW, 20, 756, "of sessions from 20 to 756");
}

export function parseGap(raw: string | undefined, option = "--gap"): number {
  return wholeNumber(raw, option, DEFAULTS.gap, 0, 252, "of trading days from 0 to 252");
}

export function parseThreshold(raw: string | undefined, option = "--threshold", fallback: number = DEFAULTS.threshold): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value <= 50 || value > 100) {
    throw new UsageError(`${option} must be a percentile above 50 and at most 100, got "${printable(raw)}"`);
  }
  return value;
}

/** Years a `--lookback Ny` may span: a year holds about 252 sessions, sometimes fewer, not enough for a rank (MIN_RANK_OBSERVATIONS) on every day. */
export const LOOKBACK_YEARS = { min: 2, max: 100 } as const;

/**
 * --lookback: "all", a number of sessions (at least MIN_RANK_OBSERVATIONS, as a day needs that
 * many earlier surges to be ranked), or "Ny" years.
 */
export function parseLookback(raw: string | undefined, option = "--lookback"): Lookback {
  if (raw === undefined) return ALL_HISTORY;
  const text = raw.trim().toLowerCase();
  if (text === "all") return ALL_HISTORY;
  const years = /^(\d{1,3})y$/.exec(text);
  if (years) {
    const count = Number(years[1]);
    if (count >= LOOKBACK_YEARS.min && count <= LOOKBACK_YEARS.max) return { kind: "years", years: count };
  } else if (/^\d{1,6}$/.test(text) && Number(text) >= MIN_RANK_OBSERVATIONS) {
    return { kind: "sessions", sessions: Number(text) };
  }
  throw new UsageError(`${option} must be all, a number of sessions of at least ${MIN_RANK_OBSERVATIONS}, or years from ${LOOKBACK_YEARS.min}y to ${LOOKBACK_YEARS.max}y, got "${printable(raw)}"`);
}

export function parseDate(raw: string | undefined, option: string): IsoDate | undefined {
  if (raw === undefined) return undefined;
  if (!isIsoDate(raw.trim())) throw new UsageError(`${option} must be a calendar date YYYY-MM-DD, got "${printable(raw)}"`);
  return raw.trim();
}

/** --since and --until, refused when they leave no day between them. */
export function parseDateRange(flags: { since?: string; until?: string }): { since: IsoDate | undefined; until: IsoDate | undefined } {
  const since = parseDate(flags.since, "--since");
  const until = parseDate(flags.until, "--until");
  if (since && until && since > until) throw new UsageError(`--since ${since} is after --until ${until}`);
  return { since, until };
}

export function parsePositiveNumber(raw: string | undefined, option: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value <= 0) throw new UsageError(`${option} must be a positive number, got "${printable(raw)}"`);
  return value;
}

/** --max-age: calendar days after which valuation figures are stale. */
export function parseMaxAge(raw: string | undefined): number {
  return wholeNumber(raw, "--max-age", DEFAULTS.valuationMaxAgeDays, 0, 3650, "of days from 0 to 3650");
}

/** --timeout accepts seconds in this range (timers cannot wait longer than about 24 days). */
export const TIMEOUT_RANGE_SECONDS = { min: 0.1, max: 3600 } as const;

/** --timeout in seconds, as whole milliseconds for the network layer. */
export function parseTimeoutMs(raw: string | undefined, option = "--timeout"): number {
  const seconds = parsePositiveNumber(raw, option, DEFAULTS.timeoutSeconds);
  const { min, max } = TIMEOUT_RANGE_SECONDS;
  if (seconds < min || seconds > max) throw new UsageError(`${option} must be from ${min} to ${max} seconds, got "${printable(raw ?? "")}"`);
  return Math.round(seconds * 1000);
}

export interface UniverseOptions {
  small?: string;
  mid?: string;
  large?: string;
  pairs?: string;
}

/**
 * The funds to load and the pairs to compare. Pairs given on their own bring only their
 * members; groups given without pairs bring the pairs derived from them (see defaultPairs).
 */
export function parseUniverse(options: UniverseOptions): Universe {
  if (options.pairs !== undefined && options.small === undefined && options.mid === undefined && options.large === undefined) {
    const pairs = parsePairs(options.pairs);
    return { ...groupsFromPairs(pairs), pairs };
  }
  const small = options.small === undefined ? [...DEFAULTS.groups.small] : parseTickerList(options.small, "--small");
  const mid = options.mid === undefined ? [...DEFAULTS.groups.mid] : parseTickerList(options.mid, "--mid");
  const large = options.large === undefined ? [...DEFAULTS.groups.large] : parseTickerList(options.large, "--large");
  const pairs = options.pairs === undefined ? defaultPairs({ small, mid, large }) : parsePairs(options.pairs);
  const universe = { small, mid, large, pairs };
  if (pairs.length === 0) {
    throw new UsageError(
      universeSymbols(universe).length === 0
        ? "the universe is empty: give tickers with --small/--mid/--large or pairs with --pairs"
        : "nothing to compare: give --pairs, or at least one --large ticker and one other",
    );
  }
  return universe;
}

export type OutputFormat = "table" | "json" | "ndjson" | "csv";
export const OUTPUT_FORMATS: readonly OutputFormat[] = ["table", "json", "ndjson", "csv"];

/** --format wins; --json and --csv are its aliases. */
export function parseFormat(flags: { format?: string; json?: boolean; csv?: boolean }, allowed: readonly OutputFormat[] = OUTPUT_FORMATS): OutputFormat {
  const given = [flags.format, flags.json ? "json" : undefined, flags.csv ? "csv" : undefined].filter((f): f is string => f !== undefined);
  const unique = [...new Set(given)];
  if (unique.length > 1) throw new UsageError(`--format ${unique.join(" and ")} contradict each other`);
  const format = unique[0] ?? DEFAULTS.format;
  if (!(allowed as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${allowed.join(", ")}, got "${terminalSafe(format).slice(0, 20)}"`);
  return format as OutputFormat;
}

/** ROTATION_NOTIFY's URLs: separated by spaces, or by a comma before the next scheme (a comma inside a query stays). */
export function splitNotifyUrls(text: string): string[] {
  return text.split(/\s+|,(?=\s*[a-z][a-z0-9+.-]*:\/\/)/i).map((u) => u.trim().replace(/,$/, "")).filter((u) => u !== "");
}

/**
 * Webhook URLs for log --notify: each flag (repeatable), else ROTATION_NOTIFY (space or comma
 * separated), else a config file's "notify". http: and https: only; a refused URL is named
 * without its credentials, path or query.
 */
export function parseNotifyUrls(flag: readonly string[] | undefined, env: Readonly<Record<string, string | undefined>>, option = "--notify"): string[] {
  // Split at white space, and at a comma only where the next URL begins: a comma inside a
  // URL's query stays in it (and is never printed as a "URL" of its own).
  const raw = flag && flag.length > 0 ? [...flag] : splitNotifyUrls(env.ROTATION_NOTIFY ?? "");
  const source = flag && flag.length > 0 ? option : "ROTATION_NOTIFY";
  return raw.map((url) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      // Scheme and host at most: a webhook's secret is in its user, path or query.
      const bare = url.replace(/\/\/[^@/]*@/, "//");
      const shown = /^[a-z][a-z0-9+.-]*:\/\//i.test(bare) ? bare.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#]*).*$/i, "$1") : bare.replace(/[/?#].*$/, "");
      throw new UsageError(`${source}: not a URL (${printable(shown, 40)})`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new UsageError(`${source}: only http: and https: webhooks are supported, got ${parsed.protocol}`);
    return parsed.href;
  });
}

/**
 * ROTATION_WORKERS: worker threads for a streamed `episodes --format ndjson` (0 computes every
 * chunk on the main thread); unset or empty: chosen by the run (see episodeWorkers).
 */
export function parseWorkers(text: string | undefined): number | undefined {
  if (text === undefined || text === "") return undefined;
  if (!/^\d{1,2}$/.test(text) || Number(text) > 16) throw new UsageError(`ROTATION_WORKERS must be a whole number from 0 to 16, got "${printable(text)}"`);
  return Number(text);
}
