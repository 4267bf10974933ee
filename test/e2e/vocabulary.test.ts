import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { closedPort } from "../helpers/net.js";
import { FIXTURE_PRICES } from "../helpers/paths.js";

const asOf = ["--as-of", "2024-07-16"];

describe("the same concept has the same flag everywhere", () => {
  it("global options before the command: rotation --data DIR check", () => {
    const before = runCli(["--data", FIXTURE_PRICES, "check", ...asOf, "--json"]);
    const after = runCli(["check", "--data", FIXTURE_PRICES, ...asOf, "--json"]);
    expect(before.status).toBe(0);
    expect(before.stdout).toBe(after.stdout);
    expect(runCli(["--sample", "rrg", ...asOf, "--json"]).status).toBe(0);
  });

  it("-q silences warnings and status lines, never errors; -j is --json", () => {
    const data = ["--data", FIXTURE_PRICES, "--as-of", "2000-09-01", "--pairs", "IWM:SPY"];
    expect(runCli(["check", ...data]).stderr).toMatch(/^warning: /m);
    const quiet = runCli(["check", ...data, "-q", "-j"]);
    expect(quiet.status).toBe(0);
    expect(quiet.stderr).toBe("");
    expect(JSON.parse(quiet.stdout).asOf).toBe("2000-09-01");
    expect(runCli(["-q", "check", "--window", "0"]).stderr).toMatch(/^rotation: --window must be/);
  });

  it("--color always|never|auto, beside --no-color", () => {
    const base = ["check", "--data", FIXTURE_PRICES, ...asOf, "--pairs", "IWM:SPY"];
    expect(runCli([...base, "--color", "always"]).stdout).toMatch(/\u001b\[/);
    expect(runCli([...base, "--color", "never"], { FORCE_COLOR: "1" }).stdout).not.toMatch(/\u001b\[/);
    expect(runCli([...base, "--color", "auto"]).stdout).not.toMatch(/\u001b\[/);
    expect(runCli([...base, "--color", "sometimes"]).status).toBe(2);
  });

  it("rrg --pairs is --symbols with one --benchmark; history accepts the source options", () => {
    const pairs = runCli(["rrg", "--data", FIXTURE_PRICES, ...asOf, "--pairs", "IWM:SPY,IJR:SPY", "--json"]);
    const symbols = runCli(["rrg", "--data", FIXTURE_PRICES, ...asOf, "--symbols", "IWM,IJR", "--benchmark", "SPY", "--json"]);
    expect(pairs.stdout).toBe(symbols.stdout);
    expect(runCli(["rrg", "--pairs", "IWM:SPY,IJR:QQQ"]).stderr).toMatch(/one benchmark, got SPY and QQQ/);
    expect(runCli(["history", "--data", FIXTURE_PRICES, "--offline", "--timeout", "5"]).status).toBe(0);
  });
});

describe("the bundled sample for chart and grid too", () => {
  it("falls back when Yahoo is unreachable, saying so", async () => {
    const offline = { ROTATION_YAHOO_URL: `http://127.0.0.1:${await closedPort()}` };
    const chart = runCli(["chart", "IWM:SPY", "--as-of", "2024-09-30"], offline);
    expect(chart.status).toBe(0);
    expect(chart.stderr).toMatch(/showing the bundled sample/);
    const grid = runCli(["grid", "--json"], offline);
    expect(grid.status).toBe(0);
    expect(JSON.parse(grid.stdout).source.kind).toBe("sample");
  });
});
