import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readFixtureCloses } from "./paths.js";

/** What the stand-in answers one request with; undefined: the real history from the fixtures. */
export type TiingoBehaviour = (request: { symbol: string; startDate: string; count: number }) => { status: number; type?: string; body: string } | undefined;

/** The token the stand-in accepts. */
export const GOOD_TOKEN = "tok-3f9a-secret-0c1d";

/**
 * An HTTP server on 127.0.0.1 that answers like Tiingo's end-of-day endpoint
 * (`GET /tiingo/daily/<ticker>/prices?startDate=YYYY-MM-DD`, `Authorization: Token <key>`, a JSON
 * list of bars with date, close, adjClose, divCash and splitFactor, as Tiingo documents them),
 * serving the fixtures' real adjusted closes up to `until`. Raw closes differ from adjusted ones
 * (a synthetic quarterly dividend), so a source that read the raw close would give other figures.
 */
export class FakeTiingoServer {
  readonly requests: { symbol: string; startDate: string; authorization: string | undefined }[] = [];
  behaviour: TiingoBehaviour = () => undefined;
  until = "9999-12-31";
  /** Per symbol, a change to the bars served (a missing adjusted close, a dividend). */
  overrides = new Map<string, (bars: Record<string, unknown>[]) => Record<string, unknown>[]>();
  private server: Server | null = null;

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.answer(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  count(symbol?: string): number {
    return symbol === undefined ? this.requests.length : this.requests.filter((r) => r.symbol === symbol).length;
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://x");
    const match = /^\/tiingo\/daily\/([^/]+)\/prices$/.exec(url.pathname);
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    if (!match) return json(404, { detail: "Not found." });
    const symbol = decodeURIComponent(match[1]!).toUpperCase();
    const startDate = url.searchParams.get("startDate") ?? "";
    this.requests.push({ symbol, startDate, authorization: req.headers.authorization });
    if (req.headers.authorization !== `Token ${GOOD_TOKEN}`) return json(401, { detail: "Invalid token." });
    const special = this.behaviour({ symbol, startDate, count: this.count(symbol) });
    if (special) {
      res.writeHead(special.status, { "content-type": special.type ?? "application/json" }).end(special.body);
      return;
    }
    let closes: Map<string, number>;
    try {
      closes = readFixtureCloses(symbol);
    } catch {
      return json(404, { detail: `Error: Ticker '${symbol.toLowerCase()}' not found` });
    }
    let bars: Record<string, unknown>[] = [...closes]
      .filter(([date]) => date >= startDate && date <= this.until)
      .map(([date, adjClose]) => {
        // Raw closes 2% above the adjusted ones, and a dividend on the first session of each quarter.
        const quarterStart = /-(01|04|07|10)-0[1-5]$/.test(date);
        return { date: `${date}T00:00:00.000Z`, close: adjClose * 1.02, high: adjClose * 1.03, low: adjClose * 1.01, open: adjClose * 1.02, volume: 1000, adjClose, adjHigh: adjClose, adjLow: adjClose, adjOpen: adjClose, adjVolume: 1000, divCash: quarterStart ? 0.5 : 0, splitFactor: 1 };
      });
    bars = this.overrides.get(symbol)?.(bars) ?? bars;
    json(200, bars);
  }
}
