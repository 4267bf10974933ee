import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SHARED_DIR = path.resolve(PROJECT_ROOT, "../shared");
export const SHARED_PRICES = path.join(SHARED_DIR, "prices");
export const SHARED_YAHOO = path.join(SHARED_DIR, "yahoo");
export const FIXTURES = path.join(PROJECT_ROOT, "fixtures");
export const BIN = path.join(PROJECT_ROOT, "bin", "rotation.js");

export const HAVE_SHARED_PRICES = existsSync(path.join(SHARED_PRICES, "SPY.csv"));
export const HAVE_SHARED_YAHOO = existsSync(path.join(SHARED_YAHOO, "quote-QQQ.json"));

/** The suffix a test's name carries when it cannot run here, so a skip is never silent. */
export function skipReason(available: boolean, what: string): string {
  if (available) return "";
  const reason = ` [SKIPPED: ${what} not found beside the project]`;
  console.warn(`rotation tests:${reason}`);
  return reason;
}
