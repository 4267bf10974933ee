// Preloaded into every timed process: on exit, write its peak resident set size (KiB) to a file.
import { appendFileSync } from "node:fs";
const target = process.env.ROTATION_BENCH_RSS_FILE;
if (target) process.on("exit", () => appendFileSync(target, `${process.resourceUsage().maxRSS}\n`));
