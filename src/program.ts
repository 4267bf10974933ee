import { Command, Option } from "commander";
import type { Runtime } from "./runtime.js";
import { VERSION } from "./version.js";

/** Config file values fill in what neither a flag nor an environment variable gave. */
async function withConfig<T extends Record<string, unknown>>(flags: T, runtime: Runtime): Promise<T> {
  const { findConfig, applyConfig } = await import("./config/config.js");
  return applyConfig(flags, await findConfig(runtime), runtime.env);
}

/** Options every command that loads prices understands. */
function addSourceOptions(command: Command): Command {
  return command
    .option("--data <dir>", "read DIR/TICKER.csv instead of Yahoo Finance (env ROTATION_DATA)")
    .option("--offline", "use the cache only, never the network")
    .option("--refresh", "download every history again, ignoring the cache")
    .option("--lenient", "skip bad CSV rows with a warning instead of failing")
    .option("--timeout <seconds>", "per-request network timeout in seconds (default 20)")
    .option("--partial", "go on without tickers that fail to load, naming each in a warning")
    .option("--offline-fallback", "when the network fails, use cached prices however old (with a warning)");
}

function addUniverseOptions(command: Command): Command {
  return command
    .option("--small <tickers>", "small-cap tickers, comma separated (default IWM,IJR)")
    .option("--mid <tickers>", "mid-cap tickers (default IJH)")
    .option("--large <tickers>", "large-cap tickers (default SPY,QQQ)")
    .option("--pairs <pairs>", "pairs SMALL:LARGE, comma separated (default IWM:SPY,IJR:SPY,IJH:SPY,IWM:QQQ)");
}

/**
 * Builds the program. Each action loads its command module only when it runs, so that
 * `rotation --version` does not pay for tables, statistics or the Yahoo client.
 */
export function buildProgram(runtime: Runtime, setExitCode: (code: number) => void): Command {
  const program = new Command("rotation")
    .description("Find size rotations: small vs mid vs large caps, five-day surges ranked point-in-time")
    .version(VERSION, "-V, --version")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => runtime.stdout.write(text),
      writeErr: (text) => runtime.stderr.write(text),
    });

  const check = program
    .command("check")
    .description("relative returns and surges of the universe's pairs, with signals");
  addUniverseOptions(check);
  addSourceOptions(check);
  check
    .option("--window <days>", "surge window in trading days", undefined)
    .option("--threshold <percentile>", "flag surges at or above this percentile (and at or below 100 minus it)")
    .option("--as-of <date>", "use data up to this date only (YYYY-MM-DD)")
    .option("--format <format>", "table, json, ndjson or csv (default table)")
    .option("--json", "same as --format json: one JSON document (schemaVersion 1)")
    .option("--csv", "same as --format csv")
    .option("--no-color", "never colour the output")
    .option("--exit-code", "exit 3 when a signal is raised")
    .option("--valuation", "also fetch P/E spreads live (they come from the valuation store whenever it exists)")
    .addOption(new Option("--color", "colour even when not on a terminal").hideHelp())
    .action(async (flags) => {
      const { planCheck, check: runCheckCommand } = await import("./commands/check.js");
      setExitCode(await runCheckCommand(planCheck(await withConfig(flags, runtime), runtime.env, runtime.cwd), runtime));
    });

  const log = program
    .command("log")
    .description("append today's check to the journal, once per trading date and configuration (for cron)");
  addUniverseOptions(log);
  addSourceOptions(log);
  log
    .option("--journal <path>", "the JSON Lines journal (env ROTATION_JOURNAL; default in the user data folder)")
    .option("--replace", "replace the record of that trading date if there is one")
    .option("--window <days>", "surge window in trading days (default 5)")
    .option("--threshold <percentile>", "flag surges at or above this percentile (default 99)")
    .option("--as-of <date>", "log the last trading day on or before this date")
    .option("--json", "also print the record on stdout")
    .option("--exit-code", "exit 3 when a signal is raised")
    .action(async (flags) => {
      const command = await import("./commands/log.js");
      setExitCode(await command.log(command.planLog(await withConfig(flags, runtime), runtime.env, runtime.cwd), runtime));
    });

  const history = program.command("history").description("read the journal back");
  history
    .option("--journal <path>", "the JSON Lines journal (env ROTATION_JOURNAL; default in the user data folder)")
    .option("--since <date>", "records on or after this date")
    .option("--until <date>", "records on or before this date")
    .option("--pairs <pairs>", "only these pairs, e.g. IWM:SPY")
    .option("--signals-only", "only pairs that raised a signal")
    .option("--format <format>", "table, json, ndjson or csv (default table)")
    .option("--json", "same as --format json")
    .option("--csv", "same as --format csv")
    .option("--no-color", "never colour the output")
    .action(async (flags) => {
      const command = await import("./commands/history.js");
      // Only where the journal lives and colour come from the config: its pairs would filter.
      const merged = await withConfig(flags, runtime);
      const own = { ...flags, journal: merged.journal, color: merged.color, forceColor: merged.forceColor };
      setExitCode(await command.history(command.planHistory(own, runtime.env, runtime.cwd), runtime));
    });

  program
    .command("config")
    .description("print the effective configuration and where each value comes from")
    .option("--json", "print JSON")
    .action(async (flags: { json?: boolean }) => {
      const command = await import("./commands/config.js");
      setExitCode(await command.showConfig(flags, runtime));
    });

  const valuation = program
    .command("valuation")
    .description("P/E of small vs large funds: spread, ratio, earnings-yield gap, and their rank in history")
    .option("--pairs <pairs>", "pairs SMALL:LARGE (default IWM:SPY,IJR:SPY,IJH:SPY)")
    .option("--store <path>", "the valuation history (env ROTATION_VALUATION_STORE; default in the user data folder)")
    .option("--min-history <n>", "observations needed before a spread gets a percentile (default 60)")
    .option("--offline", "use the store only, never the network")
    .option("--as-of <date>", "use the store as of this date (implies --offline)")
    .option("--timeout <seconds>", "per-request network timeout in seconds (default 20)")
    .option("--format <format>", "table, json, ndjson or csv (default table)")
    .option("--json", "same as --format json")
    .option("--csv", "same as --format csv")
    .option("--no-color", "never colour the output")
    .action(async (flags) => {
      const command = await import("./commands/valuation.js");
      setExitCode(await command.valuation(command.planValuation(await withConfig(flags, runtime), runtime.env, runtime.cwd), runtime));
    });
  valuation
    .command("import <file>")
    .description("load a valuation history from CSV (Date,Symbol,TrailingPE,ForwardPE); all lines or none")
    .option("--store <path>", "the valuation history to add to")
    .action(async (file: string, flags: { store?: string }) => {
      const command = await import("./commands/valuation.js");
      setExitCode(await command.importValuation(file, { store: flags.store ?? valuation.opts().store }, runtime));
    });

  const chart = program
    .command("chart")
    .description("the pair's ratio and surge as a chart: in the terminal, or as SVG / HTML files")
    .argument("<pair>", "the pair, e.g. IWM:SPY");
  addSourceOptions(chart);
  chart
    .option("--since <date>", "first date shown (default: one year before the last)")
    .option("--as-of <date>", "use data up to this date only (YYYY-MM-DD)")
    .option("--window <days>", "surge window in trading days (default 5)")
    .option("--threshold <percentile>", "episode threshold, as in episodes (default 99)")
    .option("--gap <days>", "episode gap, as in episodes (default 5)")
    .option("--width <columns>", "terminal chart width (default: the terminal's)")
    .option("--height <rows>", "terminal chart height (default 20)")
    .option("--svg <file>", "write a self-contained SVG (1200x600) instead of drawing in the terminal")
    .option("--html <file>", "write a single offline HTML page with the SVG")
    .option("--no-color", "never colour the output")
    .action(async (pair: string, flags) => {
      const command = await import("./commands/chart.js");
      setExitCode(await command.chart(command.planChart(pair, await withConfig(flags, runtime), runtime.env, runtime.cwd), runtime));
    });

  const episodes = program
    .command("episodes")
    .description("every rotation episode in history, and what followed its peak");
  addUniverseOptions(episodes);
  addSourceOptions(episodes);
  episodes
    .option("--window <days>", "surge window in trading days (default 5)")
    .option("--threshold <percentile>", "flag surges at or above this percentile, or at or below 100 minus it (default 99)")
    .option("--gap <days>", "flagged days at most this many trading days apart are one episode (default 5)")
    .option("--since <date>", "only episodes that end on or after this date")
    .option("--until <date>", "only episodes that start on or before this date")
    .option("--as-of <date>", "use data up to this date only (YYYY-MM-DD)")
    .option("--format <format>", "table, json, ndjson or csv (default table)")
    .option("--json", "same as --format json")
    .option("--csv", "same as --format csv")
    .option("--no-color", "never colour the output")
    .action(async (flags) => {
      const command = await import("./commands/episodes.js");
      setExitCode(await command.episodes(command.planEpisodes(await withConfig(flags, runtime), runtime.env, runtime.cwd), runtime));
    });

  const rrg = program
    .command("rrg")
    .description("Relative Rotation Graph: RS-Ratio, RS-Momentum and quadrant of each fund against a benchmark");
  addSourceOptions(rrg);
  rrg
    .option("--benchmark <ticker>", "the benchmark (default SPY)")
    .option("--symbols <tickers>", "funds to place, comma separated (default IWM,IJR,IJH,QQQ)")
    .option("--period <period>", "daily or weekly (default weekly)")
    .option("--tail <points>", "points of history to show per fund (default 8)")
    .option("--ratio-window <periods>", "window of the RS-Ratio z-score (default 14)")
    .option("--momentum-window <periods>", "window of the RS-Momentum z-score (default 14)")
    .option("--roc <periods>", "periods of RS-Ratio change that momentum measures (default 1)")
    .option("--as-of <date>", "use data up to this date only (YYYY-MM-DD)")
    .option("--format <format>", "table, json, ndjson or csv (default table)")
    .option("--json", "same as --format json")
    .option("--csv", "same as --format csv")
    .option("--svg <file>", "also write the graph as a self-contained SVG")
    .option("--html <file>", "also write it as a single offline HTML page")
    .option("--no-color", "never colour the output")
    .action(async (flags) => {
      const command = await import("./commands/rrg.js");
      setExitCode(await command.rrg(command.planRrg(await withConfig(flags, runtime), runtime.env, runtime.cwd), runtime));
    });

  return program;
}

