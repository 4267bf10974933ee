// Writes the price-source enums of the JSON Schemas from the provider registry
// (src/sources/providers.ts), so that adding a provider never means editing five schemas by
// hand: `npm run schemas` after a new line in PROVIDERS. test/sources/providers.test.ts checks
// that the committed schemas agree with the registry.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const { PRICE_SOURCE_KINDS } = await import(new URL("../dist/sources/providers.js", import.meta.url).href);

/** The schemas and, for each, the kinds it allows: a journal never records the bundled sample. */
export const SOURCE_ENUMS = {
  "check.schema.json": PRICE_SOURCE_KINDS,
  "episodes.schema.json": PRICE_SOURCE_KINDS,
  "grid.schema.json": PRICE_SOURCE_KINDS,
  "rrg.schema.json": PRICE_SOURCE_KINDS,
  "drivers.schema.json": PRICE_SOURCE_KINDS,
  "journal-record.schema.json": PRICE_SOURCE_KINDS.filter((kind) => kind !== "sample"),
};

/** Every enum that lists price sources (the one that holds "csv"), replaced in place. */
function rewrite(node, kinds) {
  if (Array.isArray(node)) return node.forEach((item) => rewrite(item, kinds));
  if (typeof node !== "object" || node === null) return;
  if (Array.isArray(node.enum) && node.enum.includes("csv")) node.enum = [...kinds];
  for (const value of Object.values(node)) rewrite(value, kinds);
}

for (const [name, kinds] of Object.entries(SOURCE_ENUMS)) {
  const file = fileURLToPath(new URL(`../schema/${name}`, import.meta.url));
  const schema = JSON.parse(readFileSync(file, "utf8"));
  rewrite(schema, kinds);
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
}
