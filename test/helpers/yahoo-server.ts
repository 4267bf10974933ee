import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { connect, type AddressInfo } from "node:net";
import { chartBody, NOT_FOUND_BODY, type Bar } from "./fake-yahoo.js";
import { readFixtureCloses } from "./paths.js";

/** What the fake answers one chart request with; undefined: the real history from the fixtures. */
export type Behaviour = (request: { symbol: string; period1: number; count: number }) =>
  | { status: number; headers?: Record<string, string>; body: string }
  | "stall"
  | undefined;

/**
 * An HTTP server on 127.0.0.1 that answers like Yahoo's chart endpoint (the v8 shape, bars
 * stamped at the session open, period1/period2 honoured), serving the fixtures' real closes up
 * to `until`. The CLI reaches it through ROTATION_YAHOO_URL. Every request is counted.
 */
export class FakeYahooServer {
  readonly requests: { symbol: string; period1: number }[] = [];
  behaviour: Behaviour = () => undefined;
  /** Answers are cut to this date (the day "now" is in the test). */
  until = "9999-12-31";
  /** Bars replaced or added per symbol (a split, a new session). */
  overrides = new Map<string, (bars: Bar[]) => Bar[]>();
  /** Extra fields to delete from meta (schema drift). */
  dropMeta: string[] = [];
  /**
   * Synthetic quarterly dividends: raw closes then differ from the adjusted ones (the fixtures'
   * real adjusted closes), as Yahoo's do, by 0.5% for each quarter start after the bar, and
   * each quarter's first session carries a dividend event. A reader that took raw closes for
   * adjusted ones gives other figures.
   */
  dividends = false;
  /** Fields of meta replaced per symbol (another exchange's time zone and trading period). */
  metaOverrides = new Map<string, Record<string, unknown>>();
  /** Symbols whose answer has no indicators.adjclose at all. */
  dropAdjclose = new Set<string>();
  /** Index tickers served from a fund of the fixtures that tracks them. */
  aliases: Record<string, string> = { "^RUT": "IWM", "^GSPC": "SPY" };
  private server: Server | null = null;
  private stalled: ServerResponse[] = [];

  /** With `tls` (a key and certificate), an HTTPS server. */
  async start(tls?: { key: string; cert: string }): Promise<string> {
    this.server = tls ? createHttpsServer(tls, (req, res) => this.answer(req, res)) : createServer((req, res) => this.answer(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `${tls ? "https" : "http"}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.stalled) res.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Back to the fixtures' plain history up to `until`, with no request counted: between tests. */
  reset(until: string): void {
    this.requests.length = 0;
    this.behaviour = () => undefined;
    this.until = until;
    this.overrides.clear();
    this.dropMeta = [];
    this.dropAdjclose.clear();
    this.metaOverrides.clear();
    this.dividends = false;
  }

  count(symbol?: string): number {
    return symbol === undefined ? this.requests.length : this.requests.filter((r) => r.symbol === symbol).length;
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://x");
    const match = /\/v8\/finance\/chart\/([^/?]+)/.exec(url.pathname);
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    const symbol = decodeURIComponent(match[1]!);
    const period1 = Number(url.searchParams.get("period1"));
    this.requests.push({ symbol, period1 });
    const special = this.behaviour({ symbol, period1, count: this.count(symbol) });
    if (special === "stall") {
      // Headers, the start of a body, then nothing.
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"chart":{"result":[');
      this.stalled.push(res);
      return;
    }
    if (special) {
      res.writeHead(special.status, special.headers ?? { "content-type": "application/json" }).end(special.body);
      return;
    }
    let bars: Bar[];
    try {
      bars = [...readFixtureCloses(this.aliases[symbol] ?? symbol)].map(([date, close]) => ({ date, close }));
    } catch {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify(NOT_FOUND_BODY));
      return;
    }
    const quarterStarts = this.dividends ? firstSessionsOfQuarters(bars.map((b) => b.date)) : [];
    if (this.dividends) bars = bars.map((b) => ({ date: b.date, adjclose: b.close, close: b.close * (1 + 0.005 * quarterStarts.filter((q) => q > b.date).length) }));
    bars = (this.overrides.get(symbol)?.(bars) ?? bars).filter((b) => b.date <= this.until && Date.parse(`${b.date}T14:30:00Z`) >= period1 * 1000);
    const shown = new Set(bars.map((b) => b.date));
    const dividends = quarterStarts.filter((date) => shown.has(date)).map((date) => ({ date, amount: 0.5 }));
    const body = chartBody(symbol, bars, { dividends }) as { chart: { result: { meta: Record<string, unknown>; indicators: Record<string, unknown> }[] } };
    for (const field of this.dropMeta) delete body.chart.result[0]!.meta[field];
    if (this.dropAdjclose.has(symbol)) delete body.chart.result[0]!.indicators.adjclose;
    Object.assign(body.chart.result[0]!.meta, this.metaOverrides.get(symbol) ?? {});
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  }
}

/** The first session of each calendar quarter among the dates (a dividend's date in the stand-in). */
function firstSessionsOfQuarters(dates: readonly string[]): string[] {
  const firsts: string[] = [];
  let quarter = "";
  for (const date of dates) {
    const q = `${date.slice(0, 4)}Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3)}`;
    if (q !== quarter) {
      firsts.push(date);
      quarter = q;
    }
  }
  return firsts;
}

/**
 * A forwarding HTTP proxy on 127.0.0.1: absolute-form requests and CONNECT tunnels, with host
 * names mapped to local ports (so a name that resolves nowhere is reachable only through it).
 */
export class TestProxy {
  readonly seen: string[] = [];
  private server: Server | null = null;
  constructor(private readonly hosts: Record<string, number>) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const target = new URL(req.url ?? "/");
      this.seen.push(`${req.method} ${target.host}`);
      const port = this.hosts[target.hostname];
      if (port === undefined) {
        res.writeHead(502).end();
        return;
      }
      const upstream = connect(port, "127.0.0.1", () => {
        upstream.write(`${req.method} ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nConnection: close\r\n\r\n`);
        upstream.pipe(res.socket!);
      });
      upstream.on("error", () => res.destroy());
    });
    this.server.on("connect", (req, socket) => {
      const [hostname, port] = (req.url ?? "").split(":");
      this.seen.push(`CONNECT ${req.url}`);
      const local = this.hosts[hostname ?? ""];
      if (local === undefined) {
        socket.end("HTTP/1.1 502 Bad Gateway\r\n\r\n");
        return;
      }
      void port;
      const upstream = connect(local, "127.0.0.1", () => {
        socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on("error", () => socket.destroy());
      socket.on("error", () => upstream.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
