import type { Command, Option } from "commander";
import { OPTIONS, type OptionDefinition } from "../settings/options.js";

/**
 * Shell completion generated from the commander program itself, so it can never drift from the
 * options: commands, their options, the values options take (formats, periods, families...) and
 * tickers from the data folder (ROTATION_DATA) or the cache, read when completing, cheaply.
 */

interface CommandInfo {
  name: string;
  description: string;
  options: { long: string; short?: string; takesValue: boolean; choices: string[]; description: string }[];
}

/** The long flag of an option (its definition in src/settings/options.ts says what completes it). */
function longFlag(definition: OptionDefinition): string {
  return definition.flags.split(/[ ,]+/).find((part) => part.startsWith("--")) as string;
}
const DEFINITIONS = Object.values(OPTIONS) as OptionDefinition[];
/** Values an option takes, where they are a fixed list. */
const VALUES: Record<string, string[]> = Object.fromEntries(DEFINITIONS.flatMap((d) => (Array.isArray(d.completion) ? [[longFlag(d), [...(d.completion as readonly string[])]]] : [])));
const TICKER_OPTIONS = [...new Set(DEFINITIONS.filter((d) => d.completion === "tickers").map(longFlag))];
const FILE_OPTIONS = [...new Set(DEFINITIONS.filter((d) => d.completion === "file" || d.completion === "dir").map(longFlag))];

function describe(command: Command): CommandInfo[] {
  const info = (cmd: Command, name: string): CommandInfo => ({
    name,
    description: cmd.description(),
    options: (cmd.options as Option[])
      .filter((o) => o.long && !o.hidden)
      .map((o) => ({ long: o.long!, short: o.short, takesValue: o.required || o.optional, choices: o.argChoices ?? VALUES[o.long!] ?? [], description: o.description })),
  });
  const list: CommandInfo[] = [];
  for (const cmd of command.commands) {
    list.push(info(cmd, cmd.name()));
    for (const sub of cmd.commands) list.push(info(sub, `${cmd.name()} ${sub.name()}`));
  }
  return list;
}

export function bashCompletion(program: Command): string {
  const commands = describe(program).filter((c) => !c.name.includes(" "));
  const cases = commands
    .map((c) => `    ${c.name}) opts="${c.options.flatMap((o) => (o.short ? [o.long, o.short] : [o.long])).join(" ")}" ;;`)
    .join("\n");
  const values = Object.entries(VALUES)
    .map(([option, list]) => `    ${option}) COMPREPLY=( $(compgen -W "${list.join(" ")}" -- "$cur") ); return ;;`)
    .join("\n");
  return `# bash completion for rotation (generated from the program: rotation completion bash)
_rotation_tickers() {
  local dir="\${ROTATION_DATA:-}" cache="\${ROTATION_CACHE_DIR:-\${XDG_CACHE_HOME:-$HOME/.cache}/rotation}"
  { [ -n "$dir" ] && ls "$dir" 2>/dev/null | sed -n 's/\\.csv\\(\\.gz\\)\\{0,1\\}$//p'; ls "$cache" 2>/dev/null | sed -n 's/\\.json$//p'; } | sort -u
}
_rotation() {
  local cur prev command opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  command="\${COMP_WORDS[1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${commands.map((c) => c.name).join(" ")} --help --version" -- "$cur") )
    return
  fi
  case "$prev" in
${values}
    ${FILE_OPTIONS.join("|")}) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
    ${TICKER_OPTIONS.join("|")}) COMPREPLY=( $(compgen -W "$(_rotation_tickers)" -- "\${cur##*[,:]}") ); return ;;
  esac
  case "$command" in
${cases}
    completion) opts="bash zsh fish" ;;
    *) opts="" ;;
  esac
  COMPREPLY=( $(compgen -W "$opts --help" -- "$cur") )
}
complete -F _rotation rotation
`;
}

/** zsh runs the bash completion through its bashcompinit layer: one script to keep right. */
export function zshCompletion(program: Command): string {
  return `#compdef rotation
# zsh completion for rotation (generated from the program: rotation completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bashCompletion(program)}`;
}

export function fishCompletion(program: Command): string {
  const quote = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  const lines = ["# fish completion for rotation (generated from the program: rotation completion fish)", "complete -c rotation -f"];
  const commands = describe(program).filter((c) => !c.name.includes(" "));
  for (const c of commands) lines.push(`complete -c rotation -n __fish_use_subcommand -a ${c.name} -d ${quote(c.description.slice(0, 80))}`);
  for (const c of commands) {
    for (const o of c.options) {
      const parts = [`complete -c rotation -n ${quote(`__fish_seen_subcommand_from ${c.name}`)} -l ${o.long.slice(2)}`];
      if (o.short) parts.push(`-s ${o.short.slice(1)}`);
      if (o.takesValue) parts.push(o.choices.length > 0 ? `-x -a ${quote(o.choices.join(" "))}` : FILE_OPTIONS.includes(o.long) ? "-r -F" : "-x");
      parts.push(`-d ${quote(o.description.slice(0, 80))}`);
      lines.push(parts.join(" "));
    }
  }
  lines.push("complete -c rotation -n '__fish_seen_subcommand_from completion' -x -a 'bash zsh fish'");
  return `${lines.join("\n")}\n`;
}

/** The manual page (roff), from the same program: man/rotation.1, shipped in the package. */
export function manPage(program: Command, version: string, date: string): string {
  const esc = (text: string) => text.replace(/\\/g, "\\e").replace(/^[.']/gm, "\\&$&").replace(/-/g, "\\-");
  const lines = [
    `.TH ROTATION 1 "${date}" "rotation ${version}" "User Commands"`,
    ".SH NAME",
    "rotation \\- size\\-rotation analyzer: small vs mid vs large caps, five\\-day surges ranked point in time",
    ".SH SYNOPSIS",
    ".B rotation",
    ".I command",
    "[\\fIoptions\\fR]",
    ".SH DESCRIPTION",
    esc(program.description()),
    "Every figure is computed point in time, from data up to the as\\-of date only, on each pair's common trading dates, from adjusted closes.",
    ".SH COMMANDS",
  ];
  for (const c of describe(program)) {
    lines.push(".SS", `\\fBrotation ${esc(c.name)}\\fR`, esc(c.description));
    for (const o of c.options) {
      lines.push(".TP", `\\fB${esc(o.short ? `${o.short}, ${o.long}` : o.long)}\\fR${o.takesValue ? " \\fIvalue\\fR" : ""}`, esc(o.description));
    }
  }
  lines.push(
    ".SH ENVIRONMENT",
    ...DEFINITIONS.filter((d) => d.env !== undefined).flatMap((d) => [".TP", `\\fB${d.env}\\fR`, esc(`The same as ${longFlag(d)}${d.secret ? " (a secret: printed only redacted)" : ""}.`)]),
    ".TP", "\\fBROTATION_CACHE_DIR\\fR, \\fBROTATION_DATA_HOME\\fR, \\fBROTATION_CONFIG\\fR", "Where the cache, the journal and valuation store, and the config file are.",
    ".TP", "\\fBROTATION_YAHOO_URL\\fR, \\fBROTATION_TIINGO_URL\\fR, \\fBROTATION_FRENCH_URL\\fR, \\fBROTATION_FRED_URL\\fR", "Another origin for every request to that provider (a mirror, a gateway, a test server).",
    ".TP", "\\fBROTATION_CSV_SNAPSHOTS\\fR, \\fBROTATION_CODE_CACHE\\fR", "0 turns off that cache (parsed CSV files; compiled code).",
    ".TP", "\\fBROTATION_WORKERS\\fR", "Worker threads for episodes \\-\\-format ndjson (0 to 16; unset: one a core beyond the first, at most 3, for large universes of local files).",
    ".TP", "\\fBTIINGO_API_KEY\\fR", "Your Tiingo token, for \\-\\-source tiingo (never printed).",
    ".TP", "\\fBHTTPS_PROXY\\fR, \\fBHTTP_PROXY\\fR, \\fBNO_PROXY\\fR", "Proxies, honoured on every supported Node.",
    ".TP", "\\fBROTATION_PAGER\\fR, \\fBPAGER\\fR", "The pager for long output on a terminal (default less \\-FRX; never to turn it off).",
    ".TP", "\\fBNO_COLOR\\fR, \\fBFORCE_COLOR\\fR", "Colour off or on.",
    ".TP", "\\fBROTATION_NOW\\fR", "Pin the clock to an ISO 8601 instant.",
    ".TP", "\\fBROTATION_DEBUG\\fR", "1 adds the stack trace to an error, and keeps what libraries print.",
    ".SH EXIT STATUS",
    ".TP", "0", "Success.",
    ".TP", "1", "Data, network or journal failure.",
    ".TP", "2", "Usage error (a bad option, value, ticker or config).",
    ".TP", "3", "With \\-\\-exit\\-code: a signal was raised.",
    ".TP", "130", "Interrupted.",
    ".SH SEE ALSO",
    "The README shipped with the package; \\fBrotation completion bash|zsh|fish\\fR.",
  );
  return `${lines.join("\n")}\n`;
}
