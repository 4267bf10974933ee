import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PROJECT_ROOT } from "./paths.js";

/** The newest modification time of the files under a folder (0 when it is missing). */
function newest(folder: string): number {
  let latest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

/**
 * The end-to-end tests spawn the built CLI (bin/rotation.js loads dist/): a dist/ older than
 * src/ would test yesterday's code. When it is missing or stale, the build runs first (said on
 * stderr); a build that fails stops the run with one clear line.
 */
export function ensureFreshBuild(): void {
  const built = ["dist/cli.cjs", "dist/entry.cjs"].map((file) => statSync(path.join(PROJECT_ROOT, file), { throwIfNoEntry: false })?.mtimeMs ?? 0);
  const sources = Math.max(newest(path.join(PROJECT_ROOT, "src")), statSync(path.join(PROJECT_ROOT, "scripts", "bundle.mjs")).mtimeMs);
  if (Math.min(...built) >= sources) return;
  process.stderr.write("dist/ is older than src/ (or missing): building first (npm run build)\n");
  const build = spawnSync("npm", ["run", "build"], { cwd: PROJECT_ROOT, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`dist/ is older than src/ and \`npm run build\` failed; the tests would run stale code:\n${build.stdout}${build.stderr}`);
}

/**
 * Every temporary folder the tests make (theirs, the CLI's, the browser's) lands in one folder
 * per run, set as TMPDIR before the workers start, and removed when the run ends: a test run
 * leaves nothing behind in the machine's /tmp.
 */
export default function setup(): () => void {
  ensureFreshBuild();
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
