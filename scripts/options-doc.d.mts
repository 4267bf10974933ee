// Types of options-doc.mjs, for test/options-doc.test.ts.
export const ROOT: string;
export const README: string;
export function optionTable(command: string): string;
export function withTables(text: string): { text: string; changed: string[] };
