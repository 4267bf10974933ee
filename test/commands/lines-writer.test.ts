import { describe, expect, it } from "vitest";
import { linesWriter } from "../../src/commands/episodes.js";

describe("the writer of a streamed run's lines", () => {
  it("writes text as text, a worker's UTF-8 as bytes where the stream takes them, and decodes it where it does not (a terminal, a pager)", () => {
    const line = '{"pair":"IWM:SPY","note":"a résumé — “quoted”"}\n';
    const bytes = new TextEncoder().encode(line);
    const asBytes: (string | Uint8Array)[] = [];
    const direct = linesWriter({ write: (text) => asBytes.push(text), writeBytes: (b) => asBytes.push(b) });
    direct(line);
    direct(bytes);
    expect(asBytes).toEqual([line, bytes]);
    const asText: string[] = [];
    const terminal = linesWriter({ write: (text) => asText.push(text) });
    terminal(bytes);
    terminal(line);
    expect(asText).toEqual([line, line]);
  });
});

describe("a streamed episodes run's output, through run()", () => {
  const runOnce = async (workers: string, tty: boolean) => {
    const { run } = await import("../../src/run.js");
    const text: string[] = [];
    const bytes: Uint8Array[] = [];
    const quiet = { write: () => undefined };
    const code = await run(["episodes", "--sample", "--format", "ndjson", "--no-pager"], {
      env: { ROTATION_WORKERS: workers },
      cwd: "/",
      stdout: { isTTY: tty, ...(tty ? { columns: 400, rows: 50 } : {}), write: (t: string) => text.push(t), writeBytes: (b: Uint8Array) => bytes.push(b) },
      stderr: quiet,
      now: () => new Date("2026-12-04T12:00:00Z"),
      fetch: globalThis.fetch,
    });
    return { code, text: text.join(""), bytes: Buffer.concat(bytes).toString("utf8") };
  };

  it("is the same lines whether a worker's bytes go out as they are (a pipe) or as text (a terminal)", async () => {
    const alone = await runOnce("0", false);
    expect(alone.code).toBe(0);
    expect(alone.bytes).toBe("");
    expect(alone.text.split("\n").length).toBeGreaterThan(10);
    const piped = await runOnce("1", false);
    expect(piped.text).toBe("");
    expect(piped.bytes).toBe(alone.text);
    const terminal = await runOnce("1", true);
    expect(terminal.bytes).toBe("");
    expect(terminal.text).toBe(alone.text);
  });
});
