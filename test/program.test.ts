import { describe, expect, it } from "vitest";
import { buildProgram, commandWord } from "../src/program.js";
import type { Runtime } from "../src/runtime.js";

const quiet = { write: () => true };
const runtime: Runtime = { env: {}, cwd: "/", stdout: quiet, stderr: quiet, now: () => new Date(0), fetch: globalThis.fetch };
const build = (argv?: string[]) => buildProgram(runtime, () => undefined, argv);
const optionsOf = (argv: string[] | undefined, name: string) => build(argv).commands.find((c) => c.name() === name)!.options.map((o) => o.long);

describe("commandWord", () => {
  const program = build();
  it("skips the program's own options and their values", () => {
    expect(commandWord(["check", "--json"], program)).toBe("check");
    expect(commandWord(["--data", "check", "episodes"], program)).toBe("episodes");
    expect(commandWord(["--data=check", "rrg"], program)).toBe("rrg");
    expect(commandWord(["-q", "--no-pager", "--color", "never", "grid"], program)).toBe("grid");
    expect(commandWord(["--", "log"], program)).toBe("log");
  });
  it("gives help, a mistyped name, or nothing", () => {
    expect(commandWord(["help", "check"], program)).toBe("help");
    expect(commandWord(["chek"], program)).toBe("chek");
    expect(commandWord([], program)).toBeUndefined();
    expect(commandWord(["--help"], program)).toBeUndefined();
    expect(commandWord(["--bogus", "check"], program)).toBeUndefined();
  });
});

describe("buildProgram declares options where they are used", () => {
  it("the command being run gets all its options, the others only their names", () => {
    const program = build(["check", "--json"]);
    expect(program.commands.map((c) => c.name())).toEqual(build().commands.map((c) => c.name()));
    expect(optionsOf(["check", "--json"], "check")).toEqual(optionsOf(undefined, "check"));
    expect(optionsOf(["check", "--json"], "episodes")).toEqual([]);
  });
  it("help, completion, an unknown option first and no command line declare everything", () => {
    for (const argv of [["help", "episodes"], ["completion", "bash"], ["--bogus", "check"], ["--help"], []]) {
      expect(optionsOf(argv, "episodes")).toEqual(optionsOf(undefined, "episodes"));
      expect(optionsOf(argv, "check")).toEqual(optionsOf(undefined, "check"));
    }
  });
  it('a mistyped command declares names only: "did you mean" needs no more', () => {
    const program = build(["chek"]);
    expect(program.commands.map((c) => c.name())).toContain("check");
    expect(optionsOf(["chek"], "check")).toEqual([]);
  });
});
