import path from "node:path";
import type { Runtime } from "../runtime.js";
import { checkedPath } from "../sources/choose.js";
import { userDataDir } from "../store/paths.js";

/** --store, else ROTATION_VALUATION_STORE, else valuation.jsonl in the user data folder. */
export function valuationStorePath(flag: string | undefined, env: Runtime["env"], cwd: string): string {
  if (flag) return path.resolve(cwd, checkedPath(flag, "--store"));
  if (env.ROTATION_VALUATION_STORE) return path.resolve(cwd, checkedPath(env.ROTATION_VALUATION_STORE, "ROTATION_VALUATION_STORE"));
  return path.join(userDataDir(env), "valuation.jsonl");
}
