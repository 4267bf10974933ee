import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { PROJECT_ROOT, FIXTURE_PRICES } from "../helpers/paths.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, validateFormats: false });
  for (const name of ["check", "episodes", "rrg", "journal-record", "history", "valuation", "grid"]) {
    ajv.addSchema(JSON.parse(readFileSync(path.join(PROJECT_ROOT, "schema", `${name}.schema.json`), "utf8")), `${name}.schema.json`);
  }
  return (name: string, document: unknown) => {
    const validate = ajv.getSchema(`${name}.schema.json`)!;
    const ok = validate(document);
    if (!ok) throw new Error(`${name}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
    return ok;
  };
}

describe(`real output validates against the documented schemas`, () => {
  const validate = validator();
  it("check, episodes, rrg, log and history", () => {
    const base = ["--data", FIXTURE_PRICES, "--as-of", "2024-07-16"];
    expect(validate("check", JSON.parse(runCli(["check", ...base, "--json"]).stdout))).toBe(true);
    // A pair with too little history: nulls where the schema allows them.
    expect(validate("check", JSON.parse(runCli(["check", "--data", FIXTURE_PRICES, "--as-of", "2000-09-01", "--pairs", "IWM:SPY", "--json"]).stdout))).toBe(true);
    expect(validate("episodes", JSON.parse(runCli(["episodes", ...base, "--pairs", "IWM:SPY,IJR:SPY", "--json"]).stdout))).toBe(true);
    expect(validate("rrg", JSON.parse(runCli(["rrg", ...base, "--json"]).stdout))).toBe(true);
    expect(validate("grid", JSON.parse(runCli(["grid", ...base, "--json"]).stdout))).toBe(true);
    expect(validate("grid", JSON.parse(runCli(["grid", ...base, "--family", "russell", "--window", "10", "--json"]).stdout))).toBe(true);
    const journal = path.join(mkdtempSync(path.join(tmpdir(), "rotation-schema-")), "j.jsonl");
    const logged = JSON.parse(runCli(["log", ...base, "--journal", journal, "--json"]).stdout);
    expect(validate("journal-record", logged)).toBe(true);
    expect(validate("history", JSON.parse(runCli(["history", "--journal", journal, "--json"]).stdout))).toBe(true);
    const csv = path.join(path.dirname(journal), "v.csv");
    writeFileSync(csv, "Date,Symbol,TrailingPE,ForwardPE\n2024-07-15,IWM,16,\n2024-07-15,SPY,25,21\n2024-07-16,IWM,17,\n2024-07-16,SPY,25,21\n");
    const store = path.join(path.dirname(journal), "v.jsonl");
    runCli(["valuation", "import", csv, "--store", store]);
    expect(validate("valuation", JSON.parse(runCli(["valuation", "--store", store, "--offline", "--min-history", "1", "--json"]).stdout))).toBe(true);
    const withValuation = JSON.parse(runCli(["check", ...base, "--json"], { ROTATION_VALUATION_STORE: store }).stdout);
    expect(withValuation.valuation).not.toBeNull();
    expect(validate("check", withValuation)).toBe(true);
  });
  it("the schemas refuse what the contract forbids", () => {
    expect(() => validate("journal-record", { schemaVersion: 2 })).toThrow();
  });
});
