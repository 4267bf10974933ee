import { createRequire } from "node:module";
import { Chalk } from "chalk";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { drawTable } from "../../src/output/table.js";

/** cli-table3 itself, with the options our reports use: the oracle drawTable must match byte for byte. */
const Table = createRequire(import.meta.url)("cli-table3") as typeof import("cli-table3");
function byCliTable3(head: string[], rows: string[][], leftColumns: number): string {
  const table = new Table({ head, style: { head: [], border: [], compact: true }, colAligns: head.map((_, i) => (i < leftColumns ? "left" : "right")) });
  for (const row of rows) table.push(row);
  return table.toString();
}

const colours = [new Chalk({ level: 0 }), new Chalk({ level: 1 }), new Chalk({ level: 3 })];
/** A cell as our reports make them: text of the characters they print, maybe coloured (nested too). */
const cell = fc
  .tuple(
    fc.string({ unit: fc.constantFrom(..."aZ09 .:%+-()|=", "—", "→", "≤", "≥", "×", "▁", "▄", "█", "▲", "▼", "●", "│", "┼"), maxLength: 14 }),
    fc.integer({ min: 0, max: 2 }),
    fc.constantFrom("plain", "green", "red", "bold", "greenBold", "dim"),
  )
  .map(([text, level, how]) => {
    const c = colours[level]!;
    switch (how) {
      case "green":
        return c.green(text);
      case "red":
        return c.red(text);
      case "bold":
        return c.bold(text);
      case "greenBold":
        return c.green.bold(text);
      case "dim":
        return `${c.dim(text.slice(0, 3))}${text.slice(3)}`;
      default:
        return text;
    }
  });

describe("drawTable", () => {
  it("draws what cli-table3 draws, for any table of the cells our reports make", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }).chain((columns) =>
          fc.tuple(fc.array(cell, { minLength: columns, maxLength: columns }), fc.array(fc.array(cell, { minLength: columns, maxLength: columns }), { maxLength: 12 }), fc.integer({ min: 0, max: columns })),
        ),
        ([head, rows, leftColumns]) => {
          expect(drawTable(head, rows, leftColumns)).toBe(byCliTable3(head, rows, leftColumns));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("hands cli-table3 what only it measures: wide characters, emoji, line breaks", () => {
    const head = ["Pair", "Note"];
    for (const odd of ["日本", "😀", "two\nlines", "e\u0301", "\u001b]8;;x\u0007link\u001b]8;;\u0007"]) {
      const rows = [["IWM:SPY", odd], ["IJR:SPY", "1.00%"]];
      expect(drawTable(head, rows, 1)).toBe(byCliTable3(head, rows, 1));
    }
  });

  it("boxes a header and rows, left and right aligned", () => {
    expect(drawTable(["Pair", "5D"], [["IWM:SPY", "9.89%"], ["X", "-1%"]], 1)).toBe(
      ["┌─────────┬───────┐", "│ Pair    │    5D │", "├─────────┼───────┤", "│ IWM:SPY │ 9.89% │", "│ X       │   -1% │", "└─────────┴───────┘"].join("\n"),
    );
  });
});
