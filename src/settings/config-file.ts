import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { UsageError, errorMessage } from "../errors.js";
import type { Runtime } from "../runtime.js";
import { userConfigDir } from "./paths.js";
import { PRICE_SOURCE_KINDS } from "../sources/providers.js";
import { OPTIONS, type OptionConfigKey, type OptionDefinition, type OptionName } from "./options.js";

/** Every setting a config file may hold; anything else is refused. */
export interface ConfigValues {
  small?: string[];
  mid?: string[];
  large?: string[];
  pairs?: string[];
  window?: number;
  threshold?: number;
  lookback?: string;
  gap?: number;
  /** The price provider's kind (src/sources/providers.ts). */
  source?: string;
  data?: string;
  cacheDir?: string;
  journal?: string;
  color?: boolean;
  timeout?: number;
  offlineFallback?: boolean;
  fallback?: boolean;
  notify?: string[];
}

export interface ConfigFile {
  path: string;
  values: ConfigValues;
}

export const CONFIG_FILE_NAME = "rotation.config.json";

/** Where a config file is looked for, in order (ROTATION_CONFIG alone when it is set). */
export function configCandidates(runtime: Pick<Runtime, "env" | "cwd">): string[] {
  const explicit = runtime.env.ROTATION_CONFIG;
  return explicit ? [path.resolve(runtime.cwd, explicit)] : [path.join(runtime.cwd, CONFIG_FILE_NAME), path.join(userConfigDir(runtime.env), "config.json")];
}

/** ROTATION_CONFIG, else ./rotation.config.json, else config.json in the user config folder. */
export async function findConfig(runtime: Pick<Runtime, "env" | "cwd">): Promise<ConfigFile | null> {
  const explicit = runtime.env.ROTATION_CONFIG;
  for (const file of configCandidates(runtime)) {
    let text: string;
    try {
      // Read synchronously: a few hundred bytes, on every run, and fs/promises alone costs more to load.
      // A FIFO or a device would block the read for ever: only a regular file is a config file.
      const info = statSync(file);
      if (!info.isFile()) throw new UsageError(`config ${file}: not a regular file`);
      if (info.size > 1024 * 1024) throw new UsageError(`config ${file}: larger than 1 MiB; not a config file`);
      text = readFileSync(file, "utf8");
    } catch (error) {
      if (error instanceof UsageError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" && !explicit) continue;
      throw new UsageError(`config ${file}: cannot be read (${code ?? errorMessage(error)})`);
    }
    return { path: file, values: await parseConfig(text, file) };
  }
  return null;
}

function describeType(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

interface Rule {
  /** What is wrong with the value, worded as "expected ..., received ...", or null. */
  check(value: unknown): string | null;
  /** The value as plans read it (a list given as "A,B" becomes ["A", "B"]). */
  read?(value: unknown): unknown;
}

const expected = (what: string, value: unknown): string => `expected ${what}, received ${describeType(value)}`;
/**
 * A setting whose flag has a parser (options.ts): the file's value is checked by that same
 * function, so that a range or a format has one owner. Its message, without the option's name.
 */
function optionProblem(name: OptionName, value: string): string | null {
  try {
    (OPTIONS[name] as OptionDefinition).parse?.(value, "");
    return null;
  } catch (error) {
    return errorMessage(error).trim();
  }
}
/** A number in the file, checked by its option's own parser. */
const numberFor = (name: OptionName): Rule => ({
  check: (v) => (typeof v !== "number" || !Number.isFinite(v) ? expected("number", v) : optionProblem(name, String(v))),
});

const text: Rule = { check: (v) => (typeof v !== "string" || v === "" ? expected("non-empty string", v) : null) };
const flag: Rule = { check: (v) => (typeof v !== "boolean" ? expected("boolean", v) : null) };
const list: Rule = {
  check: (v) => (typeof v === "string" || (Array.isArray(v) && v.every((x) => typeof x === "string")) ? null : expected("string or list of strings", v)),
  read: (v) => (typeof v === "string" ? v.split(",").map((x) => x.trim()).filter(Boolean) : v),
};

/** Every setting a config file may hold, and its rule; anything else is refused. */
const RULES = {
  small: list,
  mid: list,
  large: list,
  pairs: list,
  window: numberFor("window"),
  threshold: numberFor("threshold"),
  lookback: { check: (v) => (typeof v === "number" || typeof v === "string" ? optionProblem("lookback", String(v)) : expected("all, a number of sessions or years such as 10y", v)), read: (v) => String(v) },
  gap: numberFor("gap"),
  source: { check: (v) => (typeof v === "string" && (PRICE_SOURCE_KINDS as readonly string[]).includes(v) ? null : `expected one of ${PRICE_SOURCE_KINDS.join(", ")}, received ${typeof v === "string" ? JSON.stringify(v.slice(0, 20)) : describeType(v)}`) },
  data: text,
  cacheDir: text,
  journal: text,
  color: flag,
  timeout: numberFor("timeout"),
  offlineFallback: flag,
  fallback: flag,
  notify: { check: (v) => (Array.isArray(v) && v.every((x) => typeof x === "string") ? null : expected("list of URLs", v)) },
} satisfies Record<keyof ConfigValues, Rule> & Record<OptionConfigKey | "cacheDir", Rule>;

export async function parseConfig(text: string, file: string): Promise<ConfigValues> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`config ${file}: not valid JSON (${errorMessage(error).split("\n")[0]})`);
  }
  // Checked by hand (a table of rules): loading a schema library cost ~70 ms on every run that has a config file.
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new UsageError(`config ${file}: "(top level)" expected object, received ${describeType(data)}`);
  const result = { data: {} as Record<string, unknown> };
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    // Own keys only: "__proto__" or "constructor" are unknown keys, not Object.prototype's members.
    const rule: Rule | undefined = Object.hasOwn(RULES, key) ? RULES[key as keyof ConfigValues] : undefined;
    if (!rule) throw new UsageError(`config ${file}: unknown key "${key}" (known: ${Object.keys(RULES).join(", ")})`);
    const problem = rule.check(value);
    if (problem) throw new UsageError(`config ${file}: "${key}" ${problem}`);
    result.data[key] = rule.read ? rule.read(value) : value;
  }
  const values = result.data as ConfigValues;
  if (values.source !== undefined && values.data !== undefined && values.source !== "csv") throw new UsageError(`config ${file}: "source" ${values.source} and "data" contradict each other ("data" reads CSV files: "source" csv)`);
  // Paths in a config file are relative to the file, not to wherever cron starts.
  for (const key of ["data", "cacheDir", "journal"] as const) {
    const value = values[key];
    if (value !== undefined) values[key] = path.resolve(path.dirname(file), value);
  }
  return values;
}
