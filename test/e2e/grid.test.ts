import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { expectCleanOutput, runCli } from "../helpers/cli.js";
import { FIXTURE_PRICES, readFixtureCloses } from "../helpers/paths.js";

/** Independent: a fund's return over `days` trading days to `asOf`, and over the common dates with a benchmark. */
function reference(symbol: string, benchmark: string, asOf: string, days: number) {
  const a = readFixtureCloses(symbol);
  const b = readFixtureCloses(benchmark);
  const own = [...a.keys()].filter((d) => d <= asOf).sort();
  const common = own.filter((d) => b.has(d));
  const ret = (m: Map<string, number>, dates: string[]) => m.get(dates.at(-1)!)! / m.get(dates.at(-1 - days)!)! - 1;
  return { own: ret(a, own), relative: ret(a, common) - ret(b, common) };
}

describe("rotation grid", () => {
  it("the S&P family as of 2024-07-16: returns and relative returns computed independently", () => {
    const result = runCli(["grid", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--json"]);
    expectCleanOutput(result);
    expect(result.status).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({ schemaVersion: 1, asOf: "2024-07-16", benchmark: "IVV", window: 5 });
    expect(doc.cells.map((c: { size: string; style: string; symbol: string }) => `${c.size}:${c.style}=${c.symbol}`)).toEqual([
      "small:value=IJS", "small:blend=IJR", "small:growth=IJT", "mid:value=IJJ", "mid:blend=IJH", "mid:growth=IJK", "large:value=IVE", "large:blend=IVV", "large:growth=IVW",
    ]);
    for (const cell of doc.cells.filter((c: { symbol: string }) => c.symbol !== "IVV")) {
      for (const days of [5, 21, 63]) {
        const expected = reference(cell.symbol, "IVV", "2024-07-16", days);
        expect(cell.returns[`d${days}`]).toBeCloseTo(expected.own, 12);
        expect(cell.relative[`d${days}`]).toBeCloseTo(expected.relative, 12);
      }
      expect(cell.surge.value).toBeCloseTo(cell.relative.d5, 12);
    }
    const ivv = doc.cells.find((c: { symbol: string }) => c.symbol === "IVV");
    expect(ivv.relative).toBeNull();
    expect(ivv.surge).toBeNull();
  });

  it("the Russell family shows its missing mid value cell empty, not as an error; --window picks one horizon", () => {
    const result = runCli(["grid", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--family", "russell", "--window", "21"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/│ mid +│ +— │ +IWR /);
    expect(result.stdout).toContain("21-day");
    expect(result.stdout).not.toContain("63-day");
    const doc = JSON.parse(runCli(["grid", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--family", "russell", "--json"]).stdout);
    expect(doc.cells.find((c: { size: string; style: string }) => c.size === "mid" && c.style === "value")).toEqual({ size: "mid", style: "value", symbol: null, date: null, returns: {}, relative: null, surge: null });
    expect(doc.benchmark).toBe("IWB");
  });

  it("--cells replaces cells, --benchmark the benchmark; CSV and NDJSON have one record per cell", () => {
    const csv = parse(runCli(["grid", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--cells", "small:blend=IWM", "--benchmark", "SPY", "--csv"]).stdout, { columns: true }) as Record<string, string>[];
    expect(csv).toHaveLength(9);
    const iwm = csv.find((r) => r.symbol === "IWM")!;
    expect(Number(iwm.rel5d)).toBeCloseTo(reference("IWM", "SPY", "2024-07-16", 5).relative, 10);
    expect(iwm.benchmark).toBe("SPY");
    const lines = runCli(["grid", "--data", FIXTURE_PRICES, "--as-of", "2024-07-16", "--format", "ndjson"]).stdout.trim().split("\n");
    expect(lines).toHaveLength(9);
    expect(JSON.parse(lines[0]!)).toMatchObject({ schemaVersion: 1, asOf: "2024-07-16", size: "small", style: "value" });
  });

  it("refuses a bad family or cell as usage errors", () => {
    expect(runCli(["grid", "--family", "msci"]).stderr).toBe('rotation: --family must be sp or russell, got "msci"\n');
    expect(runCli(["grid", "--cells", "tiny:value=X"]).status).toBe(2);
  });
});
