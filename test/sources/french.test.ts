import { chmodSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseFrenchCsv, sectionTitled } from "../../src/sources/french/format.js";
import { frenchBaseUrl } from "../../src/sources/french/index.js";
import { loadFrenchDataset, sizeBookToMarketOf, type FrenchRequest } from "../../src/sources/french/provider.js";
import { fixtureZip, FRENCH_FIXTURES, FrenchServer, zipOf } from "../helpers/french-server.js";

const crlf = readFileSync(path.join(FRENCH_FIXTURES, "25_Portfolios_5x5.CSV"), "latin1");
const lf = readFileSync(path.join(FRENCH_FIXTURES, "25_Portfolios_5x5-lf.CSV"), "latin1");

describe("the Data Library's CSV layout", () => {
  it("reads the real extract the same with CRLF and LF: vintage, sections with multi-line titles, months", () => {
    const a = parseFrenchCsv(crlf, "25_Portfolios_5x5");
    const b = parseFrenchCsv(lf, "25_Portfolios_5x5");
    expect(crlf.includes("\r\n")).toBe(true);
    expect(lf.includes("\r")).toBe(false);
    expect(b).toEqual(a);
    expect(a.vintage).toBe("202408");
    expect(a.sections.map((s) => s.title.slice(0, 40))).toEqual(["Average Value Weighted Returns -- Monthl", "Number of Firms in Portfolios", "Average Market Cap", "For portfolios formed in June of year t "]);
    const book = sectionTitled(a, "BE_FYt-1/ME_June t", "x");
    expect(book.title).toContain("Sum[ME(Mth) * BE(Fiscal Year t-1) / ME(Jun t)] / Sum[ME(Mth)]");
    expect(book.columns).toHaveLength(25);
    expect(book.columns[0]).toBe("SMALL LoBM");
    expect(book.periods[0]).toBe("2003-07");
    expect(book.periods.at(-1)).toBe("2024-08");
    // 2024-07, SMALL HiBM: the value of the row, as written.
    expect(book.values[book.periods.indexOf("2024-07")]?.[4]).toBe(4.8283);
  });

  it("reads -99.99 and -999 as missing, and yearly sections as years", () => {
    const file = parseFrenchCsv("x using the 202001 CRSP database.\n\n  Monthly\n,A,B\n202001,  1.5, -99.99\n202002, -999,   2\n\n  Annual\n,A,B\n2019, 1, 2\n2020, 3, 4\n\nCopyright\n", "tiny");
    expect(file.sections[0]?.values).toEqual([[1.5, null], [null, 2]]);
    expect(file.sections[1]?.periods).toEqual(["2019", "2020"]);
  });

  it("refuses a damaged file whole, naming the section and the line", () => {
    const lines = lf.split("\n");
    const row = lines.findIndex((l) => l.startsWith("201001,"));
    const short = [...lines];
    short[row] = short[row]!.split(",").slice(0, 20).join(",");
    expect(() => parseFrenchCsv(short.join("\n"), "25_Portfolios_5x5")).toThrow(`French data 25_Portfolios_5x5, line ${row + 1} (section "Number of Firms in Portfolios"): 19 values, expected 25`);
    const word = [...lines];
    word[row] = word[row]!.replace(/,\s*[\d.]+,/, ", abc,");
    expect(() => parseFrenchCsv(word.join("\n"), "25_Portfolios_5x5")).toThrow(/line \d+ \(section "Number of Firms in Portfolios"\): "abc" is not a number/);
    const orphan = [...lines];
    orphan.splice(row, 0, "", "200001, 1, 2");
    expect(() => parseFrenchCsv(orphan.join("\n"), "25_Portfolios_5x5")).toThrow(/a row of numbers outside any section/);
    // A section moved away (renamed): the series cannot be built, said with its title.
    const moved = lf.replace("BE_FYt-1/ME_June t", "BE/ME at June");
    expect(() => sizeBookToMarketOf(parseFrenchCsv(moved, "25_Portfolios_5x5"), "25_Portfolios_5x5")).toThrow('French data 25_Portfolios_5x5: no section titled "BE_FYt-1/ME_June t" (has the library changed its layout?)');
  });

  it("ROTATION_FRENCH_URL: a base URL, its trailing slash added; anything else a usage error", () => {
    expect(frenchBaseUrl({})).toBe("https://mba.tuck.dartmouth.edu/pages/faculty/ken.french/ftp/");
    expect(frenchBaseUrl({ ROTATION_FRENCH_URL: "http://127.0.0.1:8000/ftp" })).toBe("http://127.0.0.1:8000/ftp/");
    expect(() => frenchBaseUrl({ ROTATION_FRENCH_URL: "ftp://x/" })).toThrow(/^ROTATION_FRENCH_URL must be an http: or https: URL, got "ftp:\/\/x\/"$/);
    expect(() => frenchBaseUrl({ ROTATION_FRENCH_URL: "not a url" })).toThrow(/is not a URL/);
  });
});

describe("downloading and caching a dataset (a stand-in library on 127.0.0.1)", () => {
  const server = new FrenchServer();
  let base = "";
  beforeAll(async () => {
    base = await server.start();
  });
  afterAll(() => server.stop());

  const request = (cacheDir: string, now = "2026-12-04T12:00:00Z", extra: Partial<FrenchRequest> = {}): FrenchRequest => ({
    name: "25_Portfolios_5x5",
    cacheDir,
    baseUrl: base,
    offline: false,
    timeoutMs: 5_000,
    fetch: globalThis.fetch,
    now: () => new Date(now),
    retry: { tries: 1, sleep: async () => undefined },
    ...extra,
  });
  const fresh = () => mkdtempSync(path.join(tmpdir(), "rotation-french-"));

  it("cold: downloads once, caches the CSV and its record (vintage, SHA-256) readable by its owner only; warm: no request for a month; then a refresh", async () => {
    server.answer = () => ({ status: 200, body: fixtureZip() });
    const dir = fresh();
    const before = server.requests.length;
    const cold = await loadFrenchDataset(request(dir));
    expect(cold.warnings).toEqual([]);
    expect(cold.dataset).toMatchObject({ name: "25_Portfolios_5x5", vintage: "202408", url: `${base}25_Portfolios_5x5_CSV.zip` });
    expect(cold.dataset?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(cold.dataset?.series.map((s) => s.id)).toEqual(["q1-q5", "q12-q45"]);
    expect(server.requests.length).toBe(before + 1);
    for (const file of ["25_Portfolios_5x5.csv", "25_Portfolios_5x5.json"]) expect(statSync(path.join(dir, "french", file)).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(dir, "french", "25_Portfolios_5x5.csv"), "latin1")).toBe(crlf);
    const warm = await loadFrenchDataset(request(dir, "2026-12-30T12:00:00Z"));
    expect(warm.dataset).toEqual(cold.dataset);
    expect(server.requests.length).toBe(before + 1);
    const month = await loadFrenchDataset(request(dir, "2027-01-05T12:00:00Z"));
    expect(server.requests.length).toBe(before + 2);
    expect(month.dataset?.fetchedAt).toBe("2027-01-05T12:00:00.000Z");
    // Offline, any age: the cache, no request.
    expect((await loadFrenchDataset(request(dir, "2030-01-01T00:00:00Z", { offline: true }))).dataset?.sha256).toBe(cold.dataset?.sha256);
    expect(server.requests.length).toBe(before + 2);
  });

  it("every failure of the library is one warning and no history (or the cache, said so), never an error", async () => {
    const cases: [string, () => { status: number; type?: string; body: Uint8Array | string }, RegExp][] = [
      ["404", () => ({ status: 404, type: "text/html", body: "<html>Not Found</html>" }), /answered HTTP 404 \(no such dataset\); no valuation history$/],
      ["a web page instead of a zip", () => ({ status: 200, type: "text/html", body: "<!DOCTYPE html><html><body>Please log in</body></html>" }), /sent a web page instead of a zip; no valuation history$/],
      ["a truncated zip", () => ({ status: 200, body: fixtureZip().subarray(0, 30_000) }), /is damaged .*was the download cut short\?; no valuation history$/],
      ["a file whose sections moved", () => ({ status: 200, body: zipOf(lf.replace("Average Market Cap", "Average Firm Size")) }), /no section titled "Average Market Cap" \(has the library changed its layout\?\); no valuation history$/],
      ["a damaged row", () => ({ status: 200, body: zipOf(lf.replace(/\n201001,[^\n]*/, "\n201001, 1, 2")) }), /line \d+ \(section "Number of Firms in Portfolios"\): 2 values, expected 25; no valuation history$/],
    ];
    for (const [what, answer, message] of cases) {
      server.answer = answer;
      const load = await loadFrenchDataset(request(fresh()));
      expect(load.dataset, what).toBeNull();
      expect(load.warnings, what).toHaveLength(1);
      expect(load.warnings[0], what).toMatch(message);
    }
    // With a cache a month old, a refresh that fails keeps the cache in use, said in a warning.
    server.answer = () => ({ status: 200, body: fixtureZip() });
    const dir = fresh();
    await loadFrenchDataset(request(dir));
    server.answer = () => ({ status: 503, body: "busy" });
    const stale = await loadFrenchDataset(request(dir, "2027-02-01T00:00:00Z"));
    expect(stale.dataset?.vintage).toBe("202408");
    expect(stale.warnings).toEqual([expect.stringMatching(/HTTP 503.*; using the cached copy \(CRSP vintage 202408, fetched 2026-12-04\)$/)]);
  });

  it("never prints a URL's user, password or query", async () => {
    server.answer = () => ({ status: 404, body: "no" });
    const secret = base.replace("http://", "http://user:s3cret@");
    const load = await loadFrenchDataset(request(fresh(), undefined, { baseUrl: `${secret}` }));
    expect(load.warnings[0]).not.toMatch(/s3cret|user/);
  });

  it("trusts only a regular cache file of its own: a link, or one writable by others, is fetched again with a warning", async () => {
    server.answer = () => ({ status: 200, body: fixtureZip() });
    const dir = fresh();
    await loadFrenchDataset(request(dir));
    const record = path.join(dir, "french", "25_Portfolios_5x5.json");
    chmodSync(record, 0o666);
    const opened = await loadFrenchDataset(request(dir));
    expect(opened.warnings[0]).toMatch(/25_Portfolios_5x5\.json is writable by other users; not trusted, fetching it again/);
    expect(statSync(record).mode & 0o777).toBe(0o600);
    const linked = fresh();
    const target = path.join(linked, "elsewhere.json");
    writeFileSync(target, readFileSync(record));
    const { mkdirSync } = await import("node:fs");
    mkdirSync(path.join(linked, "french"));
    symlinkSync(target, path.join(linked, "french", "25_Portfolios_5x5.json"));
    const viaLink = await loadFrenchDataset(request(linked));
    expect(viaLink.warnings[0]).toMatch(/is not a regular file; not trusted/);
    // The new record replaced the link; the file it pointed at is untouched.
    expect(readFileSync(target, "utf8")).toBe(readFileSync(record, "utf8"));
  });

  it("offline without a cache: no request, a warning that says how to get it", async () => {
    const before = server.requests.length;
    const load = await loadFrenchDataset(request(fresh(), undefined, { offline: true }));
    expect(load.dataset).toBeNull();
    expect(load.warnings[0]).toMatch(/is not cached and this run is offline; no valuation history \(an online `rotation valuation` downloads it\)/);
    expect(server.requests.length).toBe(before);
  });
});
