import { DataError } from "../../errors.js";

/**
 * Kenneth French's Data Library CSV layout, read whole or refused: a preamble of prose; then
 * sections, each titled by one or more indented lines (a formula may span several), a header
 * row starting with a comma, and rows of `YYYYMM` (monthly) or `YYYY` (annual) with one number
 * per column, `-99.99` or `-999` for missing; a copyright line last; CRLF or LF.
 */
export interface FrenchSection {
  /** The section's title lines, trimmed, joined by a space. */
  title: string;
  columns: string[];
  /** "YYYY-MM" for a monthly section, "YYYY" for an annual one. */
  periods: string[];
  /** values[row][column]; null where the file says missing. */
  values: (number | null)[][];
  /** The file's line number of the header row (1-based), for messages. */
  line: number;
}

export interface FrenchFile {
  /** The CRSP database the file was made from, as its first line says (YYYYMM), or null. */
  vintage: string | null;
  sections: FrenchSection[];
}

const MISSING = new Set([-99.99, -999]);
const ROW = /^\s*(\d{4})(\d{2})?\s*,/;
const NUMBER = /^\s*-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;

/** `name` names the dataset in every message (e.g. 25_Portfolios_5x5). */
export function parseFrenchCsv(text: string, name: string): FrenchFile {
  const lines = text.split(/\r?\n/);
  const vintage = /using the (\d{6}) CRSP database/.exec(lines[0] ?? "")?.[1] ?? null;
  const sections: FrenchSection[] = [];
  let title: string[] = [];
  let i = 0;
  const fail = (line: number, what: string, section?: string): never => {
    throw new DataError(`French data ${name}, line ${line}${section ? ` (section "${section}")` : ""}: ${what}`);
  };
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.trim() === "") {
      title = [];
      i++;
      continue;
    }
    if (line.startsWith(",")) {
      if (title.length === 0) fail(i + 1, "a header row without a section title");
      const sectionTitle = title.join(" ");
      const columns = line.split(",").slice(1).map((c) => c.trim());
      if (columns.some((c) => c === "")) fail(i + 1, "an empty column name in the header row", sectionTitle);
      const section: FrenchSection = { title: sectionTitle, columns, periods: [], values: [], line: i + 1 };
      i++;
      let monthly: boolean | null = null;
      for (; i < lines.length; i++) {
        const row = lines[i] as string;
        const period = ROW.exec(row);
        if (!period) break;
        const isMonthly = period[2] !== undefined;
        monthly ??= isMonthly;
        if (isMonthly !== monthly) fail(i + 1, "a yearly row among monthly ones (or the reverse)", sectionTitle);
        const cells = row.split(",").slice(1);
        if (cells.length !== columns.length) fail(i + 1, `${cells.length} values, expected ${columns.length}`, sectionTitle);
        const values = cells.map((cell) => {
          if (!NUMBER.test(cell)) fail(i + 1, `"${cell.trim().slice(0, 20)}" is not a number`, sectionTitle);
          const value = Number(cell);
          return MISSING.has(value) ? null : value;
        });
        const label = isMonthly ? `${period[1]}-${period[2]}` : (period[1] as string);
        if (isMonthly && (Number(period[2]) < 1 || Number(period[2]) > 12)) fail(i + 1, `${period[1]}${period[2]} is not a month`, sectionTitle);
        const previous = section.periods.at(-1);
        if (previous !== undefined && label <= previous) fail(i + 1, `${label} does not follow ${previous}`, sectionTitle);
        section.periods.push(label);
        section.values.push(values);
      }
      if (section.periods.length === 0) fail(section.line, "a section without rows", sectionTitle);
      const next = lines[i];
      // A section ends at a blank line or the end of the file; anything else is a damaged row.
      if (next !== undefined && next.trim() !== "" && !/^\s*[A-Za-z]/.test(next)) fail(i + 1, "a row that is not YYYYMM or YYYY followed by numbers", sectionTitle);
      sections.push(section);
      title = [];
      continue;
    }
    // A title line (indented prose) or the preamble; a row of numbers here has lost its header.
    if (ROW.test(line)) fail(i + 1, "a row of numbers outside any section");
    title.push(line.trim());
    i++;
  }
  if (sections.length === 0) throw new DataError(`French data ${name}: no section found (is it a file of the Data Library?)`);
  return { vintage, sections };
}

/** The one section whose title contains `words` (spaces folded); refused when absent or repeated. */
export function sectionTitled(file: FrenchFile, words: string, name: string): FrenchSection {
  const fold = (text: string) => text.replace(/\s+/g, " ").toLowerCase();
  const found = file.sections.filter((s) => fold(s.title).includes(fold(words)));
  if (found.length !== 1) {
    throw new DataError(`French data ${name}: ${found.length === 0 ? "no" : `${found.length}`} section titled "${words}"${found.length === 0 ? " (has the library changed its layout?)" : ""}`);
  }
  return found[0] as FrenchSection;
}
