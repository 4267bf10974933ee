import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { UsageError, errorMessage } from "../errors.js";
import type { Runtime } from "../runtime.js";
import { userConfigDir } from "./paths.js";

/** Every setting a config file may hold; anything else is refused. */
export interface ConfigValues {
  small?: string[];
  mid?: string[];
  large?: string[];
  pairs?: string[];
  window?: number;
  threshold?: number;
  gap?: number;
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
      // A FIFO or a device would block the read for ever: only a regular file is a config file.
      const info = await stat(file);
      if (!info.isFile()) throw new UsageError(`config ${file}: not a regular file`);
      if (info.size > 1024 * 1024) throw new UsageError(`config ${file}: larger than 1 MiB; not a config file`);
      text = await readFile(file, "utf8");
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

export async function parseConfig(text: string, file: string): Promise<ConfigValues> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`config ${file}: not valid JSON (${errorMessage(error).split("\n")[0]})`);
  }
  // zod is loaded only when there is a file to check: most runs have none.
  const { z } = await import("zod");
  const list = z.union([z.string(), z.array(z.string())]).transform((v) => (typeof v === "string" ? v.split(",").map((s) => s.trim()).filter(Boolean) : v));
  const schema = z
    .object({
      small: list,
      mid: list,
      large: list,
      pairs: list,
      window: z.number().int().min(1).max(252),
      threshold: z.number().gt(50).max(100),
      gap: z.number().int().min(0).max(252),
      data: z.string().min(1),
      cacheDir: z.string().min(1),
      journal: z.string().min(1),
      color: z.boolean(),
      timeout: z.number().min(0.1).max(3600),
      offlineFallback: z.boolean(),
      fallback: z.boolean(),
      notify: z.array(z.string()),
    })
    .partial()
    .strict();
  const result = schema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    if (issue.code === "unrecognized_keys") {
      throw new UsageError(`config ${file}: unknown key "${issue.keys[0]}" (known: ${Object.keys(schema.shape).join(", ")})`);
    }
    const key = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
    throw new UsageError(`config ${file}: "${key}" ${issue.message.replace(/^Invalid input: /, "")}`);
  }
  const values: ConfigValues = result.data;
  // Paths in a config file are relative to the file, not to wherever cron starts.
  for (const key of ["data", "cacheDir", "journal"] as const) {
    const value = values[key];
    if (value !== undefined) values[key] = path.resolve(path.dirname(file), value);
  }
  return values;
}
