import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DataError } from "../../src/errors.js";
import { Journal, parseJournal } from "../../src/store/journal.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "rotation-journal-"));
});
afterEach(() => {
  chmodSync(dir, 0o700);
  rmSync(dir, { recursive: true, force: true });
});

const record = (asOf: string, extra: Record<string, unknown> = {}) => ({ asOf, configKey: "k", value: 1, ...extra });

describe("parseJournal", () => {
  it("separates records, malformed lines and a torn tail", () => {
    const read = parseJournal('{"a":1}\nnot json\n[1]\n\n{"b":2}\n{"c":');
    expect(read.records).toEqual([{ line: 1, record: { a: 1 } }, { line: 5, record: { b: 2 } }]);
    expect(read.malformed).toEqual([
      { line: 2, reason: "not valid JSON" },
      { line: 3, reason: "not a JSON object" },
      { line: 4, reason: "blank line" },
    ]);
    expect(read.torn).toBe('{"c":');
  });
});

describe("Journal.append", () => {
  it("writes one line per (date, configuration) and nothing twice", async () => {
    const journal = new Journal(path.join(dir, "sub", "j.jsonl"));
    expect((await journal.append(record("2024-07-15"), { replace: false })).outcome).toBe("appended");
    expect((await journal.append(record("2024-07-16"), { replace: false })).outcome).toBe("appended");
    expect((await journal.append(record("2024-07-16", { value: 2 }), { replace: false })).outcome).toBe("exists");
    expect((await journal.append(record("2024-07-16", { configKey: "other" }), { replace: false })).outcome).toBe("appended");
    const lines = readFileSync(journal.file, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.asOf, l.configKey, l.value])).toEqual([["2024-07-15", "k", 1], ["2024-07-16", "k", 1], ["2024-07-16", "other", 1]]);
    expect(statSync(journal.file).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, "sub")).mode & 0o777).toBe(0o700);
  });

  it("replaces a day's record in place with replace", async () => {
    const journal = new Journal(path.join(dir, "j.jsonl"));
    await journal.append(record("2024-07-15"), { replace: false });
    await journal.append(record("2024-07-16"), { replace: false });
    expect((await journal.append(record("2024-07-15", { value: 9 }), { replace: true })).outcome).toBe("replaced");
    const lines = readFileSync(journal.file, "utf8").split("\n");
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0]!).value).toBe(9);
    expect(lines[2]).toBe("");
  });

  it("sets a torn last line aside in .corrupt with a warning, losing no complete record", async () => {
    const file = path.join(dir, "j.jsonl");
    writeFileSync(file, `${JSON.stringify(record("2024-07-15"))}\n{"asOf":"2024-07-16","conf`);
    const journal = new Journal(file);
    const { outcome, warnings } = await journal.append(record("2024-07-16"), { replace: false });
    expect(outcome).toBe("appended");
    expect(warnings[0]).toMatch(/ended in an incomplete line \(26 bytes\); moved it to .*j\.jsonl\.corrupt/);
    expect(readFileSync(`${file}.corrupt`, "utf8")).toBe('{"asOf":"2024-07-16","conf\n');
    const lines = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.asOf)).toEqual(["2024-07-15", "2024-07-16"]);
  });

  it("a whole last record that lost only its newline is kept (truncate -s -1): read as a record, the newline added", async () => {
    const file = path.join(dir, "j.jsonl");
    writeFileSync(file, `${JSON.stringify(record("2024-07-15"))}\n${JSON.stringify(record("2024-07-16"))}`);
    const journal = new Journal(file);
    const read = await journal.read();
    expect(read.records.map((r) => (r.record as { asOf: string }).asOf)).toEqual(["2024-07-15", "2024-07-16"]);
    expect(read.torn).toBeNull();
    // Logging that day again finds it; another day is appended after the restored newline.
    const again = await journal.append(record("2024-07-16"), { replace: false });
    expect(again.outcome).toBe("exists");
    expect(again.warnings[0]).toMatch(/ended in a whole record without its newline; added the newline/);
    const next = await journal.append(record("2024-07-17"), { replace: false });
    expect(next).toEqual({ outcome: "appended", warnings: [] });
    expect(readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l).asOf)).toEqual(["2024-07-15", "2024-07-16", "2024-07-17"]);
    expect(() => readFileSync(`${file}.corrupt`)).toThrow(/ENOENT/);
  });

  it("fails with one line and leaves nothing behind when the folder is not writable", async () => {
    if (process.getuid?.() === 0) {
      // root ignores permissions; an impossible path (a file used as a folder) fails the same way.
      writeFileSync(path.join(dir, "file"), "x");
      const journal = new Journal(path.join(dir, "file", "j.jsonl"));
      await expect(journal.append(record("2024-07-16"), { replace: false })).rejects.toThrow(DataError);
      await expect(journal.append(record("2024-07-16"), { replace: false })).rejects.toThrow(/^cannot write journal .*file\/j\.jsonl \((ENOTDIR|EEXIST)\)$/);
      return;
    }
    mkdirSync(path.join(dir, "locked"));
    chmodSync(path.join(dir, "locked"), 0o500);
    const journal = new Journal(path.join(dir, "locked", "j.jsonl"));
    await expect(journal.append(record("2024-07-16"), { replace: false })).rejects.toThrow(/cannot (write|lock) journal/);
    expect(existsSync(journal.file)).toBe(false);
  });
});
