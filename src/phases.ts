/**
 * Where a run's time goes, for `npm run bench` only: when the bench's preload
 * (bench/rss-hook.mjs) has set `globalThis.__rotationPhases`, the end of each phase is recorded
 * there (milliseconds since the process started); in every other run this does nothing.
 */
export function phaseDone(name: "start" | "load" | "compute" | "output"): void {
  (globalThis as { __rotationPhases?: [string, number][] }).__rotationPhases?.push([name, performance.now()]);
}
