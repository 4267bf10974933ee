import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { replaceCacheFile } from "../src/fs-write.js";

describe("replaceCacheFile", () => {
  it("replaces the target whole, owner-only, leaving no temporary file", () => {
    const folder = mkdtempSync(path.join(tmpdir(), "cache-write-"));
    const target = path.join(folder, "a.bin");
    writeFileSync(target, "old");
    expect(replaceCacheFile(target, Buffer.from("new contents"))).toBe(true);
    expect(readFileSync(target, "utf8")).toBe("new contents");
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readdirSync(folder)).toEqual(["a.bin"]);
  });

  it("never writes through a link planted under its temporary name, and leaves the target as it was", () => {
    const folder = mkdtempSync(path.join(tmpdir(), "cache-write-"));
    const target = path.join(folder, "a.bin");
    writeFileSync(target, "old");
    const victim = path.join(folder, "victim.txt");
    writeFileSync(victim, "precious");
    symlinkSync(victim, `${target}.${process.pid}.tmp`);
    expect(replaceCacheFile(target, Buffer.from("new"))).toBe(false);
    expect(readFileSync(victim, "utf8")).toBe("precious");
    expect(readFileSync(target, "utf8")).toBe("old");
  });

  it("says false, without throwing, where nothing can be written", () => {
    const folder = mkdtempSync(path.join(tmpdir(), "cache-write-"));
    const locked = path.join(folder, "locked");
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    const gone = path.join(folder, "missing", "a.bin");
    expect(replaceCacheFile(gone, Buffer.from("x"))).toBe(false);
    expect(existsSync(path.dirname(gone))).toBe(false);
    // Root may write into a read-only folder; either way nothing is thrown and nothing is half-written.
    const result = replaceCacheFile(path.join(locked, "a.bin"), Buffer.from("x"));
    expect(readdirSync(locked).filter((name) => name.endsWith(".tmp"))).toEqual([]);
    if (result) expect(readFileSync(path.join(locked, "a.bin"), "utf8")).toBe("x");
  });
});
