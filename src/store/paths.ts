import path from "node:path";
import envPaths from "env-paths";
import type { Runtime } from "../runtime.js";
import { checkedPath } from "../sources/choose.js";

/** --journal, else ROTATION_JOURNAL, else a config file's journal, else the user data folder. */
export function journalPath(flag: string | undefined, env: Runtime["env"], cwd: string): string {
  if (flag) return path.resolve(cwd, checkedPath(flag, "--journal"));
  if (env.ROTATION_JOURNAL) return path.resolve(cwd, checkedPath(env.ROTATION_JOURNAL, "ROTATION_JOURNAL"));
  return path.join(checkedPath(userDataDir(env), "ROTATION_DATA_HOME"), "journal.jsonl");
}

export function userDataDir(env: Runtime["env"]): string {
  if (env.ROTATION_DATA_HOME) return env.ROTATION_DATA_HOME;
  if (env.XDG_DATA_HOME) return path.join(env.XDG_DATA_HOME, "rotation");
  return envPaths("rotation", { suffix: "" }).data;
}
