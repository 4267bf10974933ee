/**
 * Versions of every JSON document `rotation` writes (the contract scripts rely on). A version
 * is bumped only when a field is removed or changes meaning; additions keep it.
 */
export const SCHEMA_VERSIONS = {
  check: 1,
  /** 2 (0.3.0): `forward` runs from the first flagged day (the peak's figures are `forwardFromPeak`); base rates leave out flagged days. */
  episodes: 2,
  rrg: 1,
  valuation: 1,
  /** The journal record, and `history --json`, which lists such records. */
  journal: 1,
  config: 1,
  grid: 1,
  /** 2 (0.5.0): the events "watching" (a configuration's first record) and "test" (rotation notify test). */
  notify: 2,
  /** rotation drivers (0.5.0). */
  drivers: 1,
} as const;
