import type { Agent, IncomingMessage, OutgoingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import { requireOnUse } from "../boot/require-on-use.js";
import { BufferedAnswer, RawHeaders, type AnswerBody, type HttpAnswer } from "./answer.js";
import type { FetchFunction } from "./http.js";

/**
 * The default transport: requests made with Node's `http` and `https` modules, not `fetch`.
 * Measured on Node 20 (docs/performance.md): a process that makes its first `fetch()` pays
 * about 190 ms more than one that makes the same five requests with `http` (undici's classes,
 * its WebAssembly HTTP parser compiled on first use); a next-day update is a few kilobytes, so
 * that was most of its time. It behaves as fetch does where the providers rely on it: the
 * same default headers, gzip, deflate and brotli decoded, redirects followed (up to 20, the
 * method and body dropped where fetch drops them, credentials kept from another origin),
 * `redirect: "manual"` answered as it came, the signal aborting the request or its body with
 * the signal's reason, and a failure of the connection a `TransportFailure` carrying Node's
 * error (and its code: ECONNREFUSED, ENOTFOUND, a certificate's) as fetch's carries it.
 * Anything else (a `Request` object, a streamed body; only yahoo-finance2 makes those) goes
 * to Node's fetch.
 */
export const nodeFetch: FetchFunction = async (input, init) => {
  const body = init?.body;
  if ((typeof input !== "string" && !(input instanceof URL)) || (body !== undefined && body !== null && typeof body !== "string" && !(body instanceof Uint8Array))) {
    return globalThis.fetch(input, init);
  }
  let url = new URL(input);
  if (url.username !== "" || url.password !== "") throw new TypeError("a URL with credentials cannot be requested; send them in a header");
  let method = (init?.method ?? "GET").toUpperCase();
  let payload: string | Uint8Array | null = body ?? null;
  const headers = headerRecord(init?.headers);
  const signal = init?.signal ?? undefined;
  for (let redirects = 0; ; redirects++) {
    const answer = await requestOnce(url, method, headers, payload, signal);
    const location = REDIRECT_STATUSES.has(answer.status) ? answer.headers.get("location") : null;
    if (location === null || init?.redirect === "manual") return answer;
    await answer.body?.cancel();
    if (init?.redirect === "error") throw new TransportFailure(new Error(`a redirect (HTTP ${answer.status}) where none was allowed`));
    if (redirects + 1 > MAX_REDIRECTS) throw new TransportFailure(new Error("redirect count exceeded"));
    const next = new URL(location, url);
    if (next.protocol !== "http:" && next.protocol !== "https:") throw new TransportFailure(new Error(`a redirect to ${next.protocol} is not followed`));
    // As fetch does: 303 turns anything but GET and HEAD into a GET, 301 and 302 a POST; the body goes.
    if ((answer.status === 303 && method !== "GET" && method !== "HEAD") || ((answer.status === 301 || answer.status === 302) && method === "POST")) {
      method = "GET";
      payload = null;
      for (const name of ["content-type", "content-length", "content-encoding", "content-language", "content-location"]) delete headers[name];
    }
    // Credentials given for one origin never go to another.
    if (next.origin !== url.origin) for (const name of ["authorization", "proxy-authorization", "cookie"]) delete headers[name];
    url = next;
  }
};

/** A failure of the connection (no answer, or an answer cut off): Node's error as its cause. */
export class TransportFailure extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = "TransportFailure";
  }
}

const MAX_REDIRECTS = 20;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** What Node's fetch sends unless told otherwise (servers answer it as they answered before). */
const DEFAULT_HEADERS: Readonly<Record<string, string>> = {
  accept: "*/*",
  "accept-language": "*",
  "accept-encoding": "gzip, deflate, br",
  "user-agent": "node",
};

function headerRecord(given: RequestInit["headers"]): Record<string, string> {
  const headers: Record<string, string> = {};
  if (given === undefined) return headers;
  const add = (name: string, value: string) => {
    const key = name.toLowerCase();
    headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
  };
  if (Array.isArray(given)) for (const [name, value] of given as [string, string][]) add(name, value);
  else if (typeof (given as { forEach?: unknown }).forEach === "function") (given as Headers).forEach((value, name) => add(name, value));
  else for (const [name, value] of Object.entries(given as Record<string, string>)) add(name, value);
  return headers;
}

// Connections are kept for the run's next request to the same host (Node unrefs idle ones, so
// they never hold the process open).
const agents: { http?: Agent; https?: Agent } = {};

function moduleFor(secure: boolean): { request: typeof import("node:http").request; agent: Agent } {
  if (secure) {
    const https = requireOnUse("node:https") as typeof import("node:https");
    return { request: https.request, agent: (agents.https ??= new https.Agent({ keepAlive: true })) };
  }
  const http = requireOnUse("node:http") as typeof import("node:http");
  return { request: http.request, agent: (agents.http ??= new http.Agent({ keepAlive: true })) };
}

function requestOnce(url: URL, method: string, headers: Record<string, string>, payload: string | Uint8Array | null, signal: AbortSignal | undefined): Promise<HttpAnswer> {
  if (url.protocol !== "http:" && url.protocol !== "https:") return Promise.reject(new TransportFailure(new Error(`${url.protocol} is not HTTP`)));
  if (signal?.aborted) return Promise.reject(signal.reason);
  const { request: send, agent } = moduleFor(url.protocol === "https:");
  const outgoing: OutgoingHttpHeaders = { ...DEFAULT_HEADERS, ...headers };
  if (payload !== null) outgoing["content-length"] = typeof payload === "string" ? Buffer.byteLength(payload) : payload.byteLength;
  return new Promise<HttpAnswer>((resolve, reject) => {
    const request = send(url, { method, headers: outgoing, agent });
    let settled = false;
    const onAbort = () => request.destroy(signal?.reason as Error);
    const release = () => signal?.removeEventListener("abort", onAbort);
    signal?.addEventListener("abort", onAbort, { once: true });
    const failure = (error: unknown): unknown => (signal?.aborted ? signal.reason : error instanceof TransportFailure ? error : new TransportFailure(error));
    request.on("error", (error) => {
      release();
      if (!settled) {
        settled = true;
        reject(failure(error));
      }
    });
    request.on("response", (incoming) => {
      settled = true;
      const status = incoming.statusCode ?? 0;
      if (method === "HEAD" || NULL_BODY_STATUSES.has(status)) {
        incoming.resume();
        incoming.once("end", release);
        resolve(new StreamedAnswer(status, incoming.statusMessage ?? "", new RawHeaders(incoming.rawHeaders), null));
        return;
      }
      const stream = decoded(incoming);
      stream.once("close", release);
      resolve(new StreamedAnswer(status, incoming.statusMessage ?? "", new RawHeaders(incoming.rawHeaders), streamBody(stream, incoming, failure)));
    });
    request.end(payload ?? undefined);
  });
}

/** The body as sent, or inflated when it came compressed (an encoding not known: as it came). */
function decoded(incoming: IncomingMessage): Readable {
  const encoding = (incoming.headers["content-encoding"] ?? "").trim().toLowerCase();
  if (encoding !== "gzip" && encoding !== "x-gzip" && encoding !== "deflate" && encoding !== "br") return incoming;
  const zlib = requireOnUse("node:zlib") as typeof import("node:zlib");
  const { pipeline } = requireOnUse("node:stream") as typeof import("node:stream");
  // Lenient about a body cut short at the end of a complete stream, as fetch is.
  const flush = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const decoder =
    encoding === "br"
      ? zlib.createBrotliDecompress({ flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH })
      : encoding === "deflate"
        ? zlib.createInflate(flush)
        : zlib.createGunzip(flush);
  pipeline(incoming, decoder, () => undefined);
  return decoder;
}

function streamBody(stream: Readable, incoming: IncomingMessage, failure: (error: unknown) => unknown): AnswerBody {
  return {
    async *[Symbol.asyncIterator]() {
      try {
        for await (const piece of stream) yield piece as Uint8Array;
      } catch (error) {
        throw failure(error);
      }
    },
    cancel() {
      stream.destroy();
      incoming.destroy();
      return Promise.resolve();
    },
  };
}

class StreamedAnswer implements HttpAnswer {
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: RawHeaders,
    readonly body: AnswerBody | null,
  ) {}

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  /** The whole body read (uncapped: retryingFetch reads it capped for the providers), answered as BufferedAnswer answers. */
  private async buffered(): Promise<BufferedAnswer> {
    const pieces: Uint8Array[] = [];
    if (this.body !== null) for await (const piece of this.body) pieces.push(piece);
    return new BufferedAnswer(this.status, this.statusText, this.headers, Buffer.concat(pieces));
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return (await this.buffered()).arrayBuffer();
  }

  async text(): Promise<string> {
    return (await this.buffered()).text();
  }

  async json(): Promise<unknown> {
    return (await this.buffered()).json();
  }
}
