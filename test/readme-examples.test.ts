import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { examplesOf, README, runExample } from "../scripts/readme-examples.mjs";

const examples = examplesOf(readFileSync(README, "utf8"));

describe("README examples are what the commands print", () => {
  it("has examples to check: the first check, JSON, episodes, rrg, grid, chart", () => {
    const commands = examples.map((e) => e.args[0]);
    for (const command of ["check", "episodes", "rrg", "grid", "chart"]) expect(commands).toContain(command);
    expect(examples.some((e) => e.args.includes("--json"))).toBe(true);
  });

  // Byte for byte (the clock is pinned; the repository's path is the one declared volatile part).
  it.each(examples.map((e) => [`line ${e.line}: rotation ${e.args.join(" ")}`, e] as const))("%s", (_, example) => {
    expect(runExample(example)).toBe(example.shown);
  });
});
