import { describe, expect, it } from "vitest";
import { backoffMs, retryAfterMs, retryingFetch, type RetryPolicy } from "../../src/sources/http.js";
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
    await expect(retryingFetch(hanging, policy([], { timeoutMs: 20, tries: 2 }))("https://h/x")).rejects.toThrow("h: timed out after 2 tries");
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
