import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NetworkError } from "../../src/errors.js";
import { retryingFetch, type RetryPolicy } from "../../src/sources/http.js";
import { nodeFetch, TransportFailure } from "../../src/sources/transport.js";
import { closedPort } from "../helpers/net.js";

/**
 * The default transport (Node's http module, not fetch) against real servers on 127.0.0.1:
 * what the providers rely on fetch for, it must do the same way.
 */
interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

function serve(handler: Handler): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const pieces: Buffer[] = [];
    req.on("data", (piece: Buffer) => pieces.push(piece));
    req.on("end", () => {
      const body = Buffer.concat(pieces).toString("utf8");
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      handler(req, res, body);
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server })));
}

const policy = (extra: Partial<RetryPolicy> = {}): RetryPolicy => ({ tries: 1, baseDelayMs: 1, maxDelayMs: 1, timeoutMs: 5_000, sleep: async () => undefined, random: () => 0.5, ...extra });

const servers: Server[] = [];
let main = "";
let other = "";
let seen: Seen[] = [];
let otherSeen: Seen[] = [];

beforeAll(async () => {
  const text = JSON.stringify({ chart: { result: [{ close: [1, 2, 3] }] } });
  const primary = await serve((req, res, body) => {
    const [route, query] = (req.url ?? "").split("?");
    if (route === "/plain") {
      res.writeHead(200, "Fine", [["Content-Type", "application/json"], ["X-Twice", "a"], ["X-Twice", "b"]]);
      res.end(text);
    } else if (route === "/gzip" || route === "/deflate" || route === "/br") {
      const encode = { "/gzip": gzipSync, "/deflate": deflateSync, "/br": brotliCompressSync }[route];
      res.writeHead(200, { "content-type": "application/json", "content-encoding": route.slice(1) });
      res.end(encode(Buffer.from(text)));
    } else if (route === "/to-plain") {
      res.writeHead(302, { location: "/plain" });
      res.end();
    } else if (route === "/see-other" || route === "/temporary") {
      res.writeHead(route === "/see-other" ? 303 : 307, { location: "/echo" });
      res.end();
    } else if (route === "/echo") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ method: req.method, body }));
    } else if (route === "/away") {
      res.writeHead(301, { location: `${other}/landed` });
      res.end();
    } else if (route === "/loop") {
      res.writeHead(302, { location: `/loop?${Number(query ?? 0) + 1}` });
      res.end();
    } else if (route === "/empty") {
      res.writeHead(204);
      res.end();
    } else if (route === "/cut") {
      res.writeHead(200, { "content-length": "1000" });
      res.write("only part of it");
      setTimeout(() => res.destroy(), 20);
    } else if (route === "/stall") {
      res.writeHead(200, { "content-type": "application/json" });
      res.write("{");
    } else {
      res.writeHead(404, "Not Found");
      res.end("no such thing");
    }
  });
  const secondary = await serve((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("landed");
  });
  servers.push(primary.server, secondary.server);
  main = primary.url;
  other = secondary.url;
  seen = primary.seen;
  otherSeen = secondary.seen;
});

afterAll(() => {
  for (const server of servers) server.closeAllConnections();
  for (const server of servers) server.close();
});

describe("the http-module transport", () => {
  it("answers status, reason, headers (repeated ones joined, any case) and the body", async () => {
    const answer = await nodeFetch(`${main}/plain`);
    expect([answer.status, answer.statusText, answer.ok]).toEqual([200, "Fine", true]);
    expect(answer.headers.get("content-type")).toBe("application/json");
    expect(answer.headers.get("x-twice")).toBe("a, b");
    expect(answer.headers.get("X-TWICE")).toBe("a, b");
    expect(answer.headers.get("x-absent")).toBeNull();
    expect(await answer.json()).toEqual({ chart: { result: [{ close: [1, 2, 3] }] } });
    const missing = await nodeFetch(`${main}/nowhere`);
    expect([missing.status, missing.ok, await missing.text()]).toEqual([404, false, "no such thing"]);
  });

  it("sends what Node's fetch sends unless told otherwise, and the caller's headers over them", async () => {
    await (await nodeFetch(`${main}/plain`)).text();
    const plain = seen.at(-1)!;
    expect(plain.headers["user-agent"]).toBe("node");
    expect(plain.headers["accept"]).toBe("*/*");
    expect(plain.headers["accept-encoding"]).toBe("gzip, deflate, br");
    await (await nodeFetch(`${main}/plain`, { headers: { "User-Agent": "size-rotation/test", Authorization: "Token t" } })).text();
    const told = seen.at(-1)!;
    expect(told.headers["user-agent"]).toBe("size-rotation/test");
    expect(told.headers["authorization"]).toBe("Token t");
  });

  it.each(["gzip", "deflate", "br"])("decodes a %s body", async (encoding) => {
    const answer = await nodeFetch(`${main}/${encoding}`);
    expect(await answer.json()).toEqual({ chart: { result: [{ close: [1, 2, 3] }] } });
  });

  it("follows redirects as fetch does: 302 to the target; 303 turns a POST into a GET without its body; 307 keeps both", async () => {
    expect(await (await nodeFetch(`${main}/to-plain`)).json()).toEqual({ chart: { result: [{ close: [1, 2, 3] }] } });
    const post = { method: "POST", body: "payload", headers: { "content-type": "text/plain" } };
    expect(await (await nodeFetch(`${main}/see-other`, post)).json()).toEqual({ method: "GET", body: "" });
    expect(seen.at(-1)!.headers["content-type"]).toBeUndefined();
    expect(await (await nodeFetch(`${main}/temporary`, post)).json()).toEqual({ method: "POST", body: "payload" });
  });

  it("never carries credentials to another origin on a redirect", async () => {
    const answer = await nodeFetch(`${main}/away`, { headers: { authorization: "Token secret", cookie: "a=b", "x-kept": "yes" } });
    expect(await answer.text()).toBe("landed");
    const landed = otherSeen.at(-1)!;
    expect(landed.headers["authorization"]).toBeUndefined();
    expect(landed.headers["cookie"]).toBeUndefined();
    expect(landed.headers["x-kept"]).toBe("yes");
  });

  it("answers a redirect as it came under redirect: manual, and gives up after 20", async () => {
    const manual = await nodeFetch(`${main}/temporary`, { method: "POST", body: "x", redirect: "manual" });
    expect([manual.status, manual.headers.get("location")]).toEqual([307, "/echo"]);
    const looping = await nodeFetch(`${main}/loop`).catch((e: unknown) => e);
    expect(looping).toBeInstanceOf(TransportFailure);
    expect((looping as Error).message).toBe("redirect count exceeded");
  });

  it("has no body for 204", async () => {
    const answer = await nodeFetch(`${main}/empty`);
    expect([answer.status, answer.body, await answer.text()]).toEqual([204, null, ""]);
  });

  it("a refused connection is a transport failure carrying Node's code; retried, it says the host is unreachable", async () => {
    const port = await closedPort();
    const refused = await nodeFetch(`http://127.0.0.1:${port}/x`).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TransportFailure);
    expect(((refused as Error).cause as { code?: string }).code).toBe("ECONNREFUSED");
    const down = await retryingFetch(nodeFetch, policy({ tries: 2 }))(`http://127.0.0.1:${port}/x`).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(NetworkError);
    expect((down as NetworkError).message).toBe(`127.0.0.1:${port}: ECONNREFUSED after 2 tries`);
    expect((down as NetworkError).unreachable).toEqual({ code: "ECONNREFUSED", host: `127.0.0.1:${port}` });
  });

  it("a body cut short is a failure, never a short answer", async () => {
    const cut = await retryingFetch(nodeFetch, policy())(`${main}/cut`).catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(NetworkError);
    expect((cut as NetworkError).message).toMatch(/^127\.0\.0\.1:\d+: ECONNRESET after 1 try$/);
  });

  it("a body that stalls after the headers is a timeout of the attempt", async () => {
    const stalled = await retryingFetch(nodeFetch, policy({ timeoutMs: 300 }))(`${main}/stall`).catch((e: unknown) => e);
    expect(stalled).toBeInstanceOf(NetworkError);
    expect((stalled as NetworkError).message).toMatch(/^127\.0\.0\.1:\d+: timed out after 0\.3 s, 1 try$/);
  });

  it("an aborted signal rejects with its reason", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(nodeFetch(`${main}/plain`, { signal: controller.signal })).rejects.toThrow("stop");
  });

  it("refuses a URL with credentials, as fetch does", async () => {
    await expect(nodeFetch(`http://user:pw@127.0.0.1:1/x`)).rejects.toThrow(TypeError);
  });

  it("hands a Request object to Node's fetch", async () => {
    const answer = await nodeFetch(new Request(`${main}/plain`));
    expect(await answer.json()).toEqual({ chart: { result: [{ close: [1, 2, 3] }] } });
  });
});
