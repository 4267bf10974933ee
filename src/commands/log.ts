import type { CommandFlags } from "../settings/options.js";
import { logCheck, type LogRequest } from "../app/journal.js";
import { alertsFor, failedAlert, sendAlerts, type NotifyRequest } from "../app/notify.js";
import { ExitCode, RotationError } from "../errors.js";
import { configKey } from "../store/record.js";
import { DEFAULTS } from "../settings/defaults.js";
import { parseChoice, parseNotifyUrls } from "../settings/validators.js";
import { jsonDocument } from "../output/columns.js";
import { writeWarnings } from "../output/stderr.js";
import type { Runtime } from "../runtime.js";
import { journalPath } from "../settings/paths.js";
import { planCheck, type CheckPlan } from "./check-plan.js";

/** Flags as commander hands them over (derived from the option definitions: src/settings/options.ts). */
export type LogFlags = CommandFlags<"log">;

export interface LogPlan extends CheckPlan, LogRequest {
  notify: NotifyRequest;
}

export function planLog(flags: LogFlags, env: Runtime["env"], cwd: string): LogPlan {
  const format = parseChoice<NotifyRequest["format"]>(flags.notifyFormat, "--notify-format", ["json", "text"], DEFAULTS.notifyFormat);
  return { ...planCheck(flags, env, cwd), journal: journalPath(flags.journal, env, cwd), replace: flags.replace ?? false, allowStale: flags.allowStale ?? false, notify: { urls: parseNotifyUrls(flags.notify, env), format } };
}

/**
 * Appends the day's check to the journal, once per (trading date, configuration). Status goes
 * to stderr; with --json the record is printed on stdout.
 */
export async function log(plan: LogPlan, runtime: Runtime): Promise<number> {
  let logged;
  try {
    logged = await logCheck(plan, runtime, (check) => writeWarnings(runtime.stderr, check.result.warnings));
  } catch (error) {
    // A failed run is news too: said once per day and configuration, then the error as ever.
    if (error instanceof RotationError && error.exitCode === ExitCode.failure) {
      const key = configKey(plan.universe, plan.window, plan.threshold, plan.lookback);
      writeWarnings(runtime.stderr, await sendAlerts([failedAlert(error.message, runtime.now())], { journal: plan.journal, configKey: key, record: null }, plan.notify, runtime));
    }
    throw error;
  }
  const { record, outcome, check } = logged;
  writeWarnings(runtime.stderr, logged.journalWarnings);
  // Also when the day is already logged: an event a failed delivery left unsent goes out now
  // (what was delivered is in JOURNAL.notified, so nothing is sent twice).
  if (plan.notify.urls.length > 0) {
    writeWarnings(runtime.stderr, await sendAlerts(await alertsFor(plan.journal, record), { journal: plan.journal, configKey: record.configKey, record }, plan.notify, runtime));
  }
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
