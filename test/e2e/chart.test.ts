import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { XMLValidator } from "fast-xml-parser";
import { afterAll, describe, expect, it } from "vitest";
import { expectCleanOutput, runCli } from "../helpers/cli.js";
import { FIXTURE_PRICES } from "../helpers/paths.js";

const work = mkdtempSync(path.join(tmpdir(), "rotation-chart-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe(`rotation chart on the real history`, () => {
  it("draws July 2024 in the terminal, within the width", () => {
    const result = runCli(["chart", "IWM:SPY", "--data", FIXTURE_PRICES, "--since", "2024-01-01", "--as-of", "2024-12-31", "--width", "100"]);
    expect(result.status).toBe(0);
    const plotted = result.stdout.split("\n").filter((l) => /[┼┤]/.test(l));
    expect(plotted.length).toBeGreaterThan(10);
    for (const line of plotted) expect([...line].length).toBeLessThanOrEqual(100);
    // The July surge is the chart's maximum: +10.06% at its peak, the top of the surge axis.
    expect(result.stdout).toMatch(/10\.\d%/);
    expect(result.stdout).toContain("▲");
    expectCleanOutput(result);
  });

  it("writes SVG and HTML files", () => {
    const svg = path.join(work, "out.svg");
    const html = path.join(work, "out.html");
    const result = runCli(["chart", "IWM:SPY", "--data", FIXTURE_PRICES, "--since", "2024-01-01", "--svg", svg, "--html", html]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`rotation: wrote ${svg}\nrotation: wrote ${html}\n`);
    const text = readFileSync(svg, "utf8");
    expect(XMLValidator.validate(text)).toBe(true);
    expect(text).toMatch(/class="episode small-surge"[^>]*>\s*<title>small-surge 2024-07-1\d\.\.2024-07-1\d, peak 10\.06% on 2024-07-17/);
    expect(readFileSync(html, "utf8")).not.toMatch(/https?:\/\//);
  });

  it("rrg --svg draws the quadrants", () => {
    const svg = path.join(work, "rrg.svg");
    const result = runCli(["rrg", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--svg", svg]);
    expect(result.status).toBe(0);
    const text = readFileSync(svg, "utf8");
    expect(XMLValidator.validate(text)).toBe(true);
    for (const q of ["Leading", "Weakening", "Lagging", "Improving"]) expect(text).toContain(`>${q}</text>`);
    // "Also write": the table is printed as without --svg.
    expect(result.stdout).toBe(runCli(["rrg", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16"]).stdout);
    expect(result.stdout).toMatch(/^Relative rotation against SPY as of 2024-07-16/);
  });

  it("refuses a bad pair or size with exit 2", () => {
    expect(runCli(["chart", "IWM"]).status).toBe(2);
    expect(runCli(["chart", "IWM:SPY,IJR:SPY"]).stderr).toMatch(/exactly one pair/);
    expect(runCli(["chart", "IWM:SPY", "--width", "5"]).stderr).toMatch(/--width must be a whole number from 40 to 1000/);
  });
});
