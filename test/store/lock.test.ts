import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DataError } from "../../src/errors.js";
import { acquireLock } from "../../src/store/lock.js";

describe("acquireLock", () => {
  it("a run whose lock was taken over (paused past the stale limit) finds out before writing", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "rotation-lock-")), "j.jsonl");
    const first = await acquireLock(file, "journal");
    first.assertOwned();
    // What a second run does once the first has been paused for longer than the stale limit.
    rmSync(`${file}.lock`, { recursive: true });
    const second = await acquireLock(file, "journal");
    expect(() => first.assertOwned()).toThrow(DataError);
    expect(() => first.assertOwned()).toThrow(/^lost the lock .*j\.jsonl\.lock \(this run was paused past 15 s and another run took it over\); nothing written, run again$/);
    second.assertOwned();
    await second.release();
    await first.release();
  });

  it("a waiting run says who holds the lock, and gets it when released", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "rotation-lock-")), "j.jsonl");
    const held = await acquireLock(file, "journal");
    const said: string[] = [];
    const waiting = acquireLock(file, "journal", (line) => said.push(line));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(said).toEqual([`waiting for ${file}.lock, held by pid ${process.pid} on ${hostname()}`]);
    await held.release();
    const next = await waiting;
    next.assertOwned();
    await next.release();
  });
});

describe("a lock whose owner file cannot be written (a full disk)", () => {
  it("still excludes, and does not claim to be lost: the write that follows names the real fault", async () => {
    const { mkdirSync, existsSync } = await import("node:fs");
    const file = path.join(mkdtempSync(path.join(tmpdir(), "rotation-lock-")), "j.jsonl");
    // The owner file's temporary name taken: its write fails, as on a full disk.
    mkdirSync(`${file}.lock.owner.${process.pid}.tmp`);
    const held = await acquireLock(file, "journal");
    expect(() => held.assertOwned()).not.toThrow();
    expect(existsSync(`${file}.lock.owner`)).toBe(false);
    await held.release();
  });
});
