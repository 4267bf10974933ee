import { isIsoDate, type IsoDate } from "../core/dates.js";
import { DEFAULT_GROUPS, defaultPairs, groupsFromPairs, universeSymbols, type PairSpec, type Universe } from "../core/universe.js";
import { UsageError } from "../errors.js";

/** Upper-cased; letters, digits and . - ^ =, never a path separator or a leading dot. */
export const TICKER_PATTERN = /^[A-Z0-9][A-Z0-9.\-^=]{0,14}$/;

export function parseTicker(raw: string, option: string): string {
  const ticker = raw.trim().toUpperCase();
  if (!TICKER_PATTERN.test(ticker)) {
    throw new UsageError(`${option}: "${printable(raw)}" is not a ticker (letters, digits and . - ^ = only, at most 15)`);
  }
  return ticker;
}

/** Printable form of user input for an error message. */
export function printable(raw: string): string {
  const clean = raw.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
  return clean.length > 40 ? `${clean.slice(0, 37)}...` : clean;
}

export function parseTickerList(raw: string, option: string): string[] {
  const tickers = raw
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => parseTicker(part, option));
  return [...new Set(tickers)];
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

export function parseWindow(raw: string | undefined, option = "--window", fallback = 5): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isInteger(value) || value < 1 || value > 252) {
    throw new UsageError(`${option} must be a whole number of trading days from 1 to 252, got "${printable(raw)}"`);
  }
  return value;
}

export function parseThreshold(raw: string | undefined, option = "--threshold", fallback = 99): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value <= 50 || value > 100) {
    throw new UsageError(`${option} must be a percentile above 50 and at most 100, got "${printable(raw)}"`);
  }
  return value;
}

export function parseDate(raw: string | undefined, option: string): IsoDate | undefined {
  if (raw === undefined) return undefined;
  if (!isIsoDate(raw.trim())) throw new UsageError(`${option} must be a calendar date YYYY-MM-DD, got "${printable(raw)}"`);
  return raw.trim();
}

export function parsePositiveNumber(raw: string | undefined, option: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value <= 0) throw new UsageError(`${option} must be a positive number, got "${printable(raw)}"`);
  return value;
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
  const small = options.small === undefined ? [...DEFAULT_GROUPS.small] : parseTickerList(options.small, "--small");
  const mid = options.mid === undefined ? [...DEFAULT_GROUPS.mid] : parseTickerList(options.mid, "--mid");
  const large = options.large === undefined ? [...DEFAULT_GROUPS.large] : parseTickerList(options.large, "--large");
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
