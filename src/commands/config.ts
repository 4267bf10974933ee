import path from "node:path";
import { DEFAULT_RRG } from "../core/rrg.js";
import { DEFAULT_GROUPS, defaultPairs, pairName } from "../core/universe.js";
import { CONFIG_FILE_NAME, findConfig, userConfigDir, type ConfigValues } from "../config/config.js";
import { ExitCode } from "../errors.js";
import { terminalSafe } from "../output/format.js";
import type { Runtime } from "../runtime.js";
import { userCacheDir } from "../sources/choose.js";
import { journalPath } from "../store/paths.js";

export interface Setting {
  key: keyof ConfigValues;
  value: unknown;
  origin: string;
}

/** Each setting's effective value and where it came from: environment > config file > default. */
export function effectiveSettings(config: { path: string; values: ConfigValues } | null, env: Runtime["env"], cwd: string): Setting[] {
  const fromConfig = (key: keyof ConfigValues, fallback: unknown, fallbackOrigin = "default"): Setting => {
    const value = config?.values[key];
    return value === undefined ? { key, value: fallback, origin: fallbackOrigin } : { key, value, origin: `config ${config!.path}` };
  };
  const fromEnv = (key: keyof ConfigValues, name: string, fallback: unknown): Setting => {
    const value = env[name];
    return value ? { key, value: path.resolve(cwd, value), origin: `env ${name}` } : fromConfig(key, fallback);
  };
  const small = (config?.values.small ?? [...DEFAULT_GROUPS.small]) as string[];
  const mid = (config?.values.mid ?? [...DEFAULT_GROUPS.mid]) as string[];
  const large = (config?.values.large ?? [...DEFAULT_GROUPS.large]) as string[];
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== "";
  return [
    fromConfig("small", small),
    fromConfig("mid", mid),
    fromConfig("large", large),
    fromConfig("pairs", defaultPairs({ small, mid, large }).map(pairName), "default (derived from the groups)"),
    fromConfig("window", 5),
    fromConfig("threshold", 99),
    fromConfig("gap", 5),
    fromEnv("data", "ROTATION_DATA", null),
    env.ROTATION_CACHE_DIR ? { key: "cacheDir", value: env.ROTATION_CACHE_DIR, origin: "env ROTATION_CACHE_DIR" } : fromConfig("cacheDir", userCacheDir(env)),
    env.ROTATION_JOURNAL ? { key: "journal", value: path.resolve(cwd, env.ROTATION_JOURNAL), origin: "env ROTATION_JOURNAL" } : fromConfig("journal", journalPath(undefined, env, cwd), env.ROTATION_DATA_HOME ? "env ROTATION_DATA_HOME" : "default"),
    noColor ? { key: "color", value: false, origin: "env NO_COLOR" } : fromConfig("color", "auto (on a terminal)"),
    fromConfig("timeout", 20),
    fromConfig("offlineFallback", false),
  ];
}

export async function showConfig(flags: { json?: boolean }, runtime: Runtime): Promise<number> {
  const config = await findConfig(runtime);
  const settings = effectiveSettings(config, runtime.env, runtime.cwd);
  if (flags.json) {
    const document = {
      schemaVersion: 1,
      file: config?.path ?? null,
      searched: runtime.env.ROTATION_CONFIG ? [runtime.env.ROTATION_CONFIG] : [path.join(runtime.cwd, CONFIG_FILE_NAME), path.join(userConfigDir(runtime.env), "config.json")],
      settings: Object.fromEntries(settings.map((s) => [s.key, { value: s.value, origin: s.origin }])),
      rrgDefaults: DEFAULT_RRG,
    };
    runtime.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    return ExitCode.ok;
  }
  const lines = [config ? `config file: ${terminalSafe(config.path)}` : `config file: none (looked for ./${CONFIG_FILE_NAME} and ${terminalSafe(path.join(userConfigDir(runtime.env), "config.json"))})`];
  const width = Math.max(...settings.map((s) => s.key.length));
  for (const s of settings) {
    const value = Array.isArray(s.value) ? s.value.join(",") : s.value === null ? "(none: Yahoo Finance)" : String(s.value);
    lines.push(`${s.key.padEnd(width)}  ${terminalSafe(value)}  [${terminalSafe(s.origin)}]`);
  }
  lines.push("Precedence: command-line flag > environment variable > config file > default.");
  runtime.stdout.write(`${lines.join("\n")}\n`);
  return ExitCode.ok;
}
