import type { CommandFlags } from "../settings/options.js";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { computeReport, type ReportRequest } from "../app/report.js";
import { ExitCode, UsageError } from "../errors.js";
import { fileError } from "../fs-errors.js";
import { writeOutputFile } from "../output/file.js";
import { writeWarnings } from "../output/stderr.js";
import type { Runtime } from "../runtime.js";
import { outputPath } from "../settings/paths.js";
import { parseGap } from "../settings/validators.js";
import { planCheck } from "./check-plan.js";

/** Flags as commander hands them over (derived from the option definitions: src/settings/options.ts). */
export type ReportFlags = CommandFlags<"report">;

export interface ReportPlan extends ReportRequest {
  /** Where the page goes: an HTML file, a Markdown file (pictures beside it), or "-" (HTML on stdout). */
  output: { kind: "html"; file: string } | { kind: "markdown"; file: string };
}

export function planReport(target: string | undefined, flags: ReportFlags, env: Runtime["env"], cwd: string): ReportPlan {
  const given = [target === "-" ? "-" : undefined, flags.html, flags.markdown].filter((x) => x !== undefined);
  if (target !== undefined && target !== "-") throw new UsageError(`report: "${target.slice(0, 40)}" is not an option; write the page with --html FILE, --markdown FILE, or - for standard output`);
  if (given.length !== 1) throw new UsageError("report: give exactly one of --html FILE, --markdown FILE or - (HTML on standard output)");
  const check = planCheck(flags, env, cwd);
  const output = flags.markdown !== undefined ? { kind: "markdown" as const, file: outputPath(flags.markdown, "--markdown", cwd)! } : { kind: "html" as const, file: target === "-" ? "-" : outputPath(flags.html, "--html", cwd)! };
  if (output.kind === "markdown" && output.file === "-") throw new UsageError("--markdown needs a file: its pictures are written beside it");
  return { ...check, gap: parseGap(flags.gap), output };
}

export async function report(plan: ReportPlan, runtime: Runtime): Promise<number> {
  const computed = await computeReport(plan, runtime);
  writeWarnings(runtime.stderr, computed.warnings);
  const { reportHtml, reportMarkdown } = await import("../output/report.js");
  if (plan.output.kind === "html") {
    await writeOutputFile(plan.output.file, reportHtml(computed), runtime.stdout);
    if (plan.output.file !== "-") runtime.stderr.write(`rotation: wrote ${plan.output.file}\n`);
    return ExitCode.ok;
  }
  const file = plan.output.file;
  const folderName = `${path.basename(file).replace(/\.(md|markdown)$/i, "")}-files`;
  const folder = path.join(path.dirname(file), folderName);
  const { text, images } = reportMarkdown(computed, folderName);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw fileError("cannot create", folder, error);
  }
  for (const image of images) await writeOutputFile(path.join(folder, image.file), image.svg, runtime.stdout);
  await writeOutputFile(file, text, runtime.stdout);
  runtime.stderr.write(`rotation: wrote ${file} and ${images.length} picture${images.length === 1 ? "" : "s"} in ${folder}\n`);
  return ExitCode.ok;
}
