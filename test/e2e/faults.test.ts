import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, ftruncateSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/run.js";
import { readCacheFile, writeCacheFile } from "../helpers/price-cache-file.js";
import { expectCleanOutput, runCli } from "../helpers/cli.js";
import { BIN, PROJECT_ROOT } from "../helpers/paths.js";
import { randomWalk, weekdays } from "../helpers/series.js";

const work = mkdtempSync(path.join(tmpdir(), "rotation-faults-"));
const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;
const dates = weekdays("2021-01-04", 300);
function folder(name: string): string {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  ["IWM", "IJR", "IJH", "SPY", "QQQ"].forEach((symbol, i) =>
    writeFileSync(path.join(dir, `${symbol}.csv`), `Date,Close\n${dates.map((d, k) => `${d},${randomWalk(i + 3, 300)[k]!.toFixed(4)}`).join("\n")}\n`),
  );
  return dir;
}
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("--partial", () => {
  it("without it, a missing ticker stops the run with exit 1", () => {
    const dir = folder("partial-off");
    rmSync(path.join(dir, "QQQ.csv"));
    expect(runCli(["check", "--data", dir]).status).toBe(1);
  });
  it("with it, the rest is computed and the missing ticker is named", () => {
    const dir = folder("partial-on");
    rmSync(path.join(dir, "QQQ.csv"));
    writeFileSync(path.join(dir, "IJH.csv"), "Date,Close\n2021-01-04,abc\n");
    const result = runCli(["check", "--data", dir, "--partial", "--json"]);
    expect(result.status).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.pairs.map((p: { pair: string }) => p.pair)).toEqual(["IWM:SPY", "IJR:SPY"]);
    expect(doc.tickers.map((t: { symbol: string }) => t.symbol)).toEqual(["IWM", "IJR", "SPY"]);
    expect(result.stderr).toMatch(/warning: no data for QQQ in .* \(left out: --partial\)/);
    expect(result.stderr).toMatch(/warning: .*IJH\.csv:2: price "abc" is not a number \(--lenient skips bad rows, each with a warning\) \(left out: --partial\)/);
  });
  it("with nothing left to compare, still fails", () => {
    const dir = folder("partial-empty");
    rmSync(path.join(dir, "SPY.csv"));
    const result = runCli(["check", "--data", dir, "--partial", "--pairs", "IWM:SPY"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/nothing left to compare/);
  });
});

describe("hostile input", () => {
  it("refuses a price file over the size limit without reading it", () => {
    const dir = folder("huge");
    const fd = openSync(path.join(dir, "SPY.csv"), "w");
    ftruncateSync(fd, 65 * 1024 * 1024);
    closeSync(fd);
    const result = runCli(["check", "--data", dir]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/SPY\.csv: 68157440 bytes is larger than the 64 MiB limit for a price file/);
  });

  it("refuses a link that leads out of the data folder", () => {
    const dir = folder("links");
    writeFileSync(path.join(work, "outside.csv"), "Date,Close\n2021-01-04,1\n");
    rmSync(path.join(dir, "SPY.csv"));
    symlinkSync(path.join(work, "outside.csv"), path.join(dir, "SPY.csv"));
    const result = runCli(["check", "--data", dir]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/SPY\.csv: is a link to .*outside\.csv, outside the data folder; refused/);
  });

  it("never lets a control character from a file reach the terminal", () => {
    const dir = folder("ansi");
    writeFileSync(path.join(dir, "IJH.csv"), "Date,Close\n2021-01-04,\u001b[31mred\u0007\n");
    const result = runCli(["check", "--data", dir]);
    expect(result.status).toBe(1);
    expect(result.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(result.stderr).toMatch(/IJH\.csv:2: price "\?\[31mred\?" is not a number/);
  });

  it("refuses a path with a NUL byte as a usage error", async () => {
    const err: string[] = [];
    const runtime = {
      env: {},
      cwd: work,
      stdout: { write: () => true },
      stderr: { write: (t: string) => err.push(t) },
      now: () => new Date(),
      fetch: async () => new Response("", { status: 500 }),
    };
    expect(await run(["check", "--data", "a\u0000b"], runtime)).toBe(2);
    expect(err.join("")).toBe("rotation: --data: a path cannot contain a NUL byte\n");
    expect(await run(["history", "--journal", "j\u0000"], runtime)).toBe(2);
  });

  it("reads a journal of garbage as malformed lines, never crashing", () => {
    const journal = path.join(work, "garbage.jsonl");
    writeFileSync(journal, Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 131) % 256)));
    const result = runCli(["history", "--journal", journal]);
    expect(result.status).toBe(0);
    expectCleanOutput(result);
  });
});

describe("a Node without WebAssembly (node --jitless)", () => {
  it("is one line saying so, exit 1, and nothing on stdout", () => {
    const result = spawnSync(process.execPath, ["--jitless", BIN, "check", "--sample", "--json"], { encoding: "utf8" });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    // V8 itself may warn first that --jitless turns WebAssembly off; ours is the last line.
    expect(result.stderr.trimEnd().split("\n").at(-1)).toBe("rotation: this Node runs without WebAssembly (--jitless?), which rotation's computations need; run it without that flag");
    expect(result.stderr).not.toMatch(/internal error|at .*\.c?js:\d+/);
  });
});

describe("a standard output that cannot be written", () => {
  // /dev/full answers every write with ENOSPC, as a full disk under `rotation log --json > f` would.
  it.runIf(existsSync("/dev/full"))("is one line naming the reason, exit 1, for a report, a table and --version", () => {
    for (const args of [["check", "--sample", "--json"], ["episodes", "--sample", "--pairs", "IWM:SPY"], ["--version"]]) {
      const result = spawnSync("bash", ["-c", `${quote(process.execPath)} ${quote(BIN)} ${args.join(" ")} > /dev/full`], { encoding: "utf8" });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe("rotation: cannot write to standard output (ENOSPC: no space left on the device)\n");
    }
  });

  it("is one line, exit 1, when stdout is a file opened only for reading", () => {
    for (const args of [["check", "--sample", "--json"], ["--version"]]) {
      const result = spawnSync("bash", ["-c", `${quote(process.execPath)} ${quote(BIN)} ${args.join(" ")} 1< ${quote(path.join(PROJECT_ROOT, "package.json"))}`], { encoding: "utf8" });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe("rotation: cannot write to standard output (EBADF: not open for writing)\n");
    }
  });
});

describe("Ctrl-C in the middle of a download", () => {
  let cacheDir: string;
  beforeAll(() => {
    cacheDir = path.join(work, "sigint-cache");
    mkdirSync(cacheDir);
    // An older, complete cache file that the interrupted run must leave old or replace whole.
    writeCacheFile(path.join(cacheDir, "IWM.bin"), { symbol: "IWM", fetchedAt: "2020-01-01T00:00:00.000Z", timezone: "America/New_York", dates: ["2019-12-31"], close: [1], adjclose: [1], events: [] });
  });

  it("exits 130 and leaves every cache file whole", async () => {
    // The real entry point (the built bundle bin/rotation.js loads), with a fetch that hangs, as a slow network would.
    const script = `
      import { createRequire } from "node:module";
      const { main } = createRequire(import.meta.url)(${JSON.stringify(path.join(PROJECT_ROOT, "dist/cli.cjs"))});
      const body = JSON.stringify(${JSON.stringify(JSON.stringify({ chart: { result: null, error: null } }))});
      let calls = 0;
      await main({ fetch: (input, init) => new Promise((resolve, reject) => {
        if (++calls === 1) process.stdout.write("started\\n");
        setInterval(() => undefined, 1000); // an open socket keeps a real process alive the same way
        init?.signal?.addEventListener("abort", () => reject(init.signal.reason));
      }) });`;
    // With -e there is no script path in argv, so a placeholder stands where main() expects it.
    const child = spawn(process.execPath, ["--input-type=module", "-e", script, "rotation", "check", "--timeout", "60"], {
      env: { PATH: process.env.PATH ?? "", ROTATION_CACHE_DIR: cacheDir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    child.kill("SIGINT");
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(code).toBe(130);
    expect(stderr).toMatch(/rotation: interrupted/);
    for (const file of readdirSync(cacheDir)) {
      expect(file.endsWith(".bin")).toBe(true);
      expect(() => readCacheFile(path.join(cacheDir, file))).not.toThrow();
    }
    expect(readCacheFile(path.join(cacheDir, "IWM.bin")).dates).toEqual(["2019-12-31"]);
  }, 30_000);
});
