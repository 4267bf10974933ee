// Writes man/rotation.1 from the built program (run by `npm run build`), so the manual lists
// exactly the commands and options the program has.
import { mkdirSync, writeFileSync } from "node:fs";
import { buildProgram } from "../dist/program.js";
import { manPage } from "../dist/output/completion.js";
import { VERSION } from "../dist/version.js";

const quiet = { write: () => true };
const program = buildProgram({ env: {}, cwd: process.cwd(), stdout: quiet, stderr: quiet, now: () => new Date(), fetch: globalThis.fetch }, () => undefined);
mkdirSync(new URL("../man/", import.meta.url), { recursive: true });
// The date of the version, not of the build: the page is the same on every machine.
writeFileSync(new URL("../man/rotation.1", import.meta.url), manPage(program, VERSION, "2026-11"));
