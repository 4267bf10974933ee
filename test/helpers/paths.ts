import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const FIXTURES = path.join(PROJECT_ROOT, "fixtures");
/** Real daily adjusted closes of the default funds and the size x style families, to 2026-08-03 (gzip). */
export const FIXTURE_PRICES = path.join(FIXTURES, "sample");
/** Real Yahoo Finance answers recorded by the yahoo-finance2 project. */
export const FIXTURE_YAHOO = path.join(FIXTURES, "yahoo");
export const BIN = path.join(PROJECT_ROOT, "bin", "rotation.js");

/**
 * The independent reference's way into a price file: a few lines over the raw text, sharing
 * no code with src/ (only gunzip, since the fixtures are compressed).
 */
export function readFixtureCloses(symbol: string): Map<string, number> {
  const lines = gunzipSync(readFileSync(path.join(FIXTURE_PRICES, `${symbol}.csv.gz`))).toString("utf8").trim().split("\n").slice(1);
  return new Map(lines.map((line) => [line.split(",")[0]!, Number(line.split(",")[1])]));
}
