import { Option, type Command } from "commander";
import { DEFAULT_RRG } from "../core/rrg.js";
import { defaultPairs, pairName } from "../core/universe.js";
import { DEFAULTS, defaultText } from "../settings/defaults.js";
import { OUTPUT_FORMATS } from "../settings/validators.js";
import { DEFAULT_PRICE_SOURCE, PRICE_SOURCE_KINDS } from "../sources/providers.js";

/**
 * Option groups, each declared once and shared by every command that takes it (as gh's
 * AddJSONFlags and AddFormatFlags are). Defaults come from DEFAULTS, shown the same way.
 */

/** Where prices come from: every command that loads prices. */
export function addSourceOptions(command: Command): Command {
  return command
    .option("--source <kind>", `where prices come from: ${PRICE_SOURCE_KINDS.join(", ")} (env ROTATION_SOURCE)${defaultText(DEFAULT_PRICE_SOURCE)}`)
    .option("--data <dir>", "read DIR/TICKER.csv instead of the live feed (--source csv; env ROTATION_DATA)")
    .option("--sample", "use the bundled sample of real closes (to 2026-08-03) instead of live data")
    .option("--offline", "use the cache only, never the network")
    .option("--refresh", "download every history again, ignoring the cache")
    .option("--lenient", "skip bad CSV rows with a warning instead of failing")
    .option("--timeout <seconds>", `per-request network timeout in seconds${defaultText(DEFAULTS.timeoutSeconds)}`)
    .option("--partial", "go on without tickers that fail to load, naming each in a warning")
    .option("--no-fallback", "fail when a download fails, instead of using the cache (or the bundled sample when nothing is cached)")
    .addOption(new Option("--offline-fallback", "the default now (kept for older scripts)").hideHelp());
}

/** Which funds and pairs: check, log, episodes. */
export function addUniverseOptions(command: Command): Command {
  const { small, mid, large } = DEFAULTS.groups;
  return command
    .option("--small <tickers>", `small-cap tickers, comma separated${defaultText(small)}`)
    .option("--mid <tickers>", `mid-cap tickers${defaultText(mid)}`)
    .option("--large <tickers>", `large-cap tickers${defaultText(large)}`)
    .option("--pairs <pairs>", `pairs SMALL:LARGE, comma separated${defaultText(defaultPairs({ small: [...small], mid: [...mid], large: [...large] }).map(pairName))}`);
}

/** The surge definition: window, threshold and what each day is ranked against. */
export function addSurgeOptions(command: Command, thresholdHelp = "flag surges at or above this percentile (and at or below 100 minus it)"): Command {
  command
    .option("--window <days>", `surge window in trading days${defaultText(DEFAULTS.window)}`)
    .option("--threshold <percentile>", `${thresholdHelp}${defaultText(DEFAULTS.threshold)}`);
  return addLookbackOption(command);
}

/** --lookback: every command that ranks. */
export function addLookbackOption(command: Command, help = `rank each day against: all earlier days, the previous N sessions (at least 252) or the last Ny years, e.g. 2520 or 10y${defaultText(DEFAULTS.lookback)}`): Command {
  return command.option("--lookback <span>", help);
}

export function addGapOption(command: Command): Command {
  return command.option("--gap <days>", `flagged days at most this many trading days apart are one episode${defaultText(DEFAULTS.gap)}`);
}

export function addAsOfOption(command: Command, help = "use data up to this date only (YYYY-MM-DD)"): Command {
  return command.option("--as-of <date>", help);
}

export function addDateRangeOptions(command: Command, since: string, until: string): Command {
  return command.option("--since <date>", since).option("--until <date>", until);
}

/** --format and its aliases, and colour: every command that prints a report. */
export function addOutputOptions(command: Command): Command {
  command
    .option("--format <format>", `${OUTPUT_FORMATS.join(", ")}${defaultText(DEFAULTS.format)}`)
    .option("-j, --json", "same as --format json: one JSON document (schemaVersion 1)")
    .option("--csv", "same as --format csv");
  return addColorOptions(command);
}

/** --color auto|always|never, and --no-color (as ripgrep and git have them). */
export function addColorOptions(command: Command): Command {
  return command
    .addOption(new Option("--color <when>", "colour: auto (on a terminal), always or never (default auto; NO_COLOR and FORCE_COLOR are honoured)").choices(["auto", "always", "never"]))
    .addOption(new Option("--no-color", "never colour the output (same as --color never)"));
}

export function addRrgOptions(command: Command): Command {
  return command
    .option("--period <period>", `daily or weekly${defaultText(DEFAULT_RRG.period)}`)
    .option("--tail <points>", `points of history to show per fund${defaultText(DEFAULTS.rrg.tail)}`)
    .option("--ratio-window <periods>", `window of the RS-Ratio z-score${defaultText(DEFAULT_RRG.ratioWindow)}`)
    .option("--momentum-window <periods>", `window of the RS-Momentum z-score${defaultText(DEFAULT_RRG.momentumWindow)}`)
    .option("--roc <periods>", `periods of RS-Ratio change that momentum measures${defaultText(DEFAULT_RRG.rocPeriods)}`)
    .option("--smooth <short,long>", `moving averages of the price ratio whose ratio is z-scored, or none${defaultText(DEFAULT_RRG.smoothing ? `${DEFAULT_RRG.smoothing.short},${DEFAULT_RRG.smoothing.long}` : "none")}`);
}

/** Valuation staleness: check (when it shows spreads) and valuation. */
export function addMaxAgeOption(command: Command): Command {
  return command.option("--max-age <days>", `valuation figures more than this many days apart or old are stale (not used for signals)${defaultText(DEFAULTS.valuationMaxAgeDays)}`);
}

/** Two to four examples at the end of a command's help, as gh shows them. */
export function addExamples(command: Command, examples: readonly string[]): Command {
  return command.addHelpText("after", `\nExamples:\n${examples.map((e) => `  $ ${e}`).join("\n")}\n`);
}
