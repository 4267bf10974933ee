import { SCHEMA_VERSIONS } from "../contract.js";
import { DEFAULT_RRG } from "../core/rrg.js";
import { terminalSafe } from "../core/text.js";
import { ExitCode } from "../errors.js";
import { jsonDocument } from "../output/columns.js";
import type { Runtime } from "../runtime.js";
import { CONFIG_FILE_NAME, configCandidates, findConfig } from "../settings/config-file.js";
import { userConfigDir } from "../settings/paths.js";
import { describeSettings, withConfig } from "../settings/settings.js";
import { chooseSource, describeSource } from "../settings/source.js";
import { priceProvider } from "../sources/providers.js";
import path from "node:path";

export async function showConfig(flags: { json?: boolean }, runtime: Runtime): Promise<number> {
  const config = await findConfig(runtime);
  const settings = describeSettings(config, runtime.env, runtime.cwd);
  const source = chooseSource(withConfig({}, config, runtime.env), runtime.env, runtime.cwd);
  const prices = describeSource(source);
  if (flags.json) {
    const document = {
      schemaVersion: SCHEMA_VERSIONS.config,
      file: config?.path ?? null,
      searched: configCandidates(runtime),
      settings: Object.fromEntries(settings.map((s) => [s.key, { value: s.value, origin: s.origin }])),
      rrgDefaults: DEFAULT_RRG,
      // yahooUrl is kept for scripts written against 0.2 (null unless the source is Yahoo's).
      prices: { kind: source.kind, yahooUrl: null, ...priceProvider(source.kind).settings?.(source), description: prices },
    };
    runtime.stdout.write(jsonDocument(document));
    return ExitCode.ok;
  }
  const lines = [config ? `config file: ${terminalSafe(config.path)}` : `config file: none (looked for ./${CONFIG_FILE_NAME} and ${terminalSafe(path.join(userConfigDir(runtime.env), "config.json"))})`];
  const width = Math.max(...settings.map((s) => s.key.length));
  for (const s of settings) {
    const value = Array.isArray(s.value) ? (s.value.length > 0 ? s.value.join(",") : "(none)") : s.value === null ? "(none)" : String(s.value);
    lines.push(`${s.key.padEnd(width)}  ${terminalSafe(value)}  [${terminalSafe(s.origin)}]`);
  }
  lines.push(`Prices: ${terminalSafe(prices)}.`);
  lines.push("Precedence: command-line flag > environment variable > config file > default.");
  runtime.stdout.write(`${lines.join("\n")}\n`);
  return ExitCode.ok;
}
