import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { README, withTables } from "../scripts/options-doc.mjs";
import { COMMAND_NAMES, OPTIONS, defaultIn, helpIn, shownIn, type OptionDefinition } from "../src/settings/options.js";
import { runCli } from "./helpers/cli.js";

/** `rotation [COMMAND] --help` with its lines joined (commander wraps them). */
function helpOf(command: string): string {
  const args = command === "program" ? ["--help"] : [...command.split(" "), "--help"];
  const result = runCli(args, { COLUMNS: "1000" });
  expect(result.status).toBe(0);
  return result.stdout.replace(/\s+/g, " ");
}

/** The README's table rows of a command: flags, meaning, default, environment. */
function readmeRows(command: string): { flags: string; meaning: string; value: string; env: string }[] {
  const text = readFileSync(README, "utf8");
  const start = text.indexOf(`<!-- options ${command} -->`);
  expect(start, `README has the options table of ${command}`).toBeGreaterThan(-1);
  const block = text.slice(start, text.indexOf("<!-- /options -->", start));
  return block
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => {
      const cells = line.split(/(?<!\\) \| /).map((c) => c.replace(/^\| |\s*\|$/g, "").replace(/\\\|/g, "|"));
      const strip = (c: string | undefined) => (c ?? "").replace(/^`|`$/g, "");
      return { flags: strip(cells[0]), meaning: cells[1] ?? "", value: strip(cells[2]), env: strip(cells[3]) };
    });
}

describe("the README's option tables", () => {
  it("are what the definitions make (npm run options-doc)", () => {
    expect(withTables(readFileSync(README, "utf8")).changed).toEqual([]);
  });

  it("say for every command what --help says: each option, its help, default and environment variable, and no other", () => {
    for (const command of COMMAND_NAMES) {
      const help = helpOf(command);
      const rows = readmeRows(command);
      const shown = (Object.values(OPTIONS) as OptionDefinition[]).filter((d) => d.commands.includes(command) && shownIn(d, command));
      expect(rows.map((r) => r.flags), command).toEqual(shown.map((d) => d.flags));
      for (const row of rows) {
        const definition = shown.find((d) => d.flags === row.flags)!;
        // --help prints the flags, then the meaning, environment and default as one line.
        const line = `${row.flags} ${row.meaning.replace(/ \(a secret: printed only redacted\)$/, "")}${row.env || row.value ? ` (${[row.env ? `env ${row.env}` : "", row.value ? `default ${row.value}` : ""].filter(Boolean).join("; ")})` : ""}`;
        expect(help, `${command} ${row.flags}`).toContain(line.replace(/\s+/g, " "));
        expect(line.slice(row.flags.length + 1)).toBe(helpIn(definition, command));
        expect(row.value === "" ? undefined : row.value).toBe(defaultIn(definition, command));
      }
    }
  }, 60_000);
});
