import { ExitCode } from "../errors.js";
import type { Runtime } from "../runtime.js";
import { Journal } from "../store/journal.js";
import { journalPath } from "../store/paths.js";
import { toJournalRecord } from "../store/record.js";
import { VERSION } from "../version.js";
import { computeCheck, planCheck, type CheckFlags, type CheckPlan } from "./check.js";
import { writeWarnings } from "./shared.js";

export interface LogFlags extends CheckFlags {
  journal?: string;
  replace?: boolean;
}

export interface LogPlan extends CheckPlan {
  journal: string;
  replace: boolean;
}

export function planLog(flags: LogFlags, env: Runtime["env"], cwd: string): LogPlan {
  return { ...planCheck(flags, env, cwd), journal: journalPath(flags.journal, env, cwd), replace: flags.replace ?? false };
}

/**
 * Appends the day's check to the journal, once per (trading date, configuration). Status goes
 * to stderr; with --json the record is printed on stdout.
 */
export async function log(plan: LogPlan, runtime: Runtime): Promise<number> {
  const { result, loaded, valuation } = await computeCheck(plan, runtime);
  writeWarnings(runtime, result.warnings);
  const record = toJournalRecord(result, {
    universe: plan.universe,
    window: plan.window,
    threshold: plan.threshold,
    source: loaded.info.kind,
    version: VERSION,
    writtenAt: runtime.now(),
    valuation,
  });
  const journal = new Journal(plan.journal);
  const { outcome, warnings } = await journal.append(record, { replace: plan.replace });
  writeWarnings(runtime, warnings);
  const signals = result.signals.length === 0 ? "no signal" : result.signals.map((s) => `${s.pair} ${s.signal}`).join(", ");
  const said = {
    appended: `logged ${record.asOf} (${signals}) to ${plan.journal}`,
    replaced: `replaced the record of ${record.asOf} (${signals}) in ${plan.journal}`,
    exists: `${record.asOf} is already logged in ${plan.journal}; nothing written (use --replace to overwrite)`,
  }[outcome];
  runtime.stderr.write(`rotation: ${said}\n`);
  if (plan.format === "json") runtime.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
  return plan.exitCode && result.signals.length > 0 ? ExitCode.signal : ExitCode.ok;
}
