// Preloaded into every timed process: on exit, write its peak resident set size (KiB) to a file,
// and, when asked, the end of each phase of the run (src/phases.ts) as one JSON line.
import { appendFileSync } from "node:fs";
const target = process.env.ROTATION_BENCH_RSS_FILE;
const phasesFile = process.env.ROTATION_BENCH_PHASES_FILE;
if (phasesFile) globalThis.__rotationPhases = [];
if (target) process.on("exit", () => appendFileSync(target, `${process.resourceUsage().maxRSS}\n`));
if (phasesFile) process.on("exit", () => appendFileSync(phasesFile, `${JSON.stringify([...globalThis.__rotationPhases, ["exit", performance.now()]])}\n`));
