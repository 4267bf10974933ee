import { csvProvider } from "./csv/index.js";
import { frenchProvider } from "./french/index.js";
import { fredProvider } from "./fred/index.js";
import { sampleProvider } from "./sample/index.js";
import type { DatasetProvider, PriceProvider } from "./source.js";
import { tiingoProvider } from "./tiingo/index.js";
import { yahooProvider } from "./yahoo/index.js";

/**
 * Every data provider, one line each (the shape of taze's registries). From the price providers
 * come the source kinds, `--source`'s choices, the config key "source", the JSON Schemas' enums
 * (a test compares them), the provenance wording and the fallback chain. A provider's folder
 * holds all it needs; nothing outside it names the provider.
 */
export const PROVIDERS = {
  yahoo: yahooProvider,
  tiingo: tiingoProvider,
  csv: csvProvider,
  sample: sampleProvider,
  french: frenchProvider,
  fred: fredProvider,
  // `any`: each provider's Choice is its own; the registry checks the shape, the folder the types.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
} satisfies Record<string, PriceProvider<any> | DatasetProvider>;

export type ProviderKind = keyof typeof PROVIDERS;

/** The kinds that serve daily prices: the values of `--source` and of a JSON report's `source.kind`. */
export type PriceSourceKind = { [K in ProviderKind]: (typeof PROVIDERS)[K] extends { serves: "prices" } ? K : never }[ProviderKind];

export const PRICE_SOURCE_KINDS = (Object.keys(PROVIDERS) as ProviderKind[]).filter((kind): kind is PriceSourceKind => PROVIDERS[kind].serves === "prices");

/** Where prices come from when nothing says otherwise. */
export const DEFAULT_PRICE_SOURCE = "yahoo" satisfies PriceSourceKind;

/** The kinds that serve a valuation history: the values of `valuation --history` (beside none). */
export type ValuationHistoryKind = { [K in ProviderKind]: (typeof PROVIDERS)[K] extends { serves: "valuation-history" } ? K : never }[ProviderKind];

export const VALUATION_HISTORY_KINDS = (Object.keys(PROVIDERS) as ProviderKind[]).filter((kind): kind is ValuationHistoryKind => PROVIDERS[kind].serves === "valuation-history");

/** The valuation history shown unless --history says otherwise. */
export const DEFAULT_VALUATION_HISTORY = "french" satisfies ValuationHistoryKind;

/** The settings a price provider chose (its Choice type). */
export type ChoiceOf<K extends PriceSourceKind> = (typeof PROVIDERS)[K] extends PriceProvider<infer Choice> ? Choice : never;

/** A price provider, typed for the registry's use (each is typed precisely in its own folder). */
export function priceProvider(kind: PriceSourceKind): PriceProvider<object> {
  return PROVIDERS[kind] as unknown as PriceProvider<object>;
}
