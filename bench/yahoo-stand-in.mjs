// A stand-in for Yahoo's chart endpoint on 127.0.0.1 for the live bench rows: serves the real
// closes of a folder of TICKER.csv (Date,Close) in the v8 chart shape, cut to `until`, after a
// fixed latency per request (what a round trip to the real host costs, kept constant so that two
// runs compare). The CLI reaches it through ROTATION_YAHOO_URL.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";

/** Seconds of a session's open (14:30 UTC: 09:30 in New York in summer; close enough for the bench). */
const open = (date) => Date.parse(`${date}T14:30:00Z`) / 1000;

function closesOf(dir, symbol) {
  const lines = readFileSync(path.join(dir, `${symbol}.csv`), "utf8").trim().split("\n").slice(1);
  return lines.map((line) => {
    const [date, close] = line.split(",");
    return { date, close: Number(close) };
  });
}

export async function startYahooStandIn({ pricesDir, latencyMs, until }) {
  const histories = new Map();
  const state = { until, requests: 0, inFlight: 0, mostInFlight: 0 };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const match = /\/v8\/finance\/chart\/([^/?]+)/.exec(url.pathname);
    if (!match) return res.writeHead(404).end();
    const symbol = decodeURIComponent(match[1]);
    state.requests++;
    state.inFlight++;
    state.mostInFlight = Math.max(state.mostInFlight, state.inFlight);
    setTimeout(() => {
      state.inFlight--;
      let bars;
      try {
        if (!histories.has(symbol)) histories.set(symbol, closesOf(pricesDir, symbol));
        bars = histories.get(symbol);
      } catch {
        return res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ chart: { result: null, error: { code: "Not Found", description: "No data found" } } }));
      }
      const from = Number(url.searchParams.get("period1"));
      const shown = bars.filter((b) => b.date <= state.until && open(b.date) >= from);
      const closes = shown.map((b) => b.close);
      const last = shown.at(-1)?.date ?? state.until;
      const body = {
        chart: {
          result: [
            {
              meta: {
                currency: "USD", symbol, exchangeName: "PCX", instrumentType: "ETF", gmtoffset: -14400, timezone: "EDT", exchangeTimezoneName: "America/New_York",
                firstTradeDate: open(bars[0].date), regularMarketTime: open(last), regularMarketPrice: closes.at(-1) ?? 0, priceHint: 2, dataGranularity: "1d", range: "", validRanges: ["1d", "max"],
                currentTradingPeriod: { pre: { timezone: "EDT", start: open(last) - 19800, end: open(last), gmtoffset: -14400 }, regular: { timezone: "EDT", start: open(last), end: open(last) + 23400, gmtoffset: -14400 }, post: { timezone: "EDT", start: open(last) + 23400, end: open(last) + 37800, gmtoffset: -14400 } },
              },
              timestamp: shown.map((b) => open(b.date)),
              indicators: { quote: [{ open: closes, high: closes, low: closes, close: closes, volume: closes.map(() => 1000) }], adjclose: [{ adjclose: closes }] },
            },
          ],
          error: null,
        },
      };
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    }, latencyMs);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    state,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}

// Run on its own (the bench times whole processes with spawnSync, which would block a server in
// its own process): node bench/yahoo-stand-in.mjs PRICES_DIR LATENCY_MS UNTIL prints its URL.
if (import.meta.url === `file://${process.argv[1]}`) {
  const [pricesDir, latency, until] = process.argv.slice(2);
  const server = await startYahooStandIn({ pricesDir, latencyMs: Number(latency), until });
  process.stdout.write(`${server.url}\n`);
}
