/**
 * Every default in one place: the plans, the `--help` texts, `rotation config` and the README
 * read these values, so a default can never say one thing in help and do another.
 */
export const DEFAULTS = {
  groups: { small: ["IWM", "IJR"], mid: ["IJH"], large: ["SPY", "QQQ"] },
  /** Surge window in trading days. */
  window: 5,
  /** Percentile at or above which a surge is flagged (and at or below 100 minus it). */
  threshold: 99,
  /** What each day's surge is ranked against: all earlier days, N sessions or Ny years. */
  lookback: "all",
  /** Flagged days at most this many trading days apart are one episode. */
  gap: 5,
  /** Per-request network timeout, in seconds. */
  timeoutSeconds: 20,
  /** Observations a valuation spread needs before it is ranked. */
  minHistory: 60,
  valuationPairs: "IWM:SPY,IJR:SPY,IJH:SPY",
  /** What the valuation history is ranked against unless --lookback says otherwise. */
  valuationHistoryLookback: "20y",
  /** A spread whose two P/E dates are further apart than this, or older than this, is stale. */
  valuationMaxAgeDays: 7,
  rrg: { benchmark: "SPY", symbols: ["IWM", "IJR", "IJH", "QQQ"], tail: 8 },
  chart: { height: 20, width: 100 },
  /** `rotation grid`'s family of funds. */
  gridFamily: "sp",
  /** What `log --notify` posts: a JSON document, or the sentence as plain text. */
  notifyFormat: "json",
  format: "table",
} as const;
