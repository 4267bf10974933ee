export type Group = "small" | "mid" | "large" | "other";

export interface PairSpec {
  symbol: string;
  benchmark: string;
}

export interface Universe {
  small: string[];
  mid: string[];
  large: string[];
  pairs: PairSpec[];
}

/** Size classes of well-known US ETFs, to label the members of pairs named on their own. */
export const KNOWN_GROUPS: Readonly<Record<string, Exclude<Group, "other">>> = Object.fromEntries([
  ...["IWM", "IJR", "VB", "SCHA", "SPSM", "IWC", "IWO", "IWN", "IJT", "IJS", "VBK", "VBR", "VTWO"].map((s) => [s, "small"] as const),
  ...["IJH", "IWR", "VO", "SCHM", "SPMD", "MDY", "MDYG", "MDYV", "IJK", "IJJ", "IWP", "IWS"].map((s) => [s, "mid"] as const),
  ...["SPY", "IVV", "VOO", "IWB", "VV", "OEF", "MGC", "SCHX", "DIA", "QQQ", "IWF", "IWD", "IVW", "IVE"].map((s) => [s, "large"] as const),
]);

/** Groups for a universe given only as pairs: each member in its known size class, if any. */
export function groupsFromPairs(pairs: readonly PairSpec[]): Pick<Universe, "small" | "mid" | "large"> {
  const groups: Pick<Universe, "small" | "mid" | "large"> = { small: [], mid: [], large: [] };
  for (const symbol of new Set(pairs.flatMap((pair) => [pair.symbol, pair.benchmark]))) {
    const group = KNOWN_GROUPS[symbol];
    if (group) groups[group].push(symbol);
  }
  return groups;
}

export function pairName(pair: PairSpec): string {
  return `${pair.symbol}:${pair.benchmark}`;
}

/**
 * Pairs when none are named: every small and mid fund against the first large fund, and the
 * first small fund against each other large fund. For the default groups this is exactly
 * IWM:SPY, IJR:SPY, IJH:SPY, IWM:QQQ.
 */
export function defaultPairs(groups: Pick<Universe, "small" | "mid" | "large">): PairSpec[] {
  const [firstLarge, ...otherLarge] = groups.large;
  if (firstLarge === undefined) return [];
  const pairs: PairSpec[] = [...groups.small, ...groups.mid].map((symbol) => ({ symbol, benchmark: firstLarge }));
  const firstSmall = groups.small[0];
  if (firstSmall !== undefined) for (const benchmark of otherLarge) pairs.push({ symbol: firstSmall, benchmark });
  return pairs.filter((pair) => pair.symbol !== pair.benchmark);
}

/** Every symbol the universe needs, groups first (in order), then pair members not in a group. */
export function universeSymbols(universe: Universe): { symbol: string; group: Group }[] {
  const seen = new Map<string, Group>();
  for (const group of ["small", "mid", "large"] as const) {
    for (const symbol of universe[group]) if (!seen.has(symbol)) seen.set(symbol, group);
  }
  for (const pair of universe.pairs) {
    for (const symbol of [pair.symbol, pair.benchmark]) if (!seen.has(symbol)) seen.set(symbol, "other");
  }
  return [...seen].map(([symbol, group]) => ({ symbol, group }));
}
