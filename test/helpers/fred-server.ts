import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A stand-in for FRED on 127.0.0.1: answers `/graph/fredgraph.csv?id=ID` with what `answer`
 * says (by default the CSV of `series`, in FRED's layout: `observation_date,ID`, "." on a day
 * without a value) and counts the requests. The CLI reaches it through ROTATION_FRED_URL.
 */
export class FredServer {
  readonly requests: string[] = [];
  series = new Map<string, { date: string; value: number | null }[]>();
  /** FRED's older header was DATE; newer files say observation_date. */
  header = "observation_date";
  answer: (id: string) => { status: number; type?: string; body: string } = (id) => {
    const rows = this.series.get(id);
    if (!rows) return { status: 404, type: "text/html", body: "<html><body>Series not found</body></html>" };
    return { status: 200, type: "text/csv", body: `${this.header},${id}\n${rows.map((r) => `${r.date},${r.value === null ? "." : r.value.toFixed(2)}`).join("\n")}\n` };
  };
  private server: Server | null = null;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.requests.push(req.url ?? "");
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const id = url.searchParams.get("id");
      const reply = url.pathname === "/graph/fredgraph.csv" && id ? this.answer(id) : { status: 404, type: "text/plain", body: "no" };
      res.writeHead(reply.status, { "content-type": reply.type ?? "text/csv" });
      res.end(reply.body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/graph/fredgraph.csv`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
