import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * Every temporary folder the tests make (theirs, the CLI's, the browser's) lands in one folder
 * per run, set as TMPDIR before the workers start, and removed when the run ends: a test run
 * leaves nothing behind in the machine's /tmp.
 */
export default function setup(): () => void {
  const root = mkdtempSync(path.join(tmpdir(), "rotation-tests-"));
  process.env.TMPDIR = root;
  return () => {
    try {
      rmSync(root, { recursive: true, force: true });
    } catch (error) {
      // A folder a test made unreadable, when not run as root: say so, never fail the run for it.
      process.stderr.write(`test temporary folder ${root} not fully removed: ${(error as Error).message}\n`);
    }
  };
}
