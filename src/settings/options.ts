import { DEFAULT_RRG } from "../core/rrg.js";
import { defaultPairs, pairName } from "../core/universe.js";
import { DEFAULT_PRICE_SOURCE, DEFAULT_VALUATION_HISTORY, PRICE_SOURCE_KINDS, VALUATION_HISTORY_KINDS } from "../sources/providers.js";
import { DEFAULTS } from "./defaults.js";
import { DEFAULT_CORRELATION_WINDOW, DEFAULT_DRIVER_SPECS, DEFAULT_DRIVERS } from "../core/drivers.js";
import { OUTPUT_FORMATS, SPLIT_KINDS, parseCorrelationWindow, parseDrivers, parseSplit, parseGap, parseLookback, parseMaxAge, parseThreshold, parseTimeoutMs, parseWindow, parseDate, parseTickerList, parsePairs, parsePositiveNumber, wholeNumber } from "./validators.js";

/**
 * Every command-line option, defined once (the shape of ripgrep's Flag definitions): its flags,
 * help, default, environment variable, config key, whether it is a secret, what shell
 * completion offers, and which commands take it. From these come commander's declarations
 * (src/program.ts), each command's `*Flags` type (FlagsOf, so a flag and its type cannot
 * disagree), `--help`, the man page, completions, `rotation config` and the README's option
 * tables (scripts/options-doc.mjs, checked by a test).
 */

/** Every command, and "program" for the options given before a command (rotation --data DIR check). */
export const COMMAND_NAMES = ["program", "check", "log", "history", "config", "valuation", "valuation import", "chart", "episodes", "rrg", "grid", "drivers", "report", "notify", "notify test", "completion"] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** The commands that load prices, and so take the source options. */
const PRICE_COMMANDS = ["check", "log", "chart", "episodes", "rrg", "grid", "drivers", "report"] as const;
/** The commands that print a report in a --format. */
const REPORT_COMMANDS = ["check", "history", "valuation", "episodes", "rrg", "grid", "drivers"] as const;
/** The source options are accepted (hidden, ignored) by history too, so that one shell alias fits every command. */
const SOURCE_COMMANDS = [...PRICE_COMMANDS, "history"] as const;
/** Every command (not `valuation import`, a subcommand): each takes --quiet and --no-pager. */
const ALL_COMMANDS = ["check", "log", "history", "config", "valuation", "chart", "episodes", "rrg", "grid", "drivers", "report", "completion"] as const;

export interface OptionDefinition {
  /** As commander writes them: "--window <days>", "-j, --json", "--no-fallback". */
  flags: string;
  /** The property commander stores it under (its camel-cased long name; `fallback` for --no-fallback). */
  key: string;
  /** string: a value; boolean: a switch; negate: a --no- switch (false when given); list: repeatable. */
  value: "string" | "boolean" | "negate" | "list";
  /** What it does, in one line (the default and environment variable are added after it). */
  help: string;
  /** Another help line for some commands (the same option, read in that command's terms). */
  helpFor?: Partial<Record<CommandName, string>>;
  /** The default as --help shows it. */
  default?: string | number | readonly string[];
  defaultFor?: Partial<Record<CommandName, string | number | readonly string[]>>;
  /** The environment variable that gives the same setting (it beats the config file). */
  env?: string;
  /** The key of a config file (rotation.config.json) that gives it. */
  configKey?: string;
  /** Printed only redacted, everywhere (a webhook URL carries its token in its path). */
  secret?: boolean;
  /** What the shell offers after it: a fixed list, files, folders or tickers. */
  completion?: readonly string[] | "file" | "dir" | "tickers";
  /** Accepted but not shown (kept for older scripts, or for symmetry). */
  hidden?: boolean;
  /** Accepted but not shown in these commands (history takes the source options so that one alias fits every command). */
  hiddenIn?: readonly CommandName[];
  /** Commander refuses any other value. */
  choices?: readonly string[];
  /**
   * The value's parser and validator, the one rule for its value wherever it comes from: a flag
   * (the plans), or a config file (config-file.ts runs the same function on the file's value).
   * Throws a UsageError naming `option`.
   */
  parse?: (raw: string, option: string) => unknown;
  commands: readonly CommandName[];
}

const { small, mid, large } = DEFAULTS.groups;

export const OPTIONS = {
  // Where prices come from (every command that loads prices; history accepts them, hidden, so
  // that one alias works for every command).
  source: {
    flags: "--source <kind>",
    key: "source",
    value: "string",
    help: `where prices come from: ${PRICE_SOURCE_KINDS.join(", ")}`,
    default: DEFAULT_PRICE_SOURCE,
    env: "ROTATION_SOURCE",
    configKey: "source",
    completion: PRICE_SOURCE_KINDS,
    hiddenIn: ["history"],
    commands: SOURCE_COMMANDS,
  },
  data: {
    flags: "--data <dir>",
    key: "data",
    value: "string",
    help: "read DIR/TICKER.csv instead of the live feed, as --source csv does",
    helpFor: { program: "for every command: read DIR/TICKER.csv (as the command's own --data)" },
    env: "ROTATION_DATA",
    configKey: "data",
    completion: "dir",
    hiddenIn: ["history"],
    commands: ["program", ...SOURCE_COMMANDS],
  },
  sample: {
    flags: "--sample",
    key: "sample",
    value: "boolean",
    help: "use the bundled sample of real closes (to 2026-08-03) instead of live data",
    helpFor: { program: "for every command: the bundled sample (as the command's own --sample)" },
    hiddenIn: ["history"],
    commands: ["program", ...SOURCE_COMMANDS],
  },
  offline: {
    flags: "--offline",
    key: "offline",
    value: "boolean",
    help: "use the cache only, never the network",
    helpFor: { program: "for every command: the cache only", valuation: "use the store only, never the network" },
    hiddenIn: ["history"],
    commands: ["program", ...SOURCE_COMMANDS, "valuation"],
  },
  refresh: { flags: "--refresh", key: "refresh", value: "boolean", help: "download every history again, ignoring the cache", hiddenIn: ["history"], commands: SOURCE_COMMANDS },
  lenient: { flags: "--lenient", key: "lenient", value: "boolean", help: "skip bad CSV rows with a warning instead of failing", hiddenIn: ["history"], commands: SOURCE_COMMANDS },
  timeout: {
    flags: "--timeout <seconds>",
    key: "timeout",
    value: "string",
    help: "per-request network timeout in seconds",
    default: DEFAULTS.timeoutSeconds,
    parse: (raw, option) => parseTimeoutMs(raw, option),
    configKey: "timeout",
    hiddenIn: ["history"],
    commands: [...SOURCE_COMMANDS, "valuation"],
  },
  partial: { flags: "--partial", key: "partial", value: "boolean", help: "go on without tickers that fail to load, naming each in a warning", hiddenIn: ["history"], commands: SOURCE_COMMANDS },
  fallback: {
    flags: "--no-fallback",
    key: "fallback",
    value: "negate",
    help: "fail when a download fails, instead of using the cache (or the bundled sample when nothing is cached)",
    configKey: "fallback",
    hiddenIn: ["history"],
    commands: SOURCE_COMMANDS,
  },
  offlineFallback: { flags: "--offline-fallback", key: "offlineFallback", value: "boolean", help: "the default now (kept for older scripts)", configKey: "offlineFallback", hidden: true, commands: SOURCE_COMMANDS },

  // Which funds and pairs.
  small: { flags: "--small <tickers>", key: "small", value: "string", help: "small-cap tickers, comma separated", default: small, parse: parseTickerList, configKey: "small", completion: "tickers", commands: ["check", "log", "episodes", "report"] },
  mid: { flags: "--mid <tickers>", key: "mid", value: "string", help: "mid-cap tickers", default: mid, parse: parseTickerList, configKey: "mid", completion: "tickers", commands: ["check", "log", "episodes", "report"] },
  large: { flags: "--large <tickers>", key: "large", value: "string", help: "large-cap tickers", default: large, parse: parseTickerList, configKey: "large", completion: "tickers", commands: ["check", "log", "episodes", "report"] },
  pairs: {
    flags: "--pairs <pairs>",
    key: "pairs",
    value: "string",
    help: "pairs SMALL:LARGE, comma separated",
    default: defaultPairs({ small: [...small], mid: [...mid], large: [...large] }).map(pairName),
    helpFor: {
      history: "only these pairs, e.g. IWM:SPY",
      valuation: "pairs SMALL:LARGE",
      rrg: "the same as --symbols and --benchmark, written as pairs FUND:BENCHMARK (one benchmark for all)",
    },
    defaultFor: { history: "", rrg: "", valuation: DEFAULTS.valuationPairs },
    parse: (raw, option) => parsePairs(raw, option),
    configKey: "pairs",
    completion: "tickers",
    commands: ["check", "log", "history", "valuation", "episodes", "rrg", "drivers", "report"],
  },
  pairsFile: {
    flags: "--pairs-file <file>",
    key: "pairsFile",
    value: "string",
    help: "read the pairs from FILE instead (- for standard input): one SMALL:LARGE a line, # starts a comment; for universes too long for a command line",
    completion: "file",
    commands: ["check", "log", "history", "valuation", "episodes", "rrg", "drivers", "report"],
  },

  // The surge: window, threshold and what each day is ranked against.
  window: {
    flags: "--window <days>",
    key: "window",
    value: "string",
    help: "surge window in trading days",
    default: DEFAULTS.window,
    helpFor: { grid: `one horizon, and the surge window, in trading days (default: 5, 21, 63 days and year to date; surge ${DEFAULTS.window})` },
    defaultFor: { grid: "" },
    parse: (raw, option) => parseWindow(raw, option),
    configKey: "window",
    commands: ["check", "log", "chart", "episodes", "grid", "drivers", "report"],
  },
  threshold: {
    flags: "--threshold <percentile>",
    key: "threshold",
    value: "string",
    help: "flag surges at or above this percentile (and at or below 100 minus it)",
    helpFor: { chart: "episode threshold, as in episodes", episodes: "flag surges at or above this percentile, or at or below 100 minus it" },
    default: DEFAULTS.threshold,
    parse: (raw, option) => parseThreshold(raw, option),
    configKey: "threshold",
    commands: ["check", "log", "chart", "episodes", "report"],
  },
  lookback: {
    flags: "--lookback <span>",
    key: "lookback",
    value: "string",
    help: "rank each day against: all earlier days, the previous N sessions (at least 252) or the last Ny years, e.g. 2520 or 10y",
    helpFor: { valuation: "rank the history against all earlier months, N sessions (as N/21 months) or the last Ny years" },
    default: DEFAULTS.lookback,
    defaultFor: { valuation: DEFAULTS.valuationHistoryLookback },
    parse: (raw, option) => parseLookback(raw, option),
    configKey: "lookback",
    completion: ["all", "5y", "10y", "20y"],
    commands: ["check", "log", "chart", "episodes", "grid", "drivers", "report", "valuation"],
  },
  gap: { flags: "--gap <days>", key: "gap", value: "string", help: "flagged days at most this many trading days apart are one episode", default: DEFAULTS.gap, parse: (raw, option) => parseGap(raw, option), configKey: "gap", commands: ["chart", "episodes", "report"] },
  asOf: {
    flags: "--as-of <date>",
    key: "asOf",
    value: "string",
    help: "use data up to this date only (YYYY-MM-DD)",
    helpFor: { log: "log the last trading day on or before this date", valuation: "use the store as of this date (implies --offline)" },
    parse: parseDate,
    commands: ["check", "log", "valuation", "chart", "episodes", "rrg", "grid", "drivers", "report"],
  },

  // What drives a rotation (rotation drivers).
  drivers: {
    flags: "--drivers <list>",
    key: "drivers",
    value: "string",
    help: "drivers, comma separated: a fund (IEF), a spread LONG-SHORT (HYG-IEF) or a FRED series (fred:DGS10)",
    default: DEFAULT_DRIVERS,
    parse: (raw, option) => parseDrivers(raw, option),
    completion: ["IEF", "TLT", "SHY", "HYG-IEF", "fred:DGS2", "fred:DGS10"],
    commands: ["drivers"],
  },
  split: {
    flags: "--split <list>",
    key: "split",
    value: "string",
    help: `also summarise the episodes by group, comma separated: calendar (inside or outside the Russell reconstitution window and January), ${DEFAULT_DRIVER_SPECS.map((d) => d.id).join(" or ")} (the start-day correlation's third)`,
    parse: (raw, option) => parseSplit(raw, option),
    completion: SPLIT_KINDS,
    commands: ["episodes"],
  },
  corrWindow: {
    flags: "--corr-window <sessions>",
    key: "corrWindow",
    value: "string",
    help: "sessions of daily returns in each rolling correlation and beta",
    default: DEFAULT_CORRELATION_WINDOW,
    parse: (raw, option) => parseCorrelationWindow(raw, option),
    commands: ["drivers"],
  },
  since: {
    flags: "--since <date>",
    key: "since",
    value: "string",
    help: "only what starts on or after this date",
    helpFor: { history: "records on or after this date", episodes: "only episodes that end on or after this date", chart: "first date shown (default: one year before the last)" },
    commands: ["history", "chart", "episodes"],
  },
  until: {
    flags: "--until <date>",
    key: "until",
    value: "string",
    help: "only what ends on or before this date",
    helpFor: { history: "records on or before this date", episodes: "only episodes that start on or before this date" },
    commands: ["history", "episodes"],
  },

  // Output.
  format: { flags: "--format <format>", key: "format", value: "string", help: OUTPUT_FORMATS.join(", "), default: DEFAULTS.format, completion: OUTPUT_FORMATS, commands: REPORT_COMMANDS },
  json: {
    flags: "-j, --json",
    key: "json",
    value: "boolean",
    help: "same as --format json: one JSON document",
    helpFor: { log: "also print the record on stdout", config: "print JSON" },
    commands: [...REPORT_COMMANDS, "log", "config"],
  },
  csv: { flags: "--csv", key: "csv", value: "boolean", help: "same as --format csv", commands: REPORT_COMMANDS },
  color: {
    flags: "--color <when>",
    key: "color",
    value: "string",
    help: "colour: auto (on a terminal), always or never; NO_COLOR and FORCE_COLOR are honoured",
    default: "auto",
    choices: ["auto", "always", "never"],
    configKey: "color",
    completion: ["auto", "always", "never"],
    commands: ["program", ...REPORT_COMMANDS, "chart"],
  },
  noColor: {
    flags: "--no-color",
    key: "color",
    value: "negate",
    help: "never colour the output (same as --color never)",
    helpFor: { report: "accepted for symmetry; the page has its own colours" },
    hiddenIn: ["report"],
    commands: ["program", ...REPORT_COMMANDS, "chart", "report"],
  },
  context: {
    flags: "--no-context",
    key: "context",
    value: "negate",
    help: "leave out the drivers, breadth and calendar beside the pairs (they cost time on large universes)",
    commands: ["check", "log", "report"],
  },
  exitCode: { flags: "--exit-code", key: "exitCode", value: "boolean", help: "exit 3 when a signal is raised", commands: ["check", "log"] },
  valuation: { flags: "--valuation", key: "valuation", value: "boolean", help: "also fetch P/E spreads live (they come from the valuation store whenever it exists)", commands: ["check"] },
  maxAge: {
    flags: "--max-age <days>",
    key: "maxAge",
    value: "string",
    help: "valuation figures more than this many days apart or old are stale (not used for signals)",
    default: DEFAULTS.valuationMaxAgeDays,
    parse: (raw) => parseMaxAge(raw),
    commands: ["check", "valuation"],
  },

  // The journal and alerts.
  journal: {
    flags: "--journal <path>",
    key: "journal",
    value: "string",
    help: "the JSON Lines journal, in the user data folder unless given",
    env: "ROTATION_JOURNAL",
    configKey: "journal",
    completion: "file",
    commands: ["log", "history"],
  },
  allowStale: {
    flags: "--allow-stale",
    key: "allowStale",
    value: "boolean",
    help: "record a day behind the last closed session (the feed failed or lags), marked stale: true, instead of refusing it",
    commands: ["log"],
  },
  replace: { flags: "--replace", key: "replace", value: "boolean", help: "replace the record of that trading date if there is one", commands: ["log"] },
  notify: {
    flags: "--notify <url>",
    key: "notify",
    value: "list",
    help: "post what changed (a signal started or ended, a quadrant changed, a failed run) to this webhook; repeatable",
    helpFor: { "notify test": "a webhook to test; repeatable (default: ROTATION_NOTIFY, else the config file's notify)" },
    env: "ROTATION_NOTIFY",
    configKey: "notify",
    secret: true,
    commands: ["log", "notify test"],
  },
  notifyFormat: {
    flags: "--notify-format <format>",
    key: "notifyFormat",
    value: "string",
    help: "json (a document with a text field: Slack-compatible) or text (the sentence alone, e.g. for ntfy)",
    default: DEFAULTS.notifyFormat,
    completion: ["json", "text"],
    commands: ["log", "notify test"],
  },
  signalsOnly: { flags: "--signals-only", key: "signalsOnly", value: "boolean", help: "only pairs that raised a signal", commands: ["history"] },

  // Valuation.
  store: {
    flags: "--store <path>",
    key: "store",
    value: "string",
    help: "the valuation history, in the user data folder unless given",
    helpFor: { "valuation import": "the valuation history to add to" },
    env: "ROTATION_VALUATION_STORE",
    completion: "file",
    commands: ["valuation", "valuation import"],
  },
  minHistory: { flags: "--min-history <n>", key: "minHistory", value: "string", help: "observations needed before a spread gets a percentile", default: DEFAULTS.minHistory, parse: (raw, option) => wholeNumber(raw, option, DEFAULTS.minHistory, 1, 100_000), commands: ["valuation"] },
  history: {
    flags: "--history <source>",
    key: "history",
    value: "string",
    help: "the valuation history beside the spreads: french (Fama/French size x book-to-market portfolios, downloaded when missing or a month old) or none",
    default: DEFAULT_VALUATION_HISTORY,
    completion: [...VALUATION_HISTORY_KINDS, "none"],
    commands: ["valuation"],
  },

  // Charts and pictures.
  width: { flags: "--width <columns>", key: "width", value: "string", help: "terminal chart width (default: the terminal's)", commands: ["chart"] },
  height: { flags: "--height <rows>", key: "height", value: "string", help: "terminal chart height", default: DEFAULTS.chart.height, parse: (raw, option) => parsePositiveNumber(raw, option, DEFAULTS.chart.height), commands: ["chart"] },
  svg: {
    flags: "--svg <file>",
    key: "svg",
    value: "string",
    help: "write a self-contained SVG (1200x600) instead of drawing in the terminal",
    helpFor: { rrg: "also write the graph as a self-contained SVG" },
    completion: "file",
    commands: ["chart", "rrg"],
  },
  html: {
    flags: "--html <file>",
    key: "html",
    value: "string",
    help: "write a single offline HTML page with the SVG",
    helpFor: { rrg: "also write it as a single offline HTML page", report: "write the page as one HTML file (no external request; light, dark and print styles)" },
    completion: "file",
    commands: ["chart", "rrg", "report"],
  },
  markdown: { flags: "--markdown <file>", key: "markdown", value: "string", help: "write it as GitHub-flavoured Markdown, with the charts as SVG files in FILE-files/ beside it", completion: "file", commands: ["report"] },

  // The Relative Rotation Graph.
  benchmark: {
    flags: "--benchmark <ticker>",
    key: "benchmark",
    value: "string",
    help: "the benchmark",
    default: DEFAULTS.rrg.benchmark,
    helpFor: { grid: "relative returns against this fund (default: the family's large blend fund)" },
    defaultFor: { grid: "" },
    completion: "tickers",
    commands: ["rrg", "grid"],
  },
  symbols: { flags: "--symbols <tickers>", key: "symbols", value: "string", help: "funds to place, comma separated", default: DEFAULTS.rrg.symbols, completion: "tickers", commands: ["rrg"] },
  period: { flags: "--period <period>", key: "period", value: "string", help: "daily or weekly", default: DEFAULT_RRG.period, completion: ["daily", "weekly"], commands: ["rrg"] },
  tail: { flags: "--tail <points>", key: "tail", value: "string", help: "points of history to show per fund", default: DEFAULTS.rrg.tail, commands: ["rrg"] },
  ratioWindow: { flags: "--ratio-window <periods>", key: "ratioWindow", value: "string", help: "window of the RS-Ratio z-score", default: DEFAULT_RRG.ratioWindow, commands: ["rrg"] },
  momentumWindow: { flags: "--momentum-window <periods>", key: "momentumWindow", value: "string", help: "window of the RS-Momentum z-score", default: DEFAULT_RRG.momentumWindow, commands: ["rrg"] },
  roc: { flags: "--roc <periods>", key: "roc", value: "string", help: "periods of RS-Ratio change that momentum measures", default: DEFAULT_RRG.rocPeriods, commands: ["rrg"] },
  smooth: {
    flags: "--smooth <short,long>",
    key: "smooth",
    value: "string",
    help: "moving averages of the price ratio whose ratio is z-scored, or none",
    default: DEFAULT_RRG.smoothing ? `${DEFAULT_RRG.smoothing.short},${DEFAULT_RRG.smoothing.long}` : "none",
    completion: ["5,26", "none"],
    commands: ["rrg"],
  },

  // The size x style grid.
  family: { flags: "--family <family>", key: "family", value: "string", help: "sp (S&P 600/400/500 funds) or russell (Russell 2000/Midcap/1000 funds)", default: DEFAULTS.gridFamily, completion: ["sp", "russell"], commands: ["grid"] },
  cells: { flags: "--cells <cells>", key: "cells", value: "string", help: "replace cells, e.g. small:value=VBR,mid:blend=VO", commands: ["grid"] },

  // Every command.
  quiet: { flags: "-q, --quiet", key: "quiet", value: "boolean", help: "no warnings, progress or status lines on stderr (errors still print)", commands: ["program", ...ALL_COMMANDS] },
  pager: { flags: "--no-pager", key: "pager", value: "negate", help: "never page long output through $PAGER (also ROTATION_PAGER=never)", commands: ["program", ...ALL_COMMANDS] },
} as const satisfies Record<string, OptionDefinition>;

export type OptionName = keyof typeof OPTIONS;
type Definitions = typeof OPTIONS;

/** The options a command takes, in definition order. */
export type OptionsOf<C extends CommandName> = { [N in OptionName]: C extends Definitions[N]["commands"][number] ? N : never }[OptionName];

/** Distributes over a union of definitions: --color WHEN and --no-color together give string | boolean. */
type ValueOf<D> = D extends { value: "list" } ? string[] : D extends { value: "boolean" | "negate" } ? boolean : string;

type DefinitionsOf<C extends CommandName> = Definitions[OptionsOf<C>];

/**
 * A command's flags as commander hands them over, derived from the definitions: an option
 * added to a command's list appears in its type, and a plan that reads a flag the command does
 * not take fails the type check. (--color WHEN and --no-color share `color`: string | boolean.)
 */
export type FlagsOf<C extends CommandName> = { [K in DefinitionsOf<C>["key"]]?: ValueOf<Extract<DefinitionsOf<C>, { key: K }>> };

/** The keys of a config file, derived: every option that has one, and cacheDir (a folder, no flag). */
export type OptionConfigKey = { [N in OptionName]: Definitions[N] extends { configKey: infer K extends string } ? K : never }[OptionName];

export function optionsOf(command: CommandName): [OptionName, OptionDefinition][] {
  return (Object.entries(OPTIONS) as [OptionName, OptionDefinition][]).filter(([, definition]) => definition.commands.includes(command));
}

/** " (default X)", the one way every --help text shows a default. */
export function defaultText(value: string | number | readonly string[]): string {
  return ` (default ${Array.isArray(value) ? value.join(",") : String(value)})`;
}

/** The default an option shows in a command, or undefined. */
export function defaultIn(definition: OptionDefinition, command: CommandName): string | undefined {
  const value = definition.defaultFor?.[command] ?? definition.default;
  if (value === undefined || value === "") return undefined;
  return Array.isArray(value) ? value.join(",") : String(value);
}

/** The help line of an option in a command, as --help, the man page and the README show it. */
export function helpIn(definition: OptionDefinition, command: CommandName): string {
  const text = definition.helpFor?.[command] ?? definition.help;
  const value = defaultIn(definition, command);
  const notes = [definition.env === undefined ? null : `env ${definition.env}`, value === undefined ? null : `default ${value}`].filter((note) => note !== null);
  return notes.length === 0 ? text : `${text} (${notes.join("; ")})`;
}

/** Whether an option is shown in a command's help. */
export function shownIn(definition: OptionDefinition, command: CommandName): boolean {
  return definition.hidden !== true && definition.hiddenIn?.includes(command) !== true;
}

/** Every option's flag that an environment variable also gives, by config key (it beats the config file). */
export const ENV_BY_CONFIG_KEY: Readonly<Record<string, string>> = Object.fromEntries(
  (Object.values(OPTIONS) as OptionDefinition[]).filter((d) => d.configKey !== undefined && d.env !== undefined).map((d) => [d.configKey as string, d.env as string]),
);

/** What a config file gives that no flag does: the cache folder, and colour forced on (`"color": true`). */
export interface SettingsOnly {
  cacheDir?: string;
  forceColor?: boolean;
}

/** The flags a command's plan reads: its options (derived), and what only a config file gives. */
export type CommandFlags<C extends CommandName> = FlagsOf<C> & SettingsOnly;
