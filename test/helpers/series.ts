import type { PriceSeries } from "../../src/core/series.js";

/** Weekday dates from `start`, as many as asked for. */
export function weekdays(start: string, count: number): string[] {
  const dates: string[] = [];
  let t = Date.parse(`${start}T00:00:00Z`);
  while (dates.length < count) {
    const day = new Date(t).getUTCDay();
    if (day !== 0 && day !== 6) dates.push(new Date(t).toISOString().slice(0, 10));
    t += 86_400_000;
  }
  return dates;
}

export function series(symbol: string, dates: string[], closes: number[]): PriceSeries {
  if (dates.length !== closes.length) throw new Error("dates and closes differ in length");
  return { symbol, dates, closes };
}

/** A seeded pseudo-random number generator (mulberry32): numbers in [0, 1), the same for a seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A deterministic pseudo-random walk, so tests need no fixtures for long series. */
export function randomWalk(seed: number, count: number, start = 100, volatility = 0.01): number[] {
  const random = seededRandom(seed);
  const closes = [start];
  for (let i = 1; i < count; i++) closes.push((closes[i - 1] as number) * (1 + (random() - 0.5) * 2 * volatility));
  return closes;
}
