import { chmodSync, existsSync, mkdtempSync, readdirSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "./helpers/paths.js";
import { codeCacheCommand, codeCacheFile, requireWithCodeCache, worthCaching } from "../src/boot/code-cache.js";

/** A CommonJS file whose exports show that it ran, with what it was given. */
function moduleFile(folder: string, body = "x"): string {
  const file = path.join(folder, "entry.cjs");
  writeFileSync(file, `"use strict";\nconst p = require("node:path");\nexports.name = p.basename(__filename);\nexports.dir = __dirname;\nexports.answer = function answer(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; };\nexports.body = ${JSON.stringify(body)};\n`);
  return file;
}

const caches = (folder: string) => (existsSync(folder) ? readdirSync(folder).filter((name) => name.endsWith(".v8")) : []);

/**
 * One load in a process of its own, as a real run is: within one process V8 remembers what it
 * compiled, and a second load of the same source would never look at the cache file.
 */
function loadInChild(file: string, buildHash: string, folder: string, command: string): { state: string; saved: boolean; answer: number; name: string; dir: string } {
  const script = `
    import { requireWithCodeCache } from ${JSON.stringify(path.join(PROJECT_ROOT, "dist/boot/code-cache.js"))};
    const loaded = requireWithCodeCache(...${JSON.stringify([file, buildHash, folder, command])});
    const answer = loaded.exports.answer(5);
    console.log(JSON.stringify({ state: loaded.state, saved: loaded.save(), answer, name: loaded.exports.name, dir: loaded.exports.dir }));`;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  if (child.status !== 0) throw new Error(child.stderr);
  return JSON.parse(child.stdout) as ReturnType<typeof loadInChild>;
}

/** A module in a fresh folder, loaded once so that its cache is written: where each lies. */
function cachedOnce(): { root: string; file: string; folder: string; cacheFile: string } {
  const root = mkdtempSync(path.join(tmpdir(), "code-cache-"));
  const file = moduleFile(root);
  const folder = path.join(root, "code");
  loadInChild(file, "abc123", folder, "check");
  const [name] = caches(folder);
  return { root, file, folder, cacheFile: path.join(folder, name!) };
}

describe("requireWithCodeCache", () => {
  it("runs the file as require would, writes the cache after the run and uses it the next time", () => {
    const root = mkdtempSync(path.join(tmpdir(), "code-cache-"));
    const file = moduleFile(root);
    const folder = path.join(root, "cache", "code");
    const first = loadInChild(file, "abc123", folder, "check");
    expect(first).toEqual({ state: "absent", saved: true, answer: 10, name: "entry.cjs", dir: root });
    const written = caches(folder);
    expect(written).toHaveLength(1);
    expect(statSync(path.join(folder, written[0]!)).mode & 0o777).toBe(0o600);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(readdirSync(folder).filter((name) => name.endsWith(".tmp"))).toEqual([]);
    // Used, and not written again.
    expect(loadInChild(file, "abc123", folder, "check")).toMatchObject({ state: "used", saved: false, answer: 10 });
    expect(caches(folder)).toEqual(written);
  });

  it("refuses a corrupt cache (V8 checks it), runs the file all the same and replaces the cache", () => {
    const { file, folder, cacheFile } = cachedOnce();
    writeFileSync(cacheFile, Buffer.alloc(4096, 7), { mode: 0o600 });
    expect(loadInChild(file, "abc123", folder, "check")).toMatchObject({ state: "rejected", saved: true, answer: 10 });
    expect(loadInChild(file, "abc123", folder, "check")).toMatchObject({ state: "used", answer: 10 });
  });

  it("never reads a cache that others could have written", () => {
    const { file, folder, cacheFile } = cachedOnce();
    chmodSync(cacheFile, 0o666);
    expect(loadInChild(file, "abc123", folder, "check")).toMatchObject({ state: "untrusted", answer: 10 });
  });

  it("names a cache by the build, the file's size and time, the runtime and the command", () => {
    const folder = "/c";
    const source = { file: "/p/dist/entry.cjs", buildHash: "0123abcd", size: 1000, mtimeMs: 1700000000000.5 };
    const name = codeCacheFile(folder, source, "check");
    expect(path.dirname(name)).toBe(folder);
    expect(path.basename(name)).toBe(`entry-0123abcd-${(1000).toString(36)}-${(1700000000000).toString(36)}-node${process.versions.node}-${process.arch}-check.v8`);
    expect(codeCacheFile(folder, { ...source, buildHash: "0123abce" }, "check")).not.toBe(name);
    expect(codeCacheFile(folder, { ...source, size: 1001 }, "check")).not.toBe(name);
    expect(codeCacheFile(folder, { ...source, mtimeMs: 1700000000001 }, "check")).not.toBe(name);
    expect(codeCacheFile(folder, source, "episodes")).not.toBe(name);
  });

  it("a file edited in place (same length, new time) never meets the old cache", () => {
    const root = mkdtempSync(path.join(tmpdir(), "code-cache-"));
    const folder = path.join(root, "code");
    const file = moduleFile(root, "x");
    loadInChild(file, "abc123", folder, "check");
    moduleFile(root, "y");
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(loadInChild(file, "abc123", folder, "check").state).toBe("absent");
    expect(caches(folder)).toHaveLength(1);
  });

  it("a new build's cache replaces the old build's for the same command; other commands' stay", () => {
    const root = mkdtempSync(path.join(tmpdir(), "code-cache-"));
    const folder = path.join(root, "code");
    const file = moduleFile(root);
    loadInChild(file, "aaaa", folder, "check");
    loadInChild(file, "aaaa", folder, "episodes");
    writeFileSync(path.join(folder, "notes.txt"), "someone else's");
    loadInChild(file, "bbbb", folder, "check");
    const names = readdirSync(folder).sort();
    expect(names).toHaveLength(3);
    expect(names).toContain("notes.txt");
    expect(names.filter((name) => name.includes("-bbbb-") && name.endsWith("-check.v8"))).toHaveLength(1);
    expect(names.filter((name) => name.includes("-aaaa-") && name.endsWith("-episodes.v8"))).toHaveLength(1);
  });

  it("a folder that cannot be written costs nothing but the cache", () => {
    const root = mkdtempSync(path.join(tmpdir(), "code-cache-"));
    const file = moduleFile(root);
    const blocker = path.join(root, "a-file");
    writeFileSync(blocker, "");
    const loaded = requireWithCodeCache<{ answer(n: number): number }>(file, "abc123", path.join(blocker, "code"), "check");
    expect(loaded.exports.answer(3)).toBe(3);
    expect(loaded.save()).toBe(false);
  });
});

describe("which runs keep a cache", () => {
  it("keys the cache by the command word", () => {
    expect(codeCacheCommand(["check", "--json"])).toBe("check");
    expect(codeCacheCommand(["episodes"])).toBe("episodes");
    expect(codeCacheCommand(["--no-color", "check"])).toBe("main");
    expect(codeCacheCommand([])).toBe("main");
    expect(codeCacheCommand(["../x"])).toBe("main");
  });
  it("keeps the code of complete runs only", () => {
    expect(worthCaching(["check"], 0)).toBe(true);
    expect(worthCaching(["check"], 3)).toBe(true);
    expect(worthCaching(["check"], 1)).toBe(false);
    expect(worthCaching(["check"], 2)).toBe(false);
    expect(worthCaching(["check", "--help"], 0)).toBe(false);
    expect(worthCaching(["check", "-h"], 0)).toBe(false);
    expect(worthCaching(["help", "check"], 0)).toBe(false);
  });
});
