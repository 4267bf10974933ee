import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { chartUrl, requestChart } from "../../src/sources/yahoo/chart.js";
import { createYahooClient, yahooFetch } from "../../src/sources/yahoo/client.js";
import { describeYahooFailure } from "../../src/sources/yahoo/prices.js";
import { defaultRetryPolicy, type FetchFunction } from "../../src/sources/http.js";
import { PROJECT_ROOT } from "../helpers/paths.js";

// requestChart makes the chart request yahoo-finance2 made, without loading the library. The
// library is still a dependency (quotes), so it is the reference here: for each answer, the
// same result, or an error that describeYahooFailure words the same.

const recorded = (name: string) => (JSON.parse(readFileSync(path.join(PROJECT_ROOT, "fixtures", "yahoo", name), "utf8")) as { response: { body: string } }).response.body;
const policy = { ...defaultRetryPolicy, retries: 0 };
const from = new Date("2020-01-01T00:00:00Z");
const now = new Date("2020-01-03T00:00:00Z");

/** A fetch that answers every request with this status and body, and remembers what was asked. */
function answering(status: number, body: string, contentType = "application/json"): { fetch: FetchFunction; asked: { url: string; headers: Headers }[] } {
  const asked: { url: string; headers: Headers }[] = [];
  const fetch: FetchFunction = async (input, init) => {
    asked.push({ url: String(input), headers: new Headers(init?.headers) });
    return new Response(body, { status, headers: { "content-type": contentType } });
  };
  return { fetch, asked };
}

async function outcome(run: () => Promise<unknown>): Promise<{ result: unknown } | { error: string; kind: string }> {
  try {
    return { result: await run() };
  } catch (error) {
    const said = describeYahooFailure("QQQ", error);
    return { error: said.message, kind: said.constructor.name };
  }
}

const answers: [string, number, string][] = [
  ["a recorded answer", 200, recorded("chart-QQQ-2020-01-01-to-2020-01-03.json")],
  ["a recorded answer without timestamps", 200, recorded("chart-edgecase-no-timestamp.json")],
  ["an unknown symbol (404 with Yahoo's error)", 404, JSON.stringify({ chart: { result: null, error: { code: "Not Found", description: "No data found, symbol may be delisted" } } })],
  ["another error of Yahoo's", 400, JSON.stringify({ chart: { result: null, error: { code: "Bad Request", description: "Invalid input - interval=1d is not supported" } } })],
  ["an error without a code", 400, JSON.stringify({ chart: { result: null, error: { description: "odd" } } })],
  ["an HTTP error with a text body", 404, "nothing here"],
  ["an HTTP error with no body", 410, ""],
  ["malformed JSON", 200, '{"chart": {"result": [ '],
  ["no chart key", 200, JSON.stringify({ other: 1, more: 2 })],
  ["an empty result", 200, JSON.stringify({ chart: { result: [], error: null } })],
  ["a null result", 200, JSON.stringify({ chart: { result: null, error: null } })],
  ["no timestamps and no quote", 200, JSON.stringify({ chart: { result: [{ meta: {}, indicators: { quote: [] } }], error: null } })],
  ["no timestamps and a quote with closes", 200, JSON.stringify({ chart: { result: [{ meta: {}, indicators: { quote: [{ close: [1] }] } }], error: null } })],
  ["no timestamps and no indicators", 200, JSON.stringify({ chart: { result: [{ meta: {} }], error: null } })],
];

describe("the chart request without yahoo-finance2", () => {
  for (const [what, status, body] of answers) {
    it(`gives what the library gives for ${what}`, async () => {
      const ours = answering(status, body);
      const theirs = answering(status, body);
      const library = (await createYahooClient(theirs.fetch, policy, () => undefined, null, 6)) as { chart: (s: string, o: object, m: object) => Promise<unknown> };
      const expected = await outcome(() => library.chart("QQQ", { period1: from, period2: now, interval: "1d", events: "div|split", return: "object" }, { validateResult: false }));
      const actual = await outcome(() => requestChart(yahooFetch(ours.fetch, policy, null), "QQQ", from, now));
      expect(actual).toEqual(expected);
      // The same URL and query; a user agent of the form Yahoo serves.
      expect(ours.asked.map((a) => a.url)).toEqual(theirs.asked.map((a) => a.url));
      expect(ours.asked[0]!.headers.get("user-agent")).toMatch(/^Mozilla\/5\.0 \(compatible; size-rotation\/\d+\.\d+\.\d+\)$/);
    });
  }

  it("asks for daily bars with dividends and splits over the whole range, in seconds", () => {
    expect(chartUrl("^RUT", new Date(1_577_836_800_500), new Date(1_578_009_600_999))).toBe(
      "https://query2.finance.yahoo.com/v8/finance/chart/^RUT?useYfid=true&interval=1d&includePrePost=true&events=div%7Csplit&lang=en-US&period1=1577836800&period2=1578009600",
    );
  });
});
