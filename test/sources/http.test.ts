import { describe, expect, it } from "vitest";
import { backoffMs, retryAfterMs, retryingFetch, type FetchFunction, type RetryPolicy } from "../../src/sources/http.js";
import { nodeFetch } from "../../src/sources/transport.js";
import { NetworkError } from "../../src/errors.js";

function policy(sleeps: number[], extra: Partial<RetryPolicy> = {}): RetryPolicy {
  return {
    tries: 3,
    baseDelayMs: 100,
    maxDelayMs: 5_000,
    timeoutMs: 1_000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...extra,
  };
}

type Answer = (() => Response) | Error;

function answers(...list: Answer[]) {
  let calls = 0;
  const fetch = async (): Promise<Response> => {
    const next = list[Math.min(calls++, list.length - 1)]!;
    if (next instanceof Error) throw next;
    return next();
  };
  return { fetch, calls: () => calls };
}

describe("retryingFetch", () => {
  it("returns the first good answer after a 429 and a 503", async () => {
    const sleeps: number[] = [];
    const server = answers(() => new Response("", { status: 429 }), () => new Response("", { status: 503 }), () => new Response("ok", { status: 200 }));
    const response = await retryingFetch(server.fetch, policy(sleeps))("https://h/x");
    expect(await response.text()).toBe("ok");
    expect(server.calls()).toBe(3);
    // Backoff with jitter at random() = 0.5: 75 ms, then 150 ms.
    expect(sleeps).toEqual([75, 150]);
  });
  it("waits as long as Retry-After says", async () => {
    const sleeps: number[] = [];
    const server = answers(() => new Response("", { status: 429, headers: { "retry-after": "2" } }), () => new Response("ok"));
    await retryingFetch(server.fetch, policy(sleeps))("https://h/x");
    expect(sleeps).toEqual([2000]);
  });
  it("gives up after three tries with one readable line", async () => {
    const server = answers(() => new Response("", { status: 500, statusText: "Internal Server Error" }));
    const attempt = retryingFetch(server.fetch, policy([]))("https://query2.example/v8");
    await expect(attempt).rejects.toThrow(NetworkError);
    await expect(retryingFetch(server.fetch, policy([]))("https://query2.example/v8")).rejects.toThrow("query2.example: HTTP 500 Internal Server Error after 3 tries");
  });
  it("retries network failures and names their cause", async () => {
    const reset = Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNRESET" } });
    const dns = Object.assign(new TypeError("fetch failed"), { cause: { code: "ENOTFOUND" } });
    const recovering = answers(reset, () => new Response("ok"));
    expect(await (await retryingFetch(recovering.fetch, policy([]))("https://h/x")).text()).toBe("ok");
    await expect(retryingFetch(answers(dns).fetch, policy([]))("https://h/x")).rejects.toThrow("h: ENOTFOUND after 3 tries");
  });
  it("abandons an attempt that outlives the timeout", async () => {
    const hanging = (_: unknown, init?: RequestInit) =>
      new Promise<Response>((_, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal!.reason)));
    await expect(retryingFetch(hanging, policy([], { timeoutMs: 20, tries: 2 }))("https://h/x")).rejects.toThrow("h: timed out after 0.02 s, 2 tries");
  });
  it("passes a 404 straight through", async () => {
    const server = answers(() => new Response("{}", { status: 404 }));
    expect((await retryingFetch(server.fetch, policy([]))("https://h/x")).status).toBe(404);
    expect(server.calls()).toBe(1);
  });
});

describe("retry timing", () => {
  it("reads Retry-After as seconds or a date", () => {
    expect(retryAfterMs("3", 0)).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs("soon", 0)).toBeNull();
    expect(retryAfterMs(null, 0)).toBeNull();
  });
  it("doubles the backoff up to the cap", () => {
    const p = { baseDelayMs: 100, maxDelayMs: 1000, random: () => 1 };
    expect([0, 1, 2, 3, 4].map((a) => backoffMs(a, p))).toEqual([100, 200, 400, 800, 1000]);
  });
});

describe("errors that say what happened", () => {
  it("a body that stalls after the headers times out, is retried, and says so", async () => {
    let calls = 0;
    const stalling = async (_: unknown, init?: RequestInit): Promise<Response> => {
      calls++;
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"chart":'));
          init?.signal?.addEventListener("abort", () => controller.error(init.signal!.reason));
        },
      });
      return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
    };
    await expect(retryingFetch(stalling, policy([], { timeoutMs: 30, tries: 2 }))("https://h/v8/finance/chart/IWM")).rejects.toThrow("h: timed out after 0.03 s, 2 tries");
    expect(calls).toBe(2);
  });

  it("a web page where data was expected is named as such, at once", async () => {
    const portal = answers(() => new Response("<!DOCTYPE html><html><body>Sign in to the Wi-Fi</body></html>", { status: 200, headers: { "content-type": "text/html" } }));
    const dataOnly = (url: string) => /\/v\d+\/finance\//.test(url);
    await expect(retryingFetch(portal.fetch, { ...policy([]), expectsData: dataOnly })("https://h/v8/finance/chart/IWM")).rejects.toThrow(
      "h: got a web page instead of data (a proxy, captive portal or consent page?)",
    );
    expect(portal.calls()).toBe(1);
    // The cookie page that the quote API needs is a web page by nature: passed through.
    const page = answers(() => new Response("<html></html>", { status: 200, headers: { "content-type": "text/html" } }));
    expect((await retryingFetch(page.fetch, { ...policy([]), expectsData: dataOnly })("https://finance.yahoo.com/quote/QQQ")).status).toBe(200);
  });

  it("a Retry-After over a minute fails at once, naming the wait", async () => {
    const sleeps: number[] = [];
    const limited = answers(() => new Response("", { status: 429, statusText: "Too Many Requests", headers: { "retry-after": "3600" } }));
    await expect(retryingFetch(limited.fetch, policy(sleeps))("https://h/x")).rejects.toThrow(
      "h: HTTP 429 Too Many Requests; the server asks to wait 3600 s, longer than the 60 s rotation waits; try again later",
    );
    expect(limited.calls()).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it("403 and certificate failures are not retried", async () => {
    const forbidden = answers(() => new Response("", { status: 403 }));
    expect((await retryingFetch(forbidden.fetch, policy([]))("https://h/x")).status).toBe(403);
    expect(forbidden.calls()).toBe(1);
    const badCert = answers(Object.assign(new TypeError("fetch failed"), { cause: { code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" } }));
    await expect(retryingFetch(badCert.fetch, policy([]))("https://h/x")).rejects.toThrow(/^h: UNABLE_TO_VERIFY_LEAF_SIGNATURE \(a TLS certificate the client refuses/);
    expect(badCert.calls()).toBe(1);
  });

  it("a fault of our own code is not mistaken for an unreachable host", async () => {
    const broken = answers(new RangeError("boom"));
    const error = await retryingFetch(broken.fetch, policy([]))("https://h/x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).unreachable).toBeNull();
    const refused = answers(Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } }));
    const down = await retryingFetch(refused.fetch, policy([]))("https://h/x").catch((e: unknown) => e);
    expect((down as NetworkError).unreachable).toEqual({ code: "ECONNREFUSED", host: "h" });
  });
});

describe("a compressed bomb", () => {
  it.each([
    ["the http-module transport", nodeFetch],
    ["Node's fetch (behind a proxy)", globalThis.fetch as FetchFunction],
  ])("is cut off once its decoded body passes 64 MiB: one line, no memory blown (%s)", async (_, transport) => {
    const { createServer } = await import("node:http");
    const { gzipSync } = await import("node:zlib");
    const bomb = gzipSync(Buffer.alloc(70 * 2 ** 20));
    expect(bomb.length).toBeLessThan(200_000);
    const server = createServer((_, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      res.end(bomb);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const fetcher = retryingFetch(transport, { tries: 1, baseDelayMs: 1, maxDelayMs: 1, timeoutMs: 10_000, sleep: async () => undefined, random: () => 0.5 });
      await expect(fetcher(`http://127.0.0.1:${port}/v8/finance/chart/IWM`)).rejects.toThrow(`127.0.0.1:${port}: the answer is larger than 64 MiB once decoded (a compressed bomb?); refused`);
    } finally {
      server.close();
    }
  });
});
