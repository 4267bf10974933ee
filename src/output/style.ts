import { Chalk, type ChalkInstance } from "chalk";

export interface ColorDecision {
  /** false: --no-color (or config color:false); true: config color:true; undefined: decide. */
  flag: boolean | undefined;
  env: Readonly<Record<string, string | undefined>>;
  isTTY: boolean;
}

/** Colour only on a terminal, never with NO_COLOR or --no-color; FORCE_COLOR forces it on. */
export function wantsColor({ flag, env, isTTY }: ColorDecision): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (flag === true) return true;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false") return true;
  return isTTY && env.TERM !== "dumb";
}

export function makeStyle(color: boolean): ChalkInstance {
  return new Chalk({ level: color ? 1 : 0 });
}
