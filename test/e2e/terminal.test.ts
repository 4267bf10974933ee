import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, FIXTURE_PRICES, PROJECT_ROOT } from "../helpers/paths.js";

/**
 * The CLI in a real terminal: tmux (from Debian; .ci/run installs it) runs each command at
 * 80x24 and 120x40, and the screen it leaves is read back with capture-pane.
 */
const home = mkdtempSync(path.join(tmpdir(), "rotation-tmux-"));
const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;

// A private tmux server (its own socket, no user config), kept alive by one idle session for the
// whole file: with the shared default server, killing the last session makes the server exit
// while the next test's new-session may be connecting to it, and that session is never created.
const SOCKET = path.join(home, "tmux.sock");
const tmux = (...args: string[]) => spawnSync("tmux", ["-S", SOCKET, "-f", "/dev/null", ...args], { encoding: "utf8" });

beforeAll(() => {
  const keeper = tmux("new-session", "-d", "-s", "keeper", "sleep", "3600");
  if (keeper.status !== 0) throw new Error(`tmux could not start: ${keeper.stderr || keeper.error?.message}`);
});
afterAll(() => {
  tmux("kill-server");
  rmSync(SOCKET, { force: true });
});

function inTerminal(args: string[], columns: number, rows: number, extraEnv: Record<string, string> = {}): string[] {
  const session = `rotation-${Math.random().toString(36).slice(2, 10)}`;
  const env = { HOME: home, XDG_CACHE_HOME: path.join(home, "cache"), XDG_DATA_HOME: path.join(home, "data"), XDG_CONFIG_HOME: path.join(home, "config"), TERM: "xterm-256color", ...extraEnv };
  const exports = Object.entries(env).map(([k, v]) => `export ${k}=${quote(v)};`).join(" ");
  const script = `${exports} cd ${quote(PROJECT_ROOT)}; ${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(" ")}; echo __DONE__; sleep 60`;
  const created = tmux("new-session", "-d", "-s", session, "-x", String(columns), "-y", String(rows), "bash", "-c", script);
  expect(created.status, `tmux new-session: ${created.stderr}`).toBe(0);
  tmux("set-option", "-t", session, "history-limit", "5000");
  let screen = "";
  // Up to 20 s: on a loaded two-core machine a run can take seconds to reach the screen.
  for (const deadline = Date.now() + 20_000; Date.now() < deadline && !screen.includes("__DONE__"); ) {
    spawnSync("sleep", ["0.05"]);
    screen = tmux("capture-pane", "-p", "-J", "-S", "-", "-t", session).stdout ?? "";
  }
  // What the pane was doing, in case the run never finished: says whether it hung or died.
  const pane = tmux("list-panes", "-t", session, "-F", "dead=#{pane_dead} command=#{pane_current_command}");
  tmux("kill-session", "-t", session);
  expect(screen, `${pane.stdout}${pane.stderr}`).toContain("__DONE__");
  return screen.split("\n").filter((line) => line !== "__DONE__");
}

/** A valuation store with a year and a half of P/E, so that valuation draws its tables. */
const STORE = path.join(home, "valuation.jsonl");
const JOURNAL = path.join(home, "journal.jsonl");
const DRIVERS_DATA = path.join(PROJECT_ROOT, "fixtures", "drivers");

/**
 * Every command, and the columns that answer its question: they must stay on an 80-column
 * screen (the decorative and repeated ones go first); at 120 columns, more of them.
 */
const COMMANDS: { args: string[]; at80: string[]; at120: string[] }[] = [
  { args: ["check", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16"], at80: ["Pair", "Surge 5D", "Pctile", "Signal", "1D"], at120: ["z", "Largest gain since", "RRG"] },
  { args: ["episodes", "--data", FIXTURE_PRICES, "--pairs", "IWM:SPY", "--since", "2024-01-01", "--as-of", "2024-12-31"], at80: ["Start", "Pctile", "Fwd 21D", "Fwd 63D", "Verdict"], at120: ["z", "Fwd 5D", "Peak surge"] },
  { args: ["rrg", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16"], at80: ["Quadrant", "Travel (last 8)", "RS-Ratio"], at120: ["RS-Momentum", "Tail"] },
  { args: ["grid", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16"], at80: ["value", "blend", "growth"], at120: [] },
  { args: ["drivers", "--data", DRIVERS_DATA, "--pairs", "IWM:SPY", "--as-of", "2024-07-16"], at80: ["Driver", "Corr", "Pctile"], at120: ["90% interval", "Beta"] },
  { args: ["valuation", "--store", STORE, "--offline", "--as-of", "2024-07-16", "--history", "none"], at80: ["Pair", "Spread", "Pctile"], at120: ["Ratio"] },
  { args: ["chart", "IWM:SPY", "--data", FIXTURE_PRICES, "--as-of", "2024-09-30"], at80: [], at120: [] },
  { args: ["history", "--journal", JOURNAL], at80: ["Pair", "Surge", "Signal"], at120: ["Pctile"] },
  { args: ["config"], at80: [], at120: [] },
];

/** The headers of every table on the screen: the cells of each line that follows a top border. */
function headers(lines: readonly string[]): string[] {
  return lines.flatMap((line, i) => (i > 0 && /^┌/.test(lines[i - 1] ?? "") ? line.split("│").map((cell) => cell.trim()).filter((cell) => cell !== "") : []));
}

describe("every command fits the terminal (tmux)", () => {
  beforeAll(() => {
    const rows = ["Date,Symbol,TrailingPE,ForwardPE"];
    for (let t = Date.UTC(2023, 0, 2), i = 0; t <= Date.UTC(2024, 6, 16); t += 86_400_000, i++) {
      const day = new Date(t);
      if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue;
      const date = day.toISOString().slice(0, 10);
      for (const [symbol, base] of [["IWM", 15], ["SPY", 24], ["IJR", 14], ["IJH", 17]] as const) rows.push(`${date},${symbol},${(base + (i % 7) * 0.3).toFixed(2)},${(base - 1 + (i % 5) * 0.2).toFixed(2)}`);
    }
    const csv = path.join(home, "pe.csv");
    writeFileSync(csv, `${rows.join("\n")}\n`);
    expect(spawnSync(process.execPath, [BIN, "valuation", "import", csv, "--store", STORE]).status).toBe(0);
    expect(spawnSync(process.execPath, [BIN, "log", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--journal", JOURNAL]).status).toBe(0);
  });

  for (const [columns, rows] of [[80, 24], [120, 40]] as const) {
    for (const { args, at80, at120 } of COMMANDS) {
      it(`${args[0]} at ${columns}x${rows}: no line wider than the screen, the answering columns kept`, () => {
        // -J joins lines the terminal wrapped: a line longer than the width is caught, not hidden.
        const lines = inTerminal([...args, "--no-pager"], columns, rows);
        const longest = Math.max(...lines.map((line) => [...line].length));
        expect(longest, lines.find((line) => [...line].length > columns)).toBeLessThanOrEqual(columns);
        expect(lines.join("\n")).not.toMatch(/\bNaN\b|\bundefined\b/);
        const shown = headers(lines);
        for (const header of columns === 80 ? at80 : [...at80, ...at120]) expect(shown, `${args[0]} at ${columns}: ${header}`).toContain(header);
        // A column's legend only where the column is: the RRG's tail codes.
        if (args[0] === "rrg") expect(lines.some((line) => line.startsWith("Tail, oldest first"))).toBe(shown.includes("Tail"));
        // A date the same on every row is in the title, not a column.
        if (args[0] === "check" || args[0] === "rrg") expect(shown).not.toContain("Date");
      }, 30_000);
    }
  }

  it("the chart's top stays on a 24-row screen", () => {
    const lines = inTerminal(["chart", "IWM:SPY", "--data", FIXTURE_PRICES, "--as-of", "2024-09-30", "--no-pager"], 80, 24).filter((l) => l.trim() !== "");
    expect(lines.length).toBeLessThanOrEqual(23);
    expect(lines[0]).toMatch(/^IWM\/SPY rebased to 100/);
  });

  it("long output goes through the pager on a terminal, and not with --no-pager", () => {
    const pager = path.join(home, "pager.sh");
    writeFileSync(pager, "#!/bin/sh\necho PAGED; cat >/dev/null\n", { mode: 0o755 });
    const paged = inTerminal(["episodes", "--data", FIXTURE_PRICES, "--pairs", "IWM:SPY"], 120, 40, { ROTATION_PAGER: pager });
    expect(paged).toContain("PAGED");
    const plain = inTerminal(["episodes", "--data", FIXTURE_PRICES, "--pairs", "IWM:SPY", "--no-pager"], 120, 40, { ROTATION_PAGER: pager });
    expect(plain).not.toContain("PAGED");
    // Short output is not paged.
    expect(inTerminal(["config"], 120, 40, { ROTATION_PAGER: pager })).not.toContain("PAGED");
  });
});

describe("pipes", () => {
  it("a closed stdout ends the run quietly with exit 0 (rotation ... | head -1)", () => {
    for (const args of [["episodes", "--json"], ["episodes", "--format", "csv"], ["episodes"]]) {
      const result = spawnSync("bash", ["-c", `set -o pipefail; ${quote(process.execPath)} ${quote(BIN)} ${args.join(" ")} --data ${quote(FIXTURE_PRICES)} | head -1`], { encoding: "utf8" });
      expect(result.status).toBe(0);
      expect(result.stderr).toBe("");
      expect(result.stdout.split("\n")).toHaveLength(2);
    }
  });

  it("a slow reader still gets every byte, and the exit code, before the process exits", () => {
    // Half a megabyte of JSON written at once (a pipe holds 64 KiB), read after a pause.
    const args = `rrg --json --data ${quote(FIXTURE_PRICES)} --symbols IWM,IJR,IJH,QQQ,IJS,IJT,IJJ,IJK,IVE,IVW,IWN,IWO,IWR,IWP,IWD,IWB,IWF --tail 200`;
    const whole = spawnSync("bash", ["-c", `${quote(process.execPath)} ${quote(BIN)} ${args}`], { encoding: "utf8", maxBuffer: 1 << 26 });
    expect(whole.status).toBe(0);
    expect(whole.stdout.length).toBeGreaterThan(65_536);
    const slow = spawnSync("bash", ["-c", `set -o pipefail; ${quote(process.execPath)} ${quote(BIN)} ${args} 2> >(sleep 0.3; cat >&2) | (sleep 0.5; cat)`], { encoding: "utf8", maxBuffer: 1 << 26 });
    expect(slow.status).toBe(0);
    expect(slow.stdout).toBe(whole.stdout);
    expect(slow.stderr).toBe(whole.stderr);
  });

  it("a non-blocking pipe that fills up still gets every byte", () => {
    // perl (Debian's perl-base; .ci/run checks for it) makes the pipe non-blocking, then execs
    // the CLI on it: the reader waits, so the pipe fills and a direct write meets EAGAIN. (A
    // Node parent cannot do this: libuv makes a child's stdio blocking.)
    const nonBlocking = `perl -MFcntl -e 'fcntl(STDOUT, F_SETFL, fcntl(STDOUT, F_GETFL, 0) | O_NONBLOCK) or die; exec @ARGV'`;
    const args = `rrg --json --data ${quote(FIXTURE_PRICES)} --symbols IWM,IJR,IJH,QQQ,IJS,IJT,IJJ,IJK,IVE,IVW,IWN,IWO,IWR,IWP,IWD,IWB,IWF --tail 200`;
    const whole = spawnSync("bash", ["-c", `${quote(process.execPath)} ${quote(BIN)} ${args}`], { encoding: "utf8", maxBuffer: 1 << 26 });
    expect(whole.stdout.length).toBeGreaterThan(4 * 65_536);
    const slow = spawnSync("bash", ["-c", `set -o pipefail; ${nonBlocking} ${quote(process.execPath)} ${quote(BIN)} ${args} | (sleep 0.5; cat)`], { encoding: "utf8", maxBuffer: 1 << 26 });
    expect(slow.stderr).toBe(whole.stderr);
    expect(slow.status).toBe(0);
    expect(slow.stdout).toBe(whole.stdout);
  });

  it("a report past 1 MiB arrives whole and in order, to a file or a slow pipe", () => {
    const args = `rrg --json --period daily --tail 520 --data ${quote(FIXTURE_PRICES)} --symbols IWM,IJR,IJH,QQQ,IJS,IJT,IJJ,IJK,IVE,IVW,IWN,IWO,IWR,IWP,IWD,IWB,IWF`;
    const file = path.join(home, "long.json");
    const toFile = spawnSync("bash", ["-c", `${quote(process.execPath)} ${quote(BIN)} ${args} > ${quote(file)}`], { encoding: "utf8" });
    expect(toFile.status).toBe(0);
    const written = readFileSync(file, "utf8");
    expect(written.length).toBeGreaterThan(1 << 20);
    expect(JSON.parse(written).schemaVersion).toBe(1);
    const slow = spawnSync("bash", ["-c", `set -o pipefail; ${quote(process.execPath)} ${quote(BIN)} ${args} | (sleep 0.3; cat)`], { encoding: "utf8", maxBuffer: 1 << 26 });
    expect(slow.status).toBe(0);
    expect(slow.stdout).toBe(written);
  });

  it("commander's own errors are one line, with the suggestion", () => {
    const result = spawnSync(process.execPath, [BIN, "chek"], { encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("rotation: unknown command 'chek' (Did you mean check?)\n");
  });
});
