import { logCheck, type LogRequest } from "../app/journal.js";
import { ExitCode } from "../errors.js";
import { jsonDocument } from "../output/columns.js";
import { writeWarnings } from "../output/stderr.js";
import type { Runtime } from "../runtime.js";
import { journalPath } from "../settings/paths.js";
import { planCheck, type CheckFlags, type CheckPlan } from "./check-plan.js";

export interface LogFlags extends CheckFlags {
  journal?: string;
  replace?: boolean;
}

export interface LogPlan extends CheckPlan, LogRequest {}

export function planLog(flags: LogFlags, env: Runtime["env"], cwd: string): LogPlan {
  return { ...planCheck(flags, env, cwd), journal: journalPath(flags.journal, env, cwd), replace: flags.replace ?? false };
}

/**
 * Appends the day's check to the journal, once per (trading date, configuration). Status goes
 * to stderr; with --json the record is printed on stdout.
 */
export async function log(plan: LogPlan, runtime: Runtime): Promise<number> {
  const logged = await logCheck(plan, runtime, (check) => writeWarnings(runtime.stderr, check.result.warnings));
  const { record, outcome, check } = logged;
  writeWarnings(runtime.stderr, logged.journalWarnings);
  const signals = check.result.signals.length === 0 ? "no signal" : check.result.signals.map((s) => `${s.pair} ${s.signal}`).join(", ");
  const said = {
    appended: `logged ${record.asOf} (${signals}) to ${plan.journal}`,
    replaced: `replaced the record of ${record.asOf} (${signals}) in ${plan.journal}`,
    exists: `${record.asOf} is already logged in ${plan.journal}; nothing written (use --replace to overwrite)`,
  }[outcome];
  runtime.stderr.write(`rotation: ${said}\n`);
  if (plan.format === "json") runtime.stdout.write(jsonDocument(record));
  // Exit 3 only for a record this run wrote: a re-run on the same day must not alert twice.
  const wrote = outcome === "appended" || outcome === "replaced";
  return plan.exitCode && wrote && check.result.signals.length > 0 ? ExitCode.signal : ExitCode.ok;
}
