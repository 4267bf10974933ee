import { acquireLock } from "./lock.js";
import { appendToOwnFile, assertWritable, writeWholeFile } from "../fs-write.js";
import { statSync } from "node:fs";
import { closeSync, constants, fsyncSync, openSync, writeSync, ftruncateSync, fstatSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { DataError, errorMessage } from "../errors.js";

/** What a journal line must have for its (date, configuration) to be recognised. */
export interface JournalKeyed {
  asOf: string;
  configKey: string;
}

export interface JournalLine<T> {
  line: number;
  record: T;
}

export interface JournalRead<T> {
  records: JournalLine<T>[];
  /** Lines that are not a JSON object, by line number (history reports and skips them). */
  malformed: { line: number; reason: string }[];
  /** Text after the last newline that is not a whole record: a write that power loss cut short. */
  torn: string | null;
  /** The last line is a whole record without its final newline (read as a record; the next append adds the newline). */
  unterminated: boolean;
}

export type AppendOutcome = "appended" | "replaced" | "exists";

function failure(file: string, error: unknown): DataError {
  if (error instanceof DataError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  return new DataError(`cannot write journal ${file} (${code ?? errorMessage(error)})`);
}

export function parseJournal<T>(text: string): JournalRead<T> {
  const lastNewline = text.lastIndexOf("\n");
  const complete = text.slice(0, lastNewline + 1);
  const tail = text.slice(lastNewline + 1);
  const records: JournalLine<T>[] = [];
  const malformed: { line: number; reason: string }[] = [];
  const lines = complete.split("\n");
  lines.pop();
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "") {
      malformed.push({ line, reason: "blank line" });
      return;
    }
    try {
      const value: unknown = JSON.parse(raw);
      if (typeof value !== "object" || value === null || Array.isArray(value)) malformed.push({ line, reason: "not a JSON object" });
      else records.push({ line, record: value as T });
    } catch {
      malformed.push({ line, reason: "not valid JSON" });
    }
  });
  if (tail !== "") {
    // A whole record that lost only its newline is a record, never set aside as torn.
    try {
      const value: unknown = JSON.parse(tail);
      if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        records.push({ line: lines.length + 1, record: value as T });
        return { records, malformed, torn: null, unterminated: true };
      }
    } catch {
      // cut short: torn
    }
  }
  return { records, malformed, torn: tail === "" ? null : tail, unterminated: false };
}

/**
 * A JSON Lines journal that many processes may write at once. Every change happens under an
 * exclusive lock: read, repair a torn tail, check for the (date, configuration), then append
 * one complete line and fsync before unlocking. A failed append is cut back, so the file is
 * never left with half a line by this process.
 */
export class Journal {
  constructor(readonly file: string) {}

  get corruptFile(): string {
    return `${this.file}.corrupt`;
  }

  async read<T>(): Promise<JournalRead<T>> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { records: [], malformed: [], torn: null, unterminated: false };
      throw new DataError(`cannot read journal ${this.file} (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})`);
    }
    return parseJournal<T>(text);
  }

  /**
   * Appends `record` unless one with the same asOf and configKey is there already (then, with
   * `replace`, swaps it in by rewriting the file atomically). Returns what happened and any
   * warning about a repaired tail.
   */
  /**
   * `whileLocked` runs after the record is written and before the lock is let go, with the
   * records as they were before the write: what must be recorded with the record (the events to
   * notify) cannot then be lost between the two, nor recorded twice by runs started together.
   */
  async append<T extends JournalKeyed>(
    record: T,
    options: { replace: boolean; onWait?: (line: string) => void; whileLocked?: (before: JournalLine<JournalKeyed>[]) => string[] },
  ): Promise<{ outcome: AppendOutcome; warnings: string[] }> {
    const warnings: string[] = [];
    try {
      await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    } catch (error) {
      throw failure(this.file, error);
    }
    const lock = await acquireLock(this.file, "journal", options.onWait);
    try {
      const current = await this.read<JournalKeyed>();
      if (current.torn !== null) {
        await this.setAsideTornTail(current.torn);
        warnings.push(`journal ${this.file} ended in an incomplete line (${current.torn.length} bytes); moved it to ${this.corruptFile}`);
      }
      if (current.unterminated) {
        this.appendLine("\n");
        warnings.push(`journal ${this.file} ended in a whole record without its newline; added the newline`);
      }
      const findExisting = (records: JournalRead<JournalKeyed>["records"]) => records.find((r) => r.record.asOf === record.asOf && r.record.configKey === record.configKey);
      let existing = findExisting(current.records);
      const line = `${JSON.stringify(record)}\n`;
      if (existing && !options.replace) return { outcome: "exists", warnings };
      // Still ours, and still no record for the key: a run paused past the lock's stale limit
      // finds out here, before it writes, instead of adding a duplicate.
      lock.assertOwned();
      if (!existing) {
        existing = findExisting((await this.read<JournalKeyed>()).records);
        if (existing && !options.replace) return { outcome: "exists", warnings };
      }
      if (existing) {
        const text = await readFile(this.file, "utf8");
        const lines = text.split("\n");
        lines[existing.line - 1] = line.slice(0, -1);
        await writeWholeFile(this.file, lines.join("\n"), { what: "journal", mode: 0o600 });
        warnings.push(...(options.whileLocked?.(current.records) ?? []));
        return { outcome: "replaced", warnings };
      }
      this.appendLine(line);
      warnings.push(...(options.whileLocked?.(current.records) ?? []));
      return { outcome: "appended", warnings };
    } finally {
      await lock.release();
    }
  }

  /** One write of one whole line, fsynced; on failure the file is cut back to where it was. */
  private appendLine(line: string): void {
    let fd: number;
    try {
      fd = openSync(this.file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
    } catch (error) {
      throw failure(this.file, error);
    }
    const stat = fstatSync(fd);
    try {
      assertWritable(this.file, stat.mode, "journal");
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    const before = stat.size;
    try {
      const bytes = Buffer.from(line, "utf8");
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } catch (error) {
      try {
        ftruncateSync(fd, before);
      } catch {
        // The original failure is what the user needs to hear about.
      }
      throw failure(this.file, error);
    } finally {
      closeSync(fd);
    }
  }

  private async setAsideTornTail(torn: string): Promise<void> {
    try {
      assertWritable(this.file, statSync(this.file).mode, "journal");
      appendToOwnFile(this.corruptFile, `${torn}\n`);
      const fd = openSync(this.file, constants.O_RDWR);
      try {
        const stat = fstatSync(fd);
        assertWritable(this.file, stat.mode, "journal");
        const size = stat.size;
        ftruncateSync(fd, size - Buffer.byteLength(torn, "utf8"));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      throw failure(this.file, error);
    }
  }
}
