import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PRICE_SOURCE_KINDS, PROVIDERS } from "../../src/sources/providers.js";
import { chooseSource, sourceKind } from "../../src/settings/source.js";
import { PROJECT_ROOT } from "../helpers/paths.js";

/** Every .ts file under a folder, relative to the project. */
function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const file = path.join(folder, name);
    return statSync(file).isDirectory() ? sourceFiles(file) : file.endsWith(".ts") ? [path.relative(PROJECT_ROOT, file)] : [];
  });
}

describe("the provider registry", () => {
  it("derives the price-source kinds: yahoo, tiingo, csv and sample serve prices; french a valuation history", () => {
    expect(PRICE_SOURCE_KINDS).toEqual(["yahoo", "tiingo", "csv", "sample"]);
    expect(PROVIDERS.french.serves).toBe("valuation-history");
  });

  it('names a provider\'s kind only inside its folder and the registry: "yahoo" nowhere else in src', () => {
    for (const kind of Object.keys(PROVIDERS)) {
      const outside = sourceFiles(path.join(PROJECT_ROOT, "src"))
        .filter((file) => !file.startsWith(`src/sources/${kind}/`) && file !== "src/sources/providers.ts")
        .filter((file) => readFileSync(path.join(PROJECT_ROOT, file), "utf8").includes(`"${kind}"`));
      // csv and sample are also words of the output formats (--format csv) and of the CSV reader's messages.
      if (kind === "csv" || kind === "sample") continue;
      expect(outside, `"${kind}" outside its folder`).toEqual([]);
    }
  });

  it("the JSON Schemas' source enums are the registry's kinds (npm run schemas writes them)", () => {
    const schema = (name: string) => readFileSync(path.join(PROJECT_ROOT, "schema", name), "utf8");
    const enums = (text: string): string[][] => {
      const found: string[][] = [];
      const walk = (node: unknown): void => {
        if (Array.isArray(node)) return node.forEach(walk);
        if (typeof node !== "object" || node === null) return;
        const value = (node as { enum?: unknown }).enum;
        if (Array.isArray(value) && value.includes("csv")) found.push(value as string[]);
        Object.values(node).forEach(walk);
      };
      walk(JSON.parse(text));
      return found;
    };
    for (const name of ["check.schema.json", "episodes.schema.json", "grid.schema.json", "rrg.schema.json", "drivers.schema.json"]) expect(enums(schema(name)), name).toEqual([PRICE_SOURCE_KINDS]);
    expect(enums(schema("journal-record.schema.json"))).toEqual([PRICE_SOURCE_KINDS.filter((kind) => kind !== "sample")]);
  });

  it("--source, --data, --sample, ROTATION_SOURCE and ROTATION_DATA choose one provider, and contradictions are refused", () => {
    expect(sourceKind({}, {})).toBe("yahoo");
    expect(sourceKind({ source: "tiingo" }, { ROTATION_DATA: "/d" })).toBe("tiingo");
    expect(sourceKind({}, { ROTATION_DATA: "/d" })).toBe("csv");
    expect(sourceKind({}, { ROTATION_SOURCE: "tiingo", ROTATION_DATA: "/d" })).toBe("tiingo");
    expect(sourceKind({ data: "/d" }, { ROTATION_SOURCE: "tiingo" })).toBe("csv");
    expect(sourceKind({ sample: true }, {})).toBe("sample");
    expect(() => sourceKind({ source: "stooq" }, {})).toThrow('--source must be yahoo, tiingo, csv or sample, got "stooq"');
    expect(() => sourceKind({ source: "tiingo", data: "/d" }, {})).toThrow("--source tiingo and --data contradict each other: --data reads CSV files (--source csv)");
    expect(() => sourceKind({ source: "yahoo", sample: true }, {})).toThrow("--source yahoo and --sample contradict each other");
    expect(() => chooseSource({ source: "csv" }, {}, "/")).toThrow("--source csv needs the folder of CSV files: --data DIR (or ROTATION_DATA)");
    expect(chooseSource({ source: "tiingo", timeout: "5" }, { TIINGO_API_KEY: " k ", ROTATION_CACHE_DIR: "/c" }, "/")).toEqual({
      kind: "tiingo",
      cacheDir: "/c/tiingo",
      offline: false,
      refresh: false,
      timeoutMs: 5000,
      fallback: true,
      baseUrl: "https://api.tiingo.com/",
      token: "k",
      partial: false,
    });
  });
});

/**
 * The registry's promise, proved: a copy of src/ with one more folder (sources/fake/) and its
 * line in PROVIDERS serves `--source fake` through the whole CLI (help, config, check --json),
 * and the copy type-checks, so every type derived from the registry accepts the newcomer.
 */
describe("a new provider is its folder and its line in PROVIDERS", () => {
  const copy = path.join(PROJECT_ROOT, "test", `.fake-provider-${process.pid}`);
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it("serves --source fake through the CLI", async () => {
    rmSync(copy, { recursive: true, force: true });
    cpSync(path.join(PROJECT_ROOT, "src"), path.join(copy, "src"), { recursive: true });
    cpSync(path.join(PROJECT_ROOT, "package.json"), path.join(copy, "package.json"));
    mkdirSync(path.join(copy, "src", "sources", "fake"));
    writeFileSync(
      path.join(copy, "src", "sources", "fake", "index.ts"),
      `import { definePriceProvider, type PriceSource } from "../source.js";

/** Two made-up funds: AAA gains 1% a session, BBB 0.5%, on weekdays from 2024-01-01. */
export const fakeProvider = definePriceProvider<{ drift: number }>({
  serves: "prices",
  title: "Fake Feed",
  summary: "made-up closes for tests",
  live: false,
  choose: ({ env }) => ({ drift: Number(env.FAKE_DRIFT ?? "0.01") }),
  async open(choice): Promise<PriceSource> {
    return {
      async load(symbols) {
        const dates: string[] = [];
        for (let day = new Date("2024-01-01T00:00:00Z"); dates.length < 300; day = new Date(day.getTime() + 86_400_000)) {
          if (day.getUTCDay() !== 0 && day.getUTCDay() !== 6) dates.push(day.toISOString().slice(0, 10));
        }
        const growth: Record<string, number> = { AAA: choice.drift, BBB: choice.drift / 2 };
        const series = new Map(symbols.map((symbol) => [symbol, { symbol, dates, closes: dates.map((_, i) => 100 * (1 + (growth[symbol] ?? 0)) ** i) }]));
        return { series, warnings: [], failures: [], info: { kind: "fake" } };
      },
    };
  },
  describe: (choice) => \`Fake Feed drifting \${choice.drift}\`,
  provenance: () => "Fake Feed",
});
`,
    );
    const registry = path.join(copy, "src", "sources", "providers.ts");
    const text = readFileSync(registry, "utf8");
    writeFileSync(registry, text.replace("export const PROVIDERS = {\n", 'export const PROVIDERS = {\n  fake: (await import("./fake/index.js")).fakeProvider,\n'));

    const { run } = (await import(path.join(copy, "src", "run.ts"))) as typeof import("../../src/run.js");
    const runtime = (env: Record<string, string> = {}) => {
      const out: string[] = [];
      const err: string[] = [];
      return {
        out,
        err,
        runtime: { env: { ROTATION_CACHE_DIR: path.join(copy, "cache"), ROTATION_CONFIG: path.join(copy, "none.json"), ...env }, cwd: copy, stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) }, now: () => new Date("2024-12-01T00:00:00Z"), fetch: () => Promise.reject(new Error("no network")) },
      };
    };
    const help = runtime();
    expect(await run(["check", "--help"], help.runtime)).toBe(0);
    expect(help.out.join("").replace(/\s+/g, " ")).toMatch(/where prices come from: fake, yahoo, tiingo, csv, sample/);

    const check = runtime();
    writeFileSync(path.join(copy, "none.json"), "{}");
    expect(await run(["check", "--source", "fake", "--pairs", "AAA:BBB", "--json"], check.runtime), check.err.join("")).toBe(0);
    const doc = JSON.parse(check.out.join(""));
    expect(doc.source).toMatchObject({ kind: "fake" });
    // Five sessions of 1% against five of 0.5%, computed here.
    expect(doc.pairs[0].surge.value).toBeCloseTo(1.01 ** 5 - 1.005 ** 5, 12);

    const config = runtime({ ROTATION_SOURCE: "fake", FAKE_DRIFT: "0.02" });
    expect(await run(["config"], config.runtime)).toBe(0);
    expect(config.out.join("")).toContain("Prices: Fake Feed drifting 0.02.");

    writeFileSync(path.join(copy, "tsconfig.json"), JSON.stringify({ extends: "../../tsconfig.json", compilerOptions: { noEmit: true, rootDir: "." }, include: ["src"], exclude: [] }));
    const typecheck = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(copy, "tsconfig.json")], { encoding: "utf8" });
    expect(typecheck.stdout + typecheck.stderr).toBe("");
    expect(typecheck.status).toBe(0);
  }, 120_000);
});
