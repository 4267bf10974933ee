import { describe, expect, it } from "vitest";
import { plotOnRows } from "../../src/output/chart-terminal.js";

/** Each plotted row: its label's value and its plot text. */
function rows(chart: string): { label: number; plot: string }[] {
  return chart.split("\n").map((line) => ({ label: Number.parseFloat(line.slice(0, 9)), plot: line.slice(10) }));
}

describe("terminal chart rows", () => {
  it("a level line is drawn on the row whose label is nearest its value, at any height (asciichart alone put -3.4 on the -1.8 row)", () => {
    for (const height of [3, 4, 5, 6, 9, 13, 20, 31]) {
      for (const level of [-3.41, -1.02, 0, 2.5, 4.05, 9.99]) {
        const jagged = Array.from({ length: 40 }, (_, i) => -4.7 + (14.8 * ((i * 7) % 40)) / 39);
        const flat = Array(40).fill(level);
        const chart = rows(plotOnRows([jagged, flat], height, (x) => `${x.toFixed(2)}`.padStart(9), [undefined, undefined]));
        // The flat line is the one row drawn straight through the last ten columns.
        const drawn = chart.filter((r) => /─{10}$/.test(r.plot.trimEnd().slice(-10)));
        expect(drawn.length, `height ${height}, level ${level}`).toBeGreaterThanOrEqual(1);
        const nearest = chart.reduce((best, r) => (Math.abs(r.label - level) < Math.abs(best.label - level) ? r : best));
        expect(drawn.map((r) => r.label), `height ${height}, level ${level}`).toContain(nearest.label);
      }
    }
  });
});
