import { UsageError } from "../errors.js";
import { DEFAULT_PRICE_SOURCE, PRICE_SOURCE_KINDS, priceProvider, type ChoiceOf, type PriceSourceKind } from "../sources/providers.js";
import type { SourceOptionFlags } from "../sources/source.js";
import { resolvedCacheDir } from "./paths.js";
import { parseChoice } from "./validators.js";

export type { SourceOptionFlags } from "../sources/source.js";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Where prices come from, as decided from flags and environment (plain data, easy to test): the
 * provider's kind and the settings it chose for itself (src/sources/<kind>/index.ts).
 */
export type SourceChoice = { [K in PriceSourceKind]: { kind: K } & ChoiceOf<K> }[PriceSourceKind] & {
  /** Go on without the tickers that fail to load (each named in a warning). */
  partial: boolean;
};

/**
 * The provider: --sample, --data DIR (csv) or --source KIND on the command line; else
 * ROTATION_SOURCE, or ROTATION_DATA (csv); else a config file's "source" (or "data"); else the
 * default feed. Two that contradict each other are refused, not ranked.
 */
export function sourceKind(flags: SourceOptionFlags, env: Env): PriceSourceKind {
  const named = flags.source === undefined ? undefined : parseChoice(flags.source, "--source", PRICE_SOURCE_KINDS, DEFAULT_PRICE_SOURCE);
  if (flags.sample && flags.data !== undefined) throw new UsageError("--sample and --data contradict each other: choose one source of prices");
  if (named !== undefined && flags.sample && named !== "sample") throw new UsageError(`--source ${named} and --sample contradict each other: choose one source of prices`);
  if (named !== undefined && flags.data !== undefined && named !== "csv") throw new UsageError(`--source ${named} and --data contradict each other: --data reads CSV files (--source csv)`);
  if (flags.sample) return "sample";
  if (named !== undefined) return named;
  if (flags.data !== undefined) return "csv";
  const fromEnv = env.ROTATION_SOURCE;
  if (fromEnv !== undefined && fromEnv !== "") return parseChoice(fromEnv, "ROTATION_SOURCE", PRICE_SOURCE_KINDS, DEFAULT_PRICE_SOURCE);
  if (env.ROTATION_DATA !== undefined && env.ROTATION_DATA !== "") return "csv";
  return DEFAULT_PRICE_SOURCE;
}

/** The chosen provider and the settings it takes from the flags and the environment. */
export function chooseSource(flags: SourceOptionFlags, env: Env, cwd: string): SourceChoice {
  const kind = sourceKind(flags, env);
  const choice = priceProvider(kind).choose({ flags, env, cwd, cacheDir: () => resolvedCacheDir(flags.cacheDir, env, cwd) });
  return { ...choice, kind, partial: flags.partial ?? false } as SourceChoice;
}

/** Where prices come from, in words, for `rotation config`. */
export function describeSource(choice: SourceChoice): string {
  return priceProvider(choice.kind).describe(choice);
}
