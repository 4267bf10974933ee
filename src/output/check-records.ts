import type { CheckResult } from "../core/check.js";
import { CHECK_SCHEMA_VERSION } from "./json.js";
import { toCsv } from "./csv.js";

/** One line per pair, each a complete JSON object that carries its own date and version. */
export function checkToNdjson(result: CheckResult): string {
  return result.pairs.map((pair) => `${JSON.stringify({ schemaVersion: CHECK_SCHEMA_VERSION, asOf: result.asOf, ...pair })}\n`).join("");
}

export const CHECK_CSV_HEADER = [
  "asOf", "pair", "symbol", "benchmark", "date", "rel1d", "rel5d", "rel21d", "rel63d", "rel252d", "relYtd",
  "window", "surge", "zScore", "percentile", "largestSince", "historyStart", "observations", "signal", "rrgQuadrant",
] as const;

export function checkToCsv(result: CheckResult): string {
  return toCsv(
    CHECK_CSV_HEADER,
    result.pairs.map((p) => [
      result.asOf, p.pair, p.symbol, p.benchmark, p.date,
      p.relative.d1, p.relative.d5, p.relative.d21, p.relative.d63, p.relative.d252, p.relative.ytd,
      p.surge.window, p.surge.value, p.surge.zScore, p.surge.percentile, p.surge.largestSince, p.surge.historyStart, p.surge.observations,
      p.signal, p.rrg?.quadrant ?? null,
    ]),
  );
}
