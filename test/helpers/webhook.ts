import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A webhook receiver on 127.0.0.1 that records every post (and can refuse the first few). */
export class WebhookReceiver {
  readonly posts: { path: string; contentType: string; body: string; method: string; idempotencyKey: string }[] = [];
  /** Answer this many requests with 500 before accepting. */
  failFirst = 0;
  /** Answer a request to `from` with this redirect to `to` (recorded as a post too, with its method). */
  redirect: { from: string; status: number; to: string } | null = null;
  /** Answer 200 at once, then never finish the body (a receiver that stalls after answering). */
  stallAfterAnswer = false;
  private stalled: import("node:http").ServerResponse[] = [];
  private seen = 0;
  private server: Server | null = null;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      req.on("end", () => {
        this.seen++;
        if (this.seen <= this.failFirst) {
          res.writeHead(500).end();
          return;
        }
        this.posts.push({ path: req.url ?? "", contentType: req.headers["content-type"] ?? "", body, method: req.method ?? "", idempotencyKey: String(req.headers["idempotency-key"] ?? "") });
        if (this.redirect && req.url === this.redirect.from) {
          res.writeHead(this.redirect.status, { location: this.redirect.to }).end();
          return;
        }
        if (this.stallAfterAnswer) {
          res.writeHead(200, { "content-type": "text/plain" });
          res.write("accepted, and now");
          this.stalled.push(res);
          return;
        }
        res.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get requests(): number {
    return this.seen;
  }

  async stop(): Promise<void> {
    for (const res of this.stalled) res.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
