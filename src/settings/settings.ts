import path from "node:path";

import { defaultPairs, pairName } from "../core/universe.js";
import type { ConfigFile, ConfigValues } from "./config-file.js";
import { DEFAULTS } from "./defaults.js";
import { redactUrl } from "./secrets.js";
import { splitNotifyUrls } from "./validators.js";
import { ENV_BY_CONFIG_KEY, OPTIONS, type OptionDefinition } from "./options.js";
import { DEFAULT_PRICE_SOURCE } from "../sources/providers.js";
import { journalPath, userCacheDir, valuationStorePath } from "./paths.js";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Settings precedence, in one place: command-line flag > environment variable > config file >
 * default. Plans read the merged flags (`withConfig`); `rotation config` reads the same table
 * with origins (`describeSettings`); colour has its own resolver here (`colorSetting`).
 */

/** The environment variable that gives a setting, where there is one (it beats the config file). */
export const ENV_FOR_SETTING: Partial<Record<keyof ConfigValues, string>> = { ...ENV_BY_CONFIG_KEY, cacheDir: "ROTATION_CACHE_DIR" };

export interface Setting {
  /** A config file's key, or valuationStore (which only --store and the environment set). */
  key: keyof ConfigValues | "valuationStore";
  value: unknown;
  origin: string;
}

export type ColorMode = "always" | "never" | "auto";

/** Colour flags as commands receive them: --no-color (false), --color WHEN, or a config file's true (forceColor). */
export interface ColorFlags {
  color?: boolean | string;
  forceColor?: boolean;
}

function envSet(env: Env, name: string): boolean {
  return env[name] !== undefined && env[name] !== "";
}

/** --no-color and NO_COLOR win; then --color, FORCE_COLOR, a config file; else "auto" (a terminal). */
export function colorSetting(flags: ColorFlags, env: Env, config: ConfigFile | null = null): { value: ColorMode; origin: string } {
  if (flags.color === false) return { value: "never", origin: "flag --no-color" };
  if (flags.color === "always" || flags.color === "never") return { value: flags.color, origin: `flag --color ${flags.color}` };
  if (envSet(env, "NO_COLOR")) return { value: "never", origin: "env NO_COLOR" };
  if (flags.forceColor === true) return { value: "always", origin: "flag --color" };
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false") return { value: "always", origin: "env FORCE_COLOR" };
  if (config?.values.color !== undefined) return { value: config.values.color ? "always" : "never", origin: `config ${config.path}` };
  return { value: "auto", origin: "default" };
}

/**
 * Flags as commands receive them, with config values filling only what flag and env leave open:
 * every option whose definition has a config key (src/settings/options.ts), read one way.
 */
export function withConfig<T extends Record<string, unknown>>(flags: T, config: ConfigFile | null, env: Env): T {
  if (!config) return flags;
  const merged: Record<string, unknown> = { ...flags };
  const values = config.values as Record<string, unknown>;
  // Where prices come from is one decision: a flag or variable that names a source (--sample,
  // --data, --source, ROTATION_SOURCE, ROTATION_DATA) leaves the file's "source" and "data" unread.
  const sourceGiven = merged.sample === true || merged.data !== undefined || merged.source !== undefined || envSet(env, "ROTATION_SOURCE") || envSet(env, "ROTATION_DATA");
  for (const definition of Object.values(OPTIONS) as OptionDefinition[]) {
    const key = definition.configKey;
    // Colour has its own resolver (NO_COLOR and FORCE_COLOR are the environment's word on it).
    if (key === undefined || key === "color") continue;
    const value = values[key];
    if (value === undefined) continue;
    if (definition.env !== undefined && envSet(env, definition.env)) continue;
    if ((key === "source" || key === "data") && sourceGiven) continue;
    if (definition.value === "negate") {
      // Commander leaves a --no- switch true unless it was given: only the file's false can speak.
      if (value === false) merged[definition.key] = false;
      continue;
    }
    const given = merged[definition.key];
    if (given !== undefined && !(Array.isArray(given) && given.length === 0)) continue;
    merged[definition.key] = Array.isArray(value) && definition.value !== "list" ? value.join(",") : typeof value === "number" ? String(value) : value;
  }
  if (values.cacheDir !== undefined && merged.cacheDir === undefined) merged.cacheDir = values.cacheDir;
  const colorFromEnv = envSet(env, "NO_COLOR") || (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "");
  if (!colorFromEnv && values.color === false && merged.color === undefined) merged.color = false;
  if (!colorFromEnv && values.color === true && merged.color === undefined) merged.forceColor = true;
  return merged as T;
}

/** The webhooks of `log --notify`, redacted by the one rule for secrets (settings/secrets.ts). */
function notifySetting(config: ConfigFile | null, env: Env): Setting {
  const fromEnv = env.ROTATION_NOTIFY;
  if (fromEnv !== undefined && fromEnv.trim() !== "") return { key: "notify", value: splitNotifyUrls(fromEnv).map(redactUrl), origin: "env ROTATION_NOTIFY" };
  const listed = config?.values.notify;
  if (listed !== undefined) return { key: "notify", value: listed.map(redactUrl), origin: `config ${config!.path}` };
  return { key: "notify", value: [], origin: "default (none)" };
}

/** Each setting's effective value without flags, and where it came from: environment > config file > default. */
export function describeSettings(config: ConfigFile | null, env: Env, cwd: string): Setting[] {
  const fromConfig = (key: keyof ConfigValues, fallback: unknown, fallbackOrigin = "default"): Setting => {
    const value = config?.values[key];
    return value === undefined ? { key, value: fallback, origin: fallbackOrigin } : { key, value, origin: `config ${config!.path}` };
  };
  const fromEnv = (key: keyof ConfigValues, fallback: unknown, resolve: (value: string) => string, fallbackOrigin?: string): Setting => {
    const name = ENV_FOR_SETTING[key];
    const value = name === undefined ? undefined : env[name];
    return value ? { key, value: resolve(value), origin: `env ${name}` } : fromConfig(key, fallback, fallbackOrigin);
  };
  const small = config?.values.small ?? [...DEFAULTS.groups.small];
  const mid = config?.values.mid ?? [...DEFAULTS.groups.mid];
  const large = config?.values.large ?? [...DEFAULTS.groups.large];
  const color = colorSetting({}, env, config);
  // Where a setting's default is not its option's shown default, or its value is resolved.
  const special: Partial<Record<keyof ConfigValues, () => Setting>> = {
    small: () => fromConfig("small", small),
    mid: () => fromConfig("mid", mid),
    large: () => fromConfig("large", large),
    pairs: () => fromConfig("pairs", defaultPairs({ small, mid, large }).map(pairName), "default (derived from the groups)"),
    source: () => fromEnv("source", envSet(env, "ROTATION_DATA") ? "csv" : DEFAULT_PRICE_SOURCE, (value) => value, envSet(env, "ROTATION_DATA") ? "env ROTATION_DATA" : "default"),
    data: () => fromEnv("data", null, (value) => path.resolve(cwd, value)),
    journal: () => fromEnv("journal", journalPath(undefined, env, cwd), (value) => path.resolve(cwd, value), env.ROTATION_DATA_HOME ? "env ROTATION_DATA_HOME" : "default"),
    color: () => ({ key: "color", value: color.value === "auto" ? "auto (on a terminal)" : color.value === "always", origin: color.origin }),
    fallback: () => fromConfig("fallback", true),
    notify: () => notifySetting(config, env),
  };
  // Every setting a config file can hold, in the order of the option definitions (options.ts),
  // and the cache folder, which no flag sets. Options kept for older scripts are not shown.
  const settings: Setting[] = [];
  const seen = new Set<string>();
  for (const definition of Object.values(OPTIONS) as OptionDefinition[]) {
    const key = definition.configKey as keyof ConfigValues | undefined;
    if (key === undefined || seen.has(key) || definition.hidden === true) continue;
    seen.add(key);
    settings.push(special[key]?.() ?? fromConfig(key, definition.default ?? null));
    if (key === "data") settings.push(fromEnv("cacheDir", userCacheDir(env), (value) => value));
    // The valuation store beside the journal (no config key sets it: --store or the environment).
    if (key === "journal") {
      const store = valuationStorePath(undefined, env, cwd);
      settings.push({ key: "valuationStore", value: store, origin: env.ROTATION_VALUATION_STORE ? "env ROTATION_VALUATION_STORE" : env.ROTATION_DATA_HOME ? "env ROTATION_DATA_HOME" : "default" });
    }
  }
  return settings;
}


