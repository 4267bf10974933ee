import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A webhook receiver on 127.0.0.1 that records every post (and can refuse the first few). */
export class WebhookReceiver {
  readonly posts: { path: string; contentType: string; body: string }[] = [];
  /** Answer this many requests with 500 before accepting. */
  failFirst = 0;
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
        this.posts.push({ path: req.url ?? "", contentType: req.headers["content-type"] ?? "", body });
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
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
