import { randomUUID } from "node:crypto";
import { readFileSync, rmSync, statSync } from "node:fs";
import { replaceFile } from "../fs-write.js";
import { hostname } from "node:os";
import lockfile from "proper-lockfile";
import { DataError } from "../errors.js";
import { fileError } from "../fs-errors.js";

/** A lock not refreshed for this long belongs to a run that stopped (or was paused). */
const STALE_MS = 15_000;
/** How long a run waits for another's lock before giving up, naming the lock. */
const WAIT_MS = 20_000;

interface Owner {
  pid: number;
  host: string;
  token: string;
}

export interface HeldLock {
  /** Throws a clean DataError when the lock was taken over (this run was paused past the stale limit). */
  assertOwned(): void;
  release(): Promise<void>;
}

/** Beside the lock folder, not in it: proper-lockfile removes the folder with rmdir. */
function ownerFile(lockDir: string): string {
  return `${lockDir}.owner`;
}

function readOwner(lockDir: string): Owner | null {
  try {
    const owner = JSON.parse(readFileSync(ownerFile(lockDir), "utf8")) as Owner;
    return typeof owner.pid === "number" && typeof owner.host === "string" && typeof owner.token === "string" ? owner : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * An exclusive lock on `file` (a `FILE.lock` folder, through proper-lockfile), recording its
 * owner's PID and host so that a lock left by a run that was killed is recovered at once, a lock
 * dated in the future is not obeyed for ever, a permission problem fails at once, and a run that
 * waits says so. A run paused past the stale limit loses the lock and finds out before writing.
 */
export async function acquireLock(file: string, what: string, onWait?: (line: string) => void): Promise<HeldLock> {
  const lockDir = `${file}.lock`;
  const token = randomUUID();
  const started = Date.now();
  let compromised = false;
  let said = false;
  for (;;) {
    try {
      const release = await lockfile.lock(file, {
        realpath: false,
        stale: STALE_MS,
        update: STALE_MS / 3,
        retries: 0,
        // proper-lockfile throws (uncaught) when its lock is taken over; noting it is enough:
        // assertOwned() turns it into one clean line before anything is written.
        onCompromised: () => {
          compromised = true;
        },
      });
      // 0600 whatever the umask, and never through a link planted at its name.
      let ownerWritten = true;
      try {
        replaceFile(ownerFile(lockDir), new TextEncoder().encode(JSON.stringify({ pid: process.pid, host: hostname(), token } satisfies Owner)));
      } catch {
        // Without the owner file (a full disk) the lock still excludes; only recovery by PID is
        // lost, and ownership is then judged by the lock alone, so the write that follows says
        // what is really wrong (ENOSPC), not "lost the lock".
        ownerWritten = false;
      }
      return {
        assertOwned() {
          if (compromised || (ownerWritten && readOwner(lockDir)?.token !== token)) {
            throw new DataError(`lost the lock ${lockDir} (this run was paused past ${STALE_MS / 1000} s and another run took it over); nothing written, run again`);
          }
        },
        release: async () => {
          if (readOwner(lockDir)?.token === token) rmSync(ownerFile(lockDir), { force: true });
          await release().catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ELOCKED") throw fileError(`cannot lock ${what}`, file, error);
    }
    const owner = readOwner(lockDir);
    let mtime = Number.NaN;
    try {
      mtime = statSync(lockDir).mtimeMs;
    } catch {
      continue; // released meanwhile
    }
    // The owner is gone (killed, crashed) on this machine, or the lock is dated in the future.
    if ((owner && owner.host === hostname() && !alive(owner.pid)) || mtime > Date.now() + 60_000) {
      rmSync(lockDir, { recursive: true, force: true });
      rmSync(ownerFile(lockDir), { force: true });
      continue;
    }
    const holder = owner ? `pid ${owner.pid} on ${owner.host}` : "another run";
    if (Date.now() - started > WAIT_MS) {
      throw new DataError(`${what} ${file} is locked by ${holder} (${lockDir}); gave up after ${WAIT_MS / 1000} s. If no rotation is running, remove ${lockDir}`);
    }
    if (!said) {
      onWait?.(`waiting for ${lockDir}, held by ${holder}`);
      said = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 150));
  }
}
