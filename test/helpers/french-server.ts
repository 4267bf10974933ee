import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { zipSync } from "fflate";
import { FIXTURES } from "./paths.js";

export const FRENCH_FIXTURES = path.join(FIXTURES, "french");

/** The fixture's zip, as the library serves it (`<NAME>_CSV.zip` holding `<NAME>.CSV`). */
export function fixtureZip(): Uint8Array {
  return new Uint8Array(readFileSync(path.join(FRENCH_FIXTURES, "25_Portfolios_5x5_CSV.zip")));
}

/** A zip of one CSV text under the library's names. */
export function zipOf(csv: string, name = "25_Portfolios_5x5.CSV"): Uint8Array {
  return zipSync({ [name]: new TextEncoder().encode(csv) });
}

/**
 * A stand-in for Kenneth French's Data Library on 127.0.0.1: answers `/ftp/<NAME>_CSV.zip` with
 * what `answer` says (by default the fixture's zip), and counts the requests. The CLI reaches it
 * through ROTATION_FRENCH_URL (the base, `<url>/ftp/`).
 */
export class FrenchServer {
  readonly requests: string[] = [];
  answer: (name: string) => { status: number; type?: string; body: Uint8Array | string } = (name) =>
    name === "25_Portfolios_5x5" ? { status: 200, type: "application/x-zip-compressed", body: fixtureZip() } : { status: 404, type: "text/html", body: "<html><body>Not Found</body></html>" };
  private server: Server | null = null;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const match = /^\/ftp\/([^/]+)_CSV\.zip$/.exec(req.url ?? "");
      this.requests.push(req.url ?? "");
      const reply = match ? this.answer(match[1] as string) : { status: 404, type: "text/plain", body: "no" };
      res.writeHead(reply.status, { "content-type": reply.type ?? "application/octet-stream" });
      res.end(reply.body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/ftp/`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
