import { computeCheck, recentRatios, streamCheck } from "../app/check.js";
import { lookbackText } from "../core/lookback.js";
import { ExitCode } from "../errors.js";
import { phaseDone } from "../phases.js";
import { checkNdjsonLine, checkToCsv, checkToJson, checkToNdjson } from "../output/check.js";
import { headlinesOf } from "../output/headlines.js";
import { progressReporter, writeWarnings } from "../output/stderr.js";
import type { Runtime } from "../runtime.js";
import type { OutputFormat } from "../settings/validators.js";
import type { CheckPlan } from "./check-plan.js";

export { planCheck, type CheckFlags, type CheckPlan } from "./check-plan.js";

/** Days of each pair's ratio drawn as a sparkline in the terminal table. */
const SPARKLINE_DAYS = 63;

export async function check(plan: CheckPlan, runtime: Runtime): Promise<number> {
  phaseDone("start");
  if (plan.format === "ndjson") return checkStreamed(plan, runtime);
  const outcome = await computeCheck(plan, runtime, progressReporter(runtime.stderr));
  phaseDone("compute");
  const { result, loaded, valuation, history, context } = outcome;
  writeWarnings(runtime.stderr, result.warnings);
  const headlines = headlinesOf(result, { threshold: plan.threshold, valuation });
  const render: Record<OutputFormat, () => Promise<string> | string> = {
    // Table and colour code (cli-table3, chalk) load only for people; scripts never pay for them.
    table: async () => {
      const [{ renderCheckTable }, { styleFor }, { sparkline }] = await Promise.all([import("../output/check.js"), import("../output/style.js"), import("../output/sparkline.js")]);
      const onTerminal = runtime.stdout.isTTY === true;
      const sparklines = onTerminal ? new Map([...recentRatios(outcome, SPARKLINE_DAYS)].map(([pair, ratios]) => [pair, sparkline(ratios)])) : null;
      return renderCheckTable(result, styleFor(plan.color, runtime.stdout, runtime.env), { valuation, sparklines, width: onTerminal ? runtime.stdout.columns : undefined, source: loaded.info, headlines, threshold: plan.threshold, history, context });
    },
    json: () => checkToJson(result, { source: loaded.info, window: plan.window, threshold: plan.threshold, lookback: lookbackText(plan.lookback), valuation, history, headlines, context }),
    ndjson: () => checkToNdjson(result),
    csv: () => checkToCsv(result),
  };
  runtime.stdout.write(await render[plan.format]());
  phaseDone("output");
  return plan.exitCode && result.signals.length > 0 ? ExitCode.signal : ExitCode.ok;
}

/**
 * --format ndjson: a line per pair written as soon as the pair is computed, a chunk of pairs
 * at a time, so that a universe of thousands of funds needs the memory of a chunk (streamCheck).
 * The lines are those checkToNdjson makes of the whole result; warnings follow them on stderr.
 */
async function checkStreamed(plan: CheckPlan, runtime: Runtime): Promise<number> {
  const streamed = await streamCheck(plan, runtime, (pair, asOf) => runtime.stdout.write(checkNdjsonLine(pair, asOf)), progressReporter(runtime.stderr));
  phaseDone("output");
  writeWarnings(runtime.stderr, streamed.warnings);
  return plan.exitCode && streamed.signals > 0 ? ExitCode.signal : ExitCode.ok;
}
