import { Command, Option } from "commander";
import {
  addAsOfOption,
  addColorOptions,
  addDateRangeOptions,
  addExamples,
  addGapOption,
  addLookbackOption,
  addMaxAgeOption,
  addOutputOptions,
  addRrgOptions,
  addSourceOptions,
  addSurgeOptions,
  addUniverseOptions,
} from "./commands/option-groups.js";
import type { Runtime } from "./runtime.js";
import { DEFAULTS, defaultText } from "./settings/defaults.js";
import { DEFAULT_VALUATION_HISTORY } from "./sources/providers.js";
import { VERSION } from "./version.js";

/** Options that may also come before the subcommand (rotation --data DIR check). */
const GLOBAL_OPTIONS = ["data", "sample", "offline", "quiet", "color"] as const;
let globals: Record<string, unknown> = {};

/**
 * The flags a command acts on: its own, then the global ones given before it, then the config
 * file for what neither a flag nor an environment variable gave. --quiet is applied here.
 */
async function withSettings<T extends Record<string, unknown>>(flags: T, runtime: Runtime): Promise<T> {
  const merged: Record<string, unknown> = { ...flags };
  for (const key of GLOBAL_OPTIONS) if (merged[key] === undefined && globals[key] !== undefined) merged[key] = globals[key];
  if (merged.quiet === true) runtime.stderr = quietStream(runtime.stderr);
  const [{ findConfig }, { withConfig }] = await Promise.all([import("./settings/config-file.js"), import("./settings/settings.js")]);
  return withConfig(merged as T, await findConfig(runtime), runtime.env);
}

/** --quiet: warnings, progress and status lines go; errors (and usage errors) still print. */
function quietStream(stream: Runtime["stderr"]): Runtime["stderr"] {
  const chatter = /^(warning: |\r|rotation: (wrote|logged|replaced|imported|waiting) |rotation: \S+ is already logged)/;
  return { isTTY: stream.isTTY, columns: stream.columns, write: (text: string) => (chatter.test(text) ? true : stream.write(text)) };
}

/**
 * The first word of a command line that is not a program-level option or its value: the
 * command it runs (or "help", or a mistyped name); undefined when there is none, or when an
 * option the program does not know comes first (commander will say so).
 */
export function commandWord(argv: readonly string[], program: Command): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word === "--") return argv[i + 1];
    if (!word.startsWith("-")) return word;
    const equals = word.indexOf("=");
    const flag = equals < 0 ? word : word.slice(0, equals);
    const option = program.options.find((o) => o.long === flag || o.short === flag);
    if (option === undefined) return undefined;
    // A value given as the next word (--data DIR) is not the command.
    if (equals < 0 && (option.required || option.optional)) i++;
  }
  return undefined;
}

/**
 * Builds the program. Each action loads its command module only when it runs, so that
 * `rotation --version` does not pay for tables, statistics or the Yahoo client.
 */
export function buildProgram(runtime: Runtime, setExitCode: (code: number) => void, argv?: readonly string[]): Command {
  const program = new Command("rotation")
    .description("Find size rotations: small vs mid vs large caps, five-day surges ranked point-in-time")
    .version(VERSION, "-V, --version")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => runtime.stdout.write(text),
      writeErr: (text) => runtime.stderr.write(text),
      // Commander's errors become one line like every other: "rotation: unknown command 'chek' (Did you mean check?)".
      outputError: (text, write) => write(`rotation: ${text.replace(/^error: /, "").replace(/\s*\n\s*/g, " ").trim()}\n`),
    });
  // Options given before the subcommand (rotation --data DIR check) are passed on to it;
  // after it, they are the subcommand's own.
  program
    .enablePositionalOptions()
    .option("--data <dir>", "for every command: read DIR/TICKER.csv (as the command's own --data)")
    .option("--sample", "for every command: the bundled sample (as the command's own --sample)")
    .option("--offline", "for every command: the cache only")
    .option("-q, --quiet", "no warnings, progress or status lines on stderr (errors still print)")
    .option("--no-pager", "never page long output through $PAGER");
  addColorOptions(program);
  program.hook("preAction", (_, action) => {
    globals = program.opts();
    void action;
  });

  // Only the command being run gets its options (commander spends ~4 ms declaring all 209 of
  // them); the others are names and descriptions, which is all "did you mean" uses. Without a
  // command line (the man page), for help, for `completion` (which reads every command) or
  // when the command cannot be told before parsing, every command is declared in full.
  const invoked = argv === undefined ? undefined : commandWord(argv, program);
  const full = (name: string): boolean => invoked === undefined || invoked === "help" || invoked === "completion" || invoked === name;
  const declare = (name: string, description: string, define: (command: Command) => void): Command => {
    const command = program.command(name).description(description);
    if (full(name)) define(command);
    return command;
  };

  declare("check", "relative returns and surges of the universe's pairs, with signals", (check) => {
    addUniverseOptions(check);
    addSourceOptions(check);
    addSurgeOptions(check);
    addAsOfOption(check);
    addOutputOptions(check);
    check
      .option("--exit-code", "exit 3 when a signal is raised")
      .option("--valuation", "also fetch P/E spreads live (they come from the valuation store whenever it exists)");
    addMaxAgeOption(check);
    check.action(async (flags) => {
      const { planCheck, check: runCheckCommand } = await import("./commands/check.js");
      setExitCode(await runCheckCommand(planCheck(await withSettings(flags, runtime), runtime.env, runtime.cwd), runtime));
    });
    addExamples(check, ["rotation check", "rotation check --data ./prices --as-of 2024-07-16", "rotation check --pairs IWM:SPY,IJR:SPY --json | jq '.signals'"]);
  });

  declare("log", "append today's check to the journal, once per trading date and configuration (for cron)", (log) => {
    addUniverseOptions(log);
    addSourceOptions(log);
    log
      .option("--journal <path>", "the JSON Lines journal (env ROTATION_JOURNAL; default in the user data folder)")
      .option("--replace", "replace the record of that trading date if there is one");
    addSurgeOptions(log);
    addAsOfOption(log, "log the last trading day on or before this date");
    log
      .option("--json", "also print the record on stdout")
      .option("--exit-code", "exit 3 when a signal is raised")
      .option("--notify <url>", "post what changed (a signal started or ended, a quadrant changed, a failed run) to this webhook; repeatable (env ROTATION_NOTIFY)", (url: string, all: string[] = []) => [...all, url])
      .option("--notify-format <format>", `json (a document with a text field: Slack-compatible) or text (the sentence alone, e.g. for ntfy)${defaultText(DEFAULTS.notifyFormat)}`)
      .action(async (flags) => {
        const command = await import("./commands/log.js");
        setExitCode(await command.log(command.planLog(await withSettings(flags, runtime), runtime.env, runtime.cwd), runtime));
      });
    addExamples(log, ["rotation log", "rotation log --exit-code --journal ~/rotation.jsonl", "rotation log --notify https://hooks.slack.com/services/T000/B000/XXXX", "rotation log --as-of 2024-07-16 --replace"]);
  });

  declare("history", "read the journal back", (history) => {
    history.option("--journal <path>", "the JSON Lines journal (env ROTATION_JOURNAL; default in the user data folder)");
    // Accepted (and ignored) so that one shell alias with source options works for every command.
    for (const option of addSourceOptions(new Command()).options) history.addOption(new Option(option.flags, option.description).hideHelp());
    addDateRangeOptions(history, "records on or after this date", "records on or before this date");
    history.option("--pairs <pairs>", "only these pairs, e.g. IWM:SPY").option("--signals-only", "only pairs that raised a signal");
    addOutputOptions(history);
    history.action(async (flags) => {
      const command = await import("./commands/history.js");
      // Only where the journal lives and colour come from the config: its pairs would filter.
      const merged = await withSettings(flags, runtime);
      const own = { ...flags, journal: merged.journal, color: merged.color, forceColor: merged.forceColor };
      setExitCode(await command.history(command.planHistory(own, runtime.env, runtime.cwd), runtime));
    });
    addExamples(history, ["rotation history", "rotation history --since 2024-01-01 --signals-only", "rotation history --csv > signals.csv"]);
  });

  declare("config", "print the effective configuration and where each value comes from", (config) => {
    config
      .option("--json", "print JSON")
      .action(async (flags: { json?: boolean }) => {
        const command = await import("./commands/config.js");
        setExitCode(await command.showConfig(flags, runtime));
      });
    addExamples(config, ["rotation config", "ROTATION_DATA=./prices rotation config --json"]);
  });

  declare("valuation", "P/E of small vs large funds: spread, ratio, earnings-yield gap, and their rank in history", (valuation) => {
    valuation
      .option("--pairs <pairs>", `pairs SMALL:LARGE${defaultText(DEFAULTS.valuationPairs)}`)
      .option("--store <path>", "the valuation history (env ROTATION_VALUATION_STORE; default in the user data folder)")
      .option("--min-history <n>", `observations needed before a spread gets a percentile${defaultText(DEFAULTS.minHistory)}`)
      .option("--offline", "use the store only, never the network");
    addAsOfOption(valuation, "use the store as of this date (implies --offline)");
    valuation.option("--timeout <seconds>", `per-request network timeout in seconds${defaultText(DEFAULTS.timeoutSeconds)}`);
    addMaxAgeOption(valuation);
    valuation.option("--history <source>", `the valuation history beside the spreads: french (Fama/French size x book-to-market portfolios, downloaded when missing or a month old) or none${defaultText(DEFAULT_VALUATION_HISTORY)}`);
    addLookbackOption(valuation, `rank the history against all earlier months, N sessions (as N/21 months) or the last Ny years${defaultText(DEFAULTS.valuationHistoryLookback)}`);
    addOutputOptions(valuation);
    valuation.action(async (flags) => {
      const command = await import("./commands/valuation.js");
      setExitCode(await command.valuation(command.planValuation(await withSettings(flags, runtime), runtime.env, runtime.cwd), runtime));
    });
    addExamples(valuation, ["rotation valuation", "rotation valuation import pe-history.csv", "rotation valuation --offline --as-of 2024-07-16 --json"]);
    valuation
      .command("import <file>")
      .description("load a valuation history from CSV (Date,Symbol,TrailingPE,ForwardPE); all lines or none")
      .option("--store <path>", "the valuation history to add to")
      .action(async (file: string, flags: { store?: string }) => {
        const command = await import("./commands/valuation.js");
        setExitCode(await command.importValuation(file, { store: flags.store ?? valuation.opts().store }, runtime));
      });
  });

  declare("chart", "the pair's ratio and surge as a chart: in the terminal, or as SVG / HTML files", (chart) => {
    chart
      .argument("<pair>", "the pair, e.g. IWM:SPY");
    addSourceOptions(chart);
    chart.option("--since <date>", "first date shown (default: one year before the last)");
    addAsOfOption(chart);
    addSurgeOptions(chart, "episode threshold, as in episodes");
    addGapOption(chart);
    chart
      .option("--width <columns>", "terminal chart width (default: the terminal's)")
      .option("--height <rows>", `terminal chart height${defaultText(DEFAULTS.chart.height)}`)
      .option("--svg <file>", "write a self-contained SVG (1200x600) instead of drawing in the terminal")
      .option("--html <file>", "write a single offline HTML page with the SVG");
    addColorOptions(chart);
    chart.action(async (pair: string, flags) => {
      const command = await import("./commands/chart.js");
      setExitCode(await command.chart(command.planChart(pair, await withSettings(flags, runtime), runtime.env, runtime.cwd), runtime));
    });
    addExamples(chart, ["rotation chart IWM:SPY", "rotation chart IWM:SPY --since 2024-05-01 --as-of 2024-09-30", "rotation chart IJR:SPY --svg ijr.svg"]);
  });

  declare("episodes", "every rotation episode in history, and what followed its peak", (episodes) => {
    addUniverseOptions(episodes);
    addSourceOptions(episodes);
    addSurgeOptions(episodes, "flag surges at or above this percentile, or at or below 100 minus it");
    addGapOption(episodes);
    addDateRangeOptions(episodes, "only episodes that end on or after this date", "only episodes that start on or before this date");
    addAsOfOption(episodes);
    addOutputOptions(episodes);
    episodes.action(async (flags) => {
      const command = await import("./commands/episodes.js");
      setExitCode(await command.episodes(command.planEpisodes(await withSettings(flags, runtime), runtime.env, runtime.cwd), runtime));
    });
    addExamples(episodes, ["rotation episodes --pairs IWM:SPY", "rotation episodes --since 2024-01-01 --csv > episodes.csv", "rotation episodes --as-of 2020-12-31 --json"]);
  });

  declare("rrg", "Relative Rotation Graph: RS-Ratio, RS-Momentum and quadrant of each fund against a benchmark", (rrg) => {
    addSourceOptions(rrg);
    rrg
      .option("--benchmark <ticker>", `the benchmark${defaultText(DEFAULTS.rrg.benchmark)}`)
      .option("--symbols <tickers>", `funds to place, comma separated${defaultText(DEFAULTS.rrg.symbols)}`)
      .option("--pairs <pairs>", "the same as --symbols and --benchmark, written as pairs FUND:BENCHMARK (one benchmark for all)");
    addRrgOptions(rrg);
    addAsOfOption(rrg);
    addOutputOptions(rrg);
    rrg
      .option("--svg <file>", "also write the graph as a self-contained SVG")
      .option("--html <file>", "also write it as a single offline HTML page")
      .action(async (flags) => {
        const command = await import("./commands/rrg.js");
        setExitCode(await command.rrg(command.planRrg(await withSettings(flags, runtime), runtime.env, runtime.cwd), runtime));
      });
    addExamples(rrg, ["rotation rrg", "rotation rrg --symbols IWM,IJR,IJH,QQQ,XLK --as-of 2024-07-16", "rotation rrg --svg rrg.svg"]);
  });

  declare("grid", "the size x style grid: small/mid/large by value/blend/growth, each fund's returns, relative returns and surge rank", (grid) => {
    addSourceOptions(grid);
    grid
      .option("--window <days>", `one horizon, and the surge window, in trading days (default: 5, 21, 63 days and year to date; surge ${DEFAULTS.window})`)
      .option("--family <family>", `sp (S&P 600/400/500 funds) or russell (Russell 2000/Midcap/1000 funds)${defaultText(DEFAULTS.gridFamily)}`)
      .option("--cells <cells>", "replace cells, e.g. small:value=VBR,mid:blend=VO")
      .option("--benchmark <ticker>", "relative returns against this fund (default: the family's large blend fund)");
    addLookbackOption(grid);
    addAsOfOption(grid);
    addOutputOptions(grid);
    grid.action(async (flags) => {
      const command = await import("./commands/grid.js");
      setExitCode(await command.grid(command.planGrid(await withSettings(flags, runtime), runtime.env, runtime.cwd), runtime));
    });
    addExamples(grid, ["rotation grid", "rotation grid --family russell --window 21", "rotation grid --as-of 2024-07-16 --json"]);
  });

  declare("report", "one self-contained page of the whole picture as of a date: HTML (printable, offline) or Markdown", (reportCommand) => {
    reportCommand
      .argument("[-]", "write the HTML page to standard output");
    addUniverseOptions(reportCommand);
    addSourceOptions(reportCommand);
    addSurgeOptions(reportCommand);
    addGapOption(reportCommand);
    addAsOfOption(reportCommand);
    reportCommand
      .option("--html <file>", "write the page as one HTML file (no external request; light, dark and print styles)")
      .option("--markdown <file>", "write it as GitHub-flavoured Markdown, with the charts as SVG files in FILE-files/ beside it")
      .addOption(new Option("--no-color", "accepted for symmetry; the page has its own colours").hideHelp())
      .action(async (target: string | undefined, flags) => {
        const command = await import("./commands/report.js");
        setExitCode(await command.report(command.planReport(target, await withSettings(flags, runtime), runtime.env, runtime.cwd), runtime));
      });
    addExamples(reportCommand, ["rotation report --html report.html", "rotation report --sample --as-of 2024-07-16 --html july-2024.html", "rotation report --markdown weekly.md", "rotation report - > report.html"]);
  });

  declare("completion", "print a shell completion script (bash, zsh or fish), generated from this program", (completion) => {
    completion
      .argument("<shell>", "bash, zsh or fish")
      .action(async (shell: string) => {
        const { bashCompletion, zshCompletion, fishCompletion } = await import("./output/completion.js");
        const { parseChoice } = await import("./settings/validators.js");
        const scripts = { bash: () => bashCompletion(program), zsh: () => zshCompletion(program), fish: () => fishCompletion(program) };
        // <shell> is required, so the fallback is never used.
        const chosen = parseChoice(shell, "completion: the shell", ["bash", "zsh", "fish"] as const, "bash");
        runtime.stdout.write(scripts[chosen]());
      });
  });
  program.addHelpText("after", "\nManual: man rotation (man/rotation.1 in the package). Completion: rotation completion bash|zsh|fish.\n");

  // Every command takes --quiet, whichever side of it it is given on.
  for (const command of program.commands) {
    if (!full(command.name())) continue;
    command.option("-q, --quiet", "no warnings, progress or status lines on stderr (errors still print)");
    command.option("--no-pager", "never page long output through $PAGER (also ROTATION_PAGER=never)");
  }
  return program;
}
