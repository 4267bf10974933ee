import { describe, expect, it } from "vitest";
import { fetchValuations } from "../../src/sources/yahoo/valuation.js";
import { json, loadRecording, replay } from "../helpers/fake-yahoo.js";
import {} from "../helpers/paths.js";

const NOW = new Date("2025-02-17T22:00:00Z");

/** A quote answer in the shape of the recorded QQQ one, for other symbols and figures. */
function quoteBody(entries: { symbol: string; trailingPE?: number; forwardPE?: number }[]) {
  const base = (loadRecording("quote-QQQ.json").response.bodyJson as { quoteResponse: { result: Record<string, unknown>[] } }).quoteResponse.result[0]!;
  return {
    quoteResponse: {
      result: entries.map((e) => {
        const q: Record<string, unknown> = { ...base, symbol: e.symbol };
        delete q.trailingPE;
        delete q.forwardPE;
        if (e.trailingPE !== undefined) q.trailingPE = e.trailingPE;
        if (e.forwardPE !== undefined) q.forwardPE = e.forwardPE;
        return q;
      }),
      error: null,
    },
  };
}

/** A quoteSummary answer with the fields Yahoo always sends (the library validates them). */
function summaryBody(detail: Record<string, unknown>) {
  return {
    quoteSummary: {
      result: [
        {
          summaryDetail: { maxAge: 1, priceHint: 2, currency: "USD", algorithm: null, tradeable: false, fromCurrency: null, lastMarket: null, ...detail },
          defaultKeyStatistics: { maxAge: 1, priceHint: 2, category: "Small Blend", fundFamily: "iShares", legalType: "Exchange Traded Fund", lastSplitFactor: null },
        },
      ],
      error: null,
    },
  };
}

interface Routes {
  quote: (url: URL, call: number) => Response;
  summary?: (symbol: string) => Response;
  crumb?: (call: number) => Response;
}

/** Plays Yahoo's cookie page, crumb endpoint, v7 quote and v10 quoteSummary; counts calls. */
function yahoo(routes: Routes) {
  const calls: string[] = [];
  let quoteCalls = 0;
  let crumbCalls = 0;
  const fetch = async (input: string | URL | Request): Promise<Response> => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    calls.push(url.pathname);
    if (url.pathname.includes("/v1/test/getcrumb")) return routes.crumb ? routes.crumb(crumbCalls++) : new Response("crumb-1", { status: 200 });
    if (url.pathname.includes("/v7/finance/quote")) return routes.quote(url, quoteCalls++);
    if (url.pathname.includes("/v10/finance/quoteSummary/")) {
      const symbol = decodeURIComponent(url.pathname.split("/").pop()!);
      return routes.summary ? routes.summary(symbol) : json(summaryBody({}));
    }
    return new Response("<html></html>", { status: 200, headers: { "set-cookie": "A3=d=AQAB; Max-Age=31557600; Domain=.yahoo.com; Path=/; SameSite=None; Secure; HttpOnly" } });
  };
  return { fetch, calls };
}

const options = (fetch: (input: string | URL | Request) => Promise<Response>) => ({ fetch, retry: { sleep: async () => undefined }, now: () => NOW, log: () => undefined });

describe(`valuations from Yahoo through yahoo-finance2`, () => {
  it("reads the recorded QQQ quote, and quoteSummary for the missing forward P/E", async () => {
    const quote = loadRecording("quote-QQQ.json");
    const summary = loadRecording("quoteSummary-summaryDetail-QQQ.json");
    const server = yahoo({ quote: () => replay(quote), summary: () => replay(summary) });
    const result = await fetchValuations(["QQQ"], options(server.fetch));
    expect(result.records).toEqual([{ date: "2025-02-17", symbol: "QQQ", trailingPE: 35.07033, forwardPE: null, source: "yahoo:quote" }]);
    expect(result.notes.QQQ).toEqual({ forwardPE: "not given by Yahoo Finance (common for ETFs)" });
    expect(server.calls.some((c) => c.includes("/v1/test/getcrumb"))).toBe(true);
    expect(server.calls.filter((c) => c.includes("quoteSummary"))).toHaveLength(1);
  });

  it("handles present, missing-forward and missing-both funds in one batch", async () => {
    const server = yahoo({
      quote: () => json(quoteBody([{ symbol: "IWM", trailingPE: 16.2, forwardPE: 14.1 }, { symbol: "IJR", trailingPE: 15 }, { symbol: "IJH" }, { symbol: "SPY", trailingPE: 26.5, forwardPE: 22 }])),
      summary: (symbol) => json(summaryBody(symbol === "IJH" ? {} : {})),
    });
    const result = await fetchValuations(["IWM", "IJR", "IJH", "SPY"], options(server.fetch));
    expect(result.records.map((r) => [r.symbol, r.trailingPE, r.forwardPE])).toEqual([
      ["IWM", 16.2, 14.1],
      ["IJR", 15, null],
      ["IJH", null, null],
      ["SPY", 26.5, 22],
    ]);
    expect(result.notes.IJH).toEqual({ trailingPE: "not given by Yahoo Finance (or not positive)", forwardPE: "not given by Yahoo Finance (common for ETFs)" });
    // Only the funds missing a figure cost a quoteSummary request.
    expect(server.calls.filter((c) => c.includes("quoteSummary"))).toHaveLength(2);
  });

  it("takes the trailing P/E from quoteSummary when the quote lacks it", async () => {
    const server = yahoo({ quote: () => json(quoteBody([{ symbol: "IWM" }])), summary: () => json(summaryBody({ trailingPE: 17.5 })) });
    const result = await fetchValuations(["IWM"], options(server.fetch));
    expect(result.records[0]).toMatchObject({ trailingPE: 17.5, source: "yahoo:quoteSummary" });
  });

  it("starts a fresh session after a 401 (stale crumb), then succeeds", async () => {
    const server = yahoo({
      quote: (_, call) => (call === 0 ? json({ finance: { result: null, error: { code: "Unauthorized", description: "Invalid Crumb" } } }, 401) : json(quoteBody([{ symbol: "IWM", trailingPE: 16, forwardPE: 14 }]))),
    });
    const result = await fetchValuations(["IWM"], options(server.fetch));
    expect(result.records[0]).toMatchObject({ trailingPE: 16, forwardPE: 14 });
    expect(server.calls.filter((c) => c.includes("/v7/finance/quote"))).toHaveLength(2);
    // A truly fresh session: the crumb is asked for again, not reused.
    expect(server.calls.filter((c) => c.includes("getcrumb"))).toHaveLength(2);
  });

  it("retries a 429 and then succeeds", async () => {
    const server = yahoo({ quote: (_, call) => (call === 0 ? new Response("", { status: 429, headers: { "retry-after": "0" } }) : json(quoteBody([{ symbol: "SPY", trailingPE: 26, forwardPE: 22 }]))) });
    const result = await fetchValuations(["SPY"], options(server.fetch));
    expect(result.records[0]).toMatchObject({ trailingPE: 26 });
    // The refused quote and the good one (the library keeps its crumb between sessions).
    expect(server.calls.filter((c) => c.includes("/v7/finance/quote"))).toHaveLength(2);
    expect(result.requests).toBeGreaterThanOrEqual(2);
  });

  it("reports a server that keeps refusing as one line", async () => {
    const server = yahoo({ quote: () => new Response("", { status: 503 }) });
    await expect(fetchValuations(["SPY"], options(server.fetch))).rejects.toThrow(/^valuation: query\d\.finance\.yahoo\.com: HTTP 503 after 3 tries$/);
  });
});
