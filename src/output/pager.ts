import { requireOnUse } from "../boot/require-on-use.js";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The pager for long output on a terminal, as git and gh choose it: ROTATION_PAGER, else PAGER,
 * else `less -FRX` (quits at once when the text fits, keeps colours, leaves the screen alone).
 * None off a terminal, with --no-pager, or with ROTATION_PAGER set to "" or "never".
 */
export function pagerCommand(env: Env, argv: readonly string[], isTTY: boolean): string | null {
  if (!isTTY || argv.includes("--no-pager")) return null;
  const chosen = env.ROTATION_PAGER ?? env.PAGER ?? "less -FRX";
  const trimmed = chosen.trim();
  return trimmed === "" || trimmed === "never" || trimmed === "cat" ? null : trimmed;
}

/** Text longer than the screen goes through the pager; shorter text (or a pager that fails to start) is written as it is. */
export function pageOrWrite(text: string, rows: number | undefined, pager: string | null, write: (text: string) => unknown): void {
  if (pager !== null && rows !== undefined && text.split("\n").length > rows) {
    const { spawnSync } = requireOnUse("node:child_process") as typeof import("node:child_process");
    const result = spawnSync(pager, { input: text, stdio: ["pipe", "inherit", "inherit"], shell: true });
    if (!result.error && result.status !== 127) return;
  }
  write(text);
}
