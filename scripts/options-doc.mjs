// The README's option tables, made from the option definitions (src/settings/options.ts):
// every block between `<!-- options COMMAND -->` and `<!-- /options -->` is that command's table.
//
//   node scripts/options-doc.mjs          rewrite README.md's tables (npm run options-doc)
//   node scripts/options-doc.mjs --check  exit 1 naming each table that differs
//
// test/options-doc.test.ts runs the same comparison, and checks every row against `--help`.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const README = path.join(ROOT, "README.md");
const START = /^<!-- options (.+) -->$/;
const END = "<!-- /options -->";

const { OPTIONS, defaultIn, shownIn } = await import(new URL("../dist/settings/options.js", import.meta.url).href);

/** A cell of a Markdown table: pipes escaped, code spans kept. */
function cell(text) {
  return text.replace(/\|/g, "\\|");
}

/** One command's options as a Markdown table: option, meaning, default, environment variable, config key. */
export function optionTable(command) {
  const rows = Object.values(OPTIONS)
    .filter((definition) => definition.commands.includes(command) && shownIn(definition, command))
    .map((definition) => {
      const meaning = definition.helpFor?.[command] ?? definition.help;
      const value = defaultIn(definition, command);
      return `| \`${definition.flags}\` | ${cell(meaning)}${definition.secret ? " (a secret: printed only redacted)" : ""} | ${value === undefined ? "" : `\`${cell(value)}\``} | ${definition.env ? `\`${definition.env}\`` : ""} | ${definition.configKey ? `\`${definition.configKey}\`` : ""} |`;
    });
  return ["| option | meaning | default | environment | config key |", "| --- | --- | --- | --- | --- |", ...rows].join("\n");
}

/** The README with every table made anew, and the commands whose table changed. */
export function withTables(text) {
  const lines = text.split("\n");
  const out = [];
  const changed = [];
  for (let i = 0; i < lines.length; i++) {
    out.push(lines[i]);
    const start = START.exec(lines[i].trim());
    if (!start) continue;
    let end = i + 1;
    while (end < lines.length && lines[end].trim() !== END) end++;
    if (end === lines.length) throw new Error(`README.md line ${i + 1}: an options table never closes (${END})`);
    const table = optionTable(start[1]);
    if (lines.slice(i + 1, end).join("\n") !== table) changed.push(start[1]);
    out.push(table);
    i = end - 1;
  }
  return { text: out.join("\n"), changed };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { text, changed } = withTables(readFileSync(README, "utf8"));
  if (process.argv.includes("--check")) {
    if (changed.length > 0) {
      console.error(`README.md: the option tables of ${changed.join(", ")} differ from the definitions (npm run options-doc)`);
      process.exit(1);
    }
  } else {
    writeFileSync(README, text);
  }
}
