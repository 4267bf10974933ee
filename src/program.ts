import { Command, Option } from "commander";
import type { Runtime } from "./runtime.js";
import { helpIn, optionsOf, shownIn, type CommandFlags, type CommandName, type FlagsOf } from "./settings/options.js";
import { VERSION } from "./version.js";
import { UsageError } from "./errors.js";

/** Options that may also come before the subcommand (rotation --data DIR check); --no-pager is read from the command line itself. */
const GLOBAL_OPTIONS = optionsOf("program")
  .filter(([, definition]) => definition.value !== "negate" || definition.key === "color")
  .map(([, definition]) => definition.key);
let globals: Record<string, unknown> = {};

/**
 * The flags a command acts on: its own, then the global ones given before it, then the config
 * file for what neither a flag nor an environment variable gave. --quiet is applied here.
 */
async function withSettings<T extends object>(flags: T, runtime: Runtime): Promise<T> {
  const merged: Record<string, unknown> = { ...(flags as Record<string, unknown>) };
  for (const key of new Set(GLOBAL_OPTIONS)) if (merged[key] === undefined && globals[key] !== undefined) merged[key] = globals[key];
  if (merged.quiet === true) runtime.stderr = quietStream(runtime.stderr);
  // --pairs-file becomes --pairs (one rule for pairs after this); both at once is a usage error.
  if (typeof merged.pairsFile === "string") {
    if (merged.pairs !== undefined) throw new UsageError("--pairs and --pairs-file say the same thing: give one or the other");
    const { readPairsFile } = await import("./settings/pairs-file.js");
    merged.pairs = await readPairsFile(merged.pairsFile, runtime.cwd, runtime.stdin ?? (() => process.stdin));
  }
  const [{ findConfig }, { withConfig }] = await Promise.all([import("./settings/config-file.js"), import("./settings/settings.js")]);
  return withConfig(merged as T & Record<string, unknown>, await findConfig(runtime), runtime.env);
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

/** A command's options, declared from their one definition each (src/settings/options.ts). */
export function declareOptions(command: Command, name: CommandName): Command {
  for (const [, definition] of optionsOf(name)) {
    const option = new Option(definition.flags, helpIn(definition, name));
    if (definition.choices !== undefined) option.choices(definition.choices);
    if (definition.value === "list") option.argParser((value: string, all: string[] = []) => [...all, value]);
    if (!shownIn(definition, name)) option.hideHelp();
    command.addOption(option);
  }
  return command;
}

/** Two to four examples at the end of a command's help, as gh shows them. */
function addExamples(command: Command, examples: readonly string[]): Command {
  return command.addHelpText("after", `\nExamples:\n${examples.map((e) => `  $ ${e}`).join("\n")}\n`);
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
  program.enablePositionalOptions();
  declareOptions(program, "program");
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
  const declare = (name: CommandName, description: string, define: (command: Command) => void): Command => {
    const command = program.command(name).description(description);
    if (full(name)) {
      declareOptions(command, name);
      define(command);
    }
    return command;
  };

  declare("check", "relative returns and surges of the universe's pairs, with signals", (check) => {
    check.action(async (flags: FlagsOf<"check">) => {
      const { planCheck, check: runCheckCommand } = await import("./commands/check.js");
      setExitCode(await runCheckCommand(planCheck(await withSettings(flags, runtime), runtime.env, runtime.cwd), runtime));
    });
    addExamples(check, ["rotation check", "rotation check --data ./prices --as-of 2024-07-16", "rotation check --pairs IWM:SPY,IJR:SPY --json | jq '.signals'"]);
  });

  declare("log", "append today's check to the journal, once per trading date and configuration (for cron)", (log) => {
    log.action(async (flags: FlagsOf<"log">) => {
      const command = await import("./commands/log.js");
      setExitCode(await command.log(command.planLog(await withSettings(flags, runtime), runtime.env, runtime.cwd), runtime));
    });
    addExamples(log, ["rotation log", "rotation log --exit-code --journal ~/rotation.jsonl", "rotation log --notify https://hooks.slack.com/services/T000/B000/XXXX", "rotation log --as-of 2024-07-16 --replace"]);
  });

  declare("history", "read the journal back", (history) => {
    history.action(async (flags: CommandFlags<"history">) => {
      const command = await import("./commands/history.js");
      // Only where the journal lives and colour come from the config: its pairs would filter.
      const merged = await withSettings(flags, runtime);
      const own = { ...flags, journal: merged.journal, color: merged.color, forceColor: merged.forceColor };
      setExitCode(await command.history(command.planHistory(own, runtime.env, runtime.cwd), runtime));
    });
    addExamples(history, ["rotation history", "rotation history --since 2024-01-01 --signals-only", "rotation history --csv > signals.csv"]);
  });

  declare("notify", "webhooks: check that they receive before a signal needs them", (notify) => {
    addExamples(notify, ["rotation notify test", "rotation notify test https://hooks.example.com/T000/B000/XXXX"]);
    const testCommand = notify.command("test [url]").description("send one message marked as a test to each webhook (--notify, ROTATION_NOTIFY, the config file's notify) or to URL, and say what each answered");
    declareOptions(testCommand, "notify test");
    testCommand.action(async (url: string | undefined, flags: FlagsOf<"notify test">) => {
      const command = await import("./commands/notify.js");
      setExitCode(await command.notifyTest(command.planNotifyTest(url, await withSettings(flags, runtime), runtime.env), runtime));
    });
  });

  declare("config", "print the effective configuration and where each value comes from", (config) => {
    config.action(async (flags: FlagsOf<"config">) => {
      const command = await import("./commands/config.js");
      setExitCode(await command.showConfig(flags, runtime));
    });
    addExamples(config, ["rotation config", "ROTATION_DATA=./prices rotation config --json"]);
  });

  declare("valuation", "P/E of small vs large funds: spread, ratio, earnings-yield gap, and their rank in history", (valuation) => {
    valuation.action(async (flags: FlagsOf<"valuation">) => {
      const command = await import("./commands/valuation.js");
      setExitCode(await command.valuation(command.planValuation(await withSettings(flags, runtime), runtime.env, runtime.cwd), runtime));
    });
    addExamples(valuation, ["rotation valuation", "rotation valuation import pe-history.csv", "rotation valuation --offline --as-of 2024-07-16 --json"]);
    const importCommand = valuation.command("import <file>").description("load a valuation history from CSV (Date,Symbol,TrailingPE,ForwardPE); all lines or none");
    declareOptions(importCommand, "valuation import");
    importCommand.action(async (file: string, flags: FlagsOf<"valuation import">) => {
      const command = await import("./commands/valuation.js");
      setExitCode(await command.importValuation(file, { store: flags.store ?? (valuation.opts() as FlagsOf<"valuation">).store }, runtime));
    });
  });

  declare("chart", "the pair's ratio and surge as a chart: in the terminal, or as SVG / HTML files", (chart) => {
    chart.argument("<pair>", "the pair, e.g. IWM:SPY");
    chart.action(async (pair: string, flags: FlagsOf<"chart">) => {
      const command = await import("./commands/chart.js");
      setExitCode(await command.chart(command.planChart(pair, await withSettings(flags, runtime), runtime.env, runtime.cwd), runtime));
    });
    addExamples(chart, ["rotation chart IWM:SPY", "rotation chart IWM:SPY --since 2024-05-01 --as-of 2024-09-30", "rotation chart IJR:SPY --svg ijr.svg"]);
  });

  declare("episodes", "every rotation episode in history, and what followed its peak", (episodes) => {
    episodes.action(async (flags: FlagsOf<"episodes">) => {
      const command = await import("./commands/episodes.js");
      setExitCode(await command.episodes(command.planEpisodes(await withSettings(flags, runtime), runtime.env, runtime.cwd), runtime));
    });
    addExamples(episodes, ["rotation episodes --pairs IWM:SPY", "rotation episodes --since 2024-01-01 --csv > episodes.csv", "rotation episodes --as-of 2020-12-31 --json"]);
  });

  declare("rrg", "Relative Rotation Graph: RS-Ratio, RS-Momentum and quadrant of each fund against a benchmark", (rrg) => {
    rrg.action(async (flags: FlagsOf<"rrg">) => {
      const command = await import("./commands/rrg.js");
      setExitCode(await command.rrg(command.planRrg(await withSettings(flags, runtime), runtime.env, runtime.cwd), runtime));
    });
    addExamples(rrg, ["rotation rrg", "rotation rrg --symbols IWM,IJR,IJH,QQQ,XLK --as-of 2024-07-16", "rotation rrg --svg rrg.svg"]);
  });

  declare("grid", "the size x style grid: small/mid/large by value/blend/growth, each fund's returns, relative returns and surge rank", (grid) => {
    grid.action(async (flags: FlagsOf<"grid">) => {
      const command = await import("./commands/grid.js");
      setExitCode(await command.grid(command.planGrid(await withSettings(flags, runtime), runtime.env, runtime.cwd), runtime));
    });
    addExamples(grid, ["rotation grid", "rotation grid --family russell --window 21", "rotation grid --as-of 2024-07-16 --json"]);
  });

  declare("drivers", "why is it rotating: each pair's rolling correlation and beta with rates, credit or yields, and breadth context", (driversCommand) => {
    driversCommand.action(async (flags: FlagsOf<"drivers">) => {
      const command = await import("./commands/drivers.js");
      setExitCode(await command.drivers(command.planDrivers(await withSettings(flags, runtime), runtime.env, runtime.cwd), runtime));
    });
    addExamples(driversCommand, ["rotation drivers", "rotation drivers --pairs IWM:SPY --as-of 2024-07-16", "rotation drivers --drivers IEF,HYG-IEF,fred:DGS10 --json"]);
  });

  declare("report", "one self-contained page of the whole picture as of a date: HTML (printable, offline) or Markdown", (reportCommand) => {
    reportCommand.argument("[-]", "write the HTML page to standard output");
    reportCommand.action(async (target: string | undefined, flags: FlagsOf<"report">) => {
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

  return program;
}
