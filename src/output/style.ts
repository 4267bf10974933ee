import { Chalk, type ChalkInstance } from "chalk";
import type { ColorMode } from "../settings/settings.js";

export interface Screen {
  isTTY?: boolean;
  env: Readonly<Record<string, string | undefined>>;
}

/** "auto" colours only a terminal that is not dumb; "always" and "never" are what they say. */
export function wantsColor(mode: ColorMode, screen: Screen): boolean {
  if (mode !== "auto") return mode === "always";
  return screen.isTTY === true && screen.env.TERM !== "dumb";
}

export function makeStyle(color: boolean): ChalkInstance {
  return new Chalk({ level: color ? 1 : 0 });
}

/** The style for one output stream under the resolved colour setting. */
export function styleFor(mode: ColorMode, stream: { isTTY?: boolean }, env: Screen["env"]): ChalkInstance {
  return makeStyle(wantsColor(mode, { isTTY: stream.isTTY, env }));
}

/** The width to fit tables to: the terminal's, or none (no fitting) when stdout is not a terminal. */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number }): number | undefined {
  return stream.isTTY === true ? stream.columns : undefined;
}
