import { NetworkError } from "../errors.js";
import { BufferedAnswer, type HttpAnswer } from "./answer.js";
import { TransportFailure } from "./transport.js";

/**
 * How every provider makes a request: fetch's signature, answered with an `HttpAnswer` (a
 * subset of `Response` that a real `Response` also satisfies). The real one is the transport
 * of src/sources/transport.ts; tests pass their own.
 */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<HttpAnswer>;

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  tries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per attempt; an attempt that takes longer is abandoned and counts as a network failure. */
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** Told of every attempt, for request counts and progress. */
  onAttempt?: (url: string) => void;
  /**
   * Shared by the requests of one run: once a host has proved unreachable after every try,
   * later requests to it fail at once instead of waiting through their own retries.
   */
  breaker?: CircuitBreaker;
  /**
   * false: an answer is final once its status and headers arrive (a webhook's POST has been
   * received then); its body is neither read nor waited for, so a receiver that stalls after
   * answering is never posted to again.
   */
  readBody?: boolean;
  /**
   * Whether an answer from this URL must be data (JSON): an HTML page there is a proxy's block
   * page or a consent wall, refused. Each provider says which of its endpoints are data.
   */
  expectsData?: (url: string) => boolean;
}

export interface CircuitBreaker {
  /** Set when no server answered (the host is unreachable): later requests fail at once with it. */
  tripped: NetworkError | null;
  /**
   * Set when the server refused this client (403, or 429 on every try with no Retry-After): later
   * requests of the run are not made, and fail at once with this.
   */
  refused?: NetworkError | null;
  /**
   * While one request retries a 429 that came without Retry-After, the run's other requests that
   * met a 429 wait for its verdict instead of spending their own tries: the end of its retries.
   */
  throttled?: Promise<void> | null;
}

export const defaultRetryPolicy: RetryPolicy = {
  tries: 3,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  timeoutMs: 20_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

const NULL_BODY_STATUSES = new Set([204, 205, 304]);

function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Retry-After in seconds or as an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null || header.trim() === "") return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/** Exponential backoff with full jitter, so that parallel clients do not retry in step. */
export function backoffMs(attempt: number, policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs" | "random">): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (policy.random() * ceiling) / 2);
}

/** The transport's failure (DNS, refused, reset, TLS, proxy) or our timeout; not a fault of our code. */
function isTransportFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === "TimeoutError" || error.name === "AbortError") return true;
  if (error instanceof TransportFailure) return true;
  // fetch's (undici's, behind a proxy): a TypeError with Node's error as its cause.
  return error instanceof TypeError && (error as { cause?: unknown }).cause !== undefined;
}

function describeNetworkFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError" || error.name === "AbortError") return `timed out after ${Number((timeoutMs / 1000).toFixed(3))} s`;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code) return cause.code;
    if (cause?.message) return cause.message;
    return error.message;
  }
  return String(error);
}

/** A certificate the client refuses will be refused again: trying again only wastes time. */
function isCertificateFailure(error: unknown): boolean {
  const code = (error as { cause?: { code?: unknown } }).cause?.code;
  return typeof code === "string" && /CERT|SELF_SIGNED|TLS|SSL|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code);
}


/** An HTML page where JSON was expected: a proxy's block page, a captive portal, a consent wall. */
function isWebPage(response: HttpAnswer, body: Uint8Array): boolean {
  if (/text\/html/i.test(response.headers.get("content-type") ?? "")) return true;
  const head = new TextDecoder().decode(body.subarray(0, 64)).trimStart().toLowerCase();
  return head.startsWith("<!doctype html") || head.startsWith("<html");
}

/**
 * The most a body may hold once decoded (fetch inflates gzip and brotli as it reads): a Yahoo
 * chart of 8,000 bars is ~1 MB, a Data Library zip ~1 MB. A compressed bomb is cut off here,
 * before it fills the memory.
 */
export const MAX_BODY_BYTES = 64 * 2 ** 20;

/** The body, read piece by piece; null (the rest cancelled) once it passes `limit` bytes. */
async function readCapped(response: HttpAnswer, limit: number): Promise<Uint8Array | null> {
  if (response.body === null) return new Uint8Array(0);
  const pieces: Uint8Array[] = [];
  let length = 0;
  for await (const value of response.body) {
    length += value.length;
    if (length > limit) {
      // Leaving the loop cancels the stream; cancel is said too, for a body that ignores that.
      await response.body.cancel().catch(() => undefined);
      return null;
    }
    pieces.push(value);
  }
  if (pieces.length === 1) return pieces[0] as Uint8Array;
  const body = new Uint8Array(length);
  let at = 0;
  for (const piece of pieces) {
    body.set(piece, at);
    at += piece.length;
  }
  return body;
}

/** What a user can do when a feed refuses this client. */
export const REFUSED_ADVICE = "use the cache with --offline, read CSV files with --data DIR, or try later";

/** Rotation waits this long at most for a Retry-After; a longer wait fails at once, saying so. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Wraps fetch so that 429, 5xx and network failures are retried with backoff (honouring
 * Retry-After up to a minute), every attempt (body included) has a timeout, and the final
 * failure is a NetworkError with one readable line. The body is read here, inside the attempt,
 * so a body that stalls after the headers is a timeout that is retried like any other. Other
 * answers (404 included) go back to the caller as they came.
 */
export function retryingFetch(base: FetchFunction, policy: RetryPolicy = defaultRetryPolicy): FetchFunction {
  return async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const host = safeHost(url);
    if (policy.breaker?.tripped) throw policy.breaker.tripped;
    if (policy.breaker?.refused) throw policy.breaker.refused;
    let lastProblem = "";
    let connected = false;
    let sawRetryAfter = false;
    // Whether this request leads the run's retries of a 429 without Retry-After (see CircuitBreaker.throttled).
    let leading = false;
    let endLead: () => void = () => undefined;
    // A failure that trying again cannot mend: said at once.
    const fail = (problem: string): NetworkError => new NetworkError(`${host}: ${problem}`);
    try {
      for (let attempt = 0; attempt < policy.tries; attempt++) {
        // Another request of the run found the server refusing this client: no further try.
        if (attempt > 0 && policy.breaker?.refused) throw policy.breaker.refused;
        policy.onAttempt?.(url);
        let waitMs: number | null = null;
        try {
          const timeout = AbortSignal.timeout(Math.round(policy.timeoutMs));
          const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
          const response = await base(input, { ...init, signal });
          connected = true;
          // A data endpoint that forbids this client (an IP range blocked, TLS fingerprinting)
          // will forbid it again: said once, and no other request of the run is made.
          if (response.status === 403 && policy.expectsData?.(url) === true && policy.breaker) {
            void response.body?.cancel().catch(() => undefined);
            policy.breaker.refused = new NetworkError(`${host}: HTTP 403: the server refuses this client; not asked again in this run (${REFUSED_ADVICE})`);
            throw policy.breaker.refused;
          }
          // No content where data was asked for is no answer (never handed to a library to misread).
          if ((response.status === 204 || response.status === 205) && policy.expectsData?.(url) === true) {
            throw fail(`HTTP ${response.status}: an empty answer where data was expected`);
          }
          if (!isRetryableStatus(response.status) && policy.readBody === false) {
            void response.body?.cancel().catch(() => undefined);
            return new BufferedAnswer(response.status, response.statusText, response.headers, null);
          }
          if (!isRetryableStatus(response.status)) {
            const body = await readCapped(response, MAX_BODY_BYTES);
            if (body === null) throw fail(`the answer is larger than ${MAX_BODY_BYTES / 2 ** 20} MiB once decoded (a compressed bomb?); refused`);
            if (response.ok && policy.expectsData?.(url) === true && isWebPage(response, body)) {
              throw fail("got a web page instead of data (a proxy, captive portal or consent page?)");
            }
            // A status that carries no body (204, 205, 304) cannot be given one, even empty.
            return new BufferedAnswer(response.status, response.statusText, response.headers, NULL_BODY_STATUSES.has(response.status) ? null : body);
          }
          lastProblem = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
          waitMs = retryAfterMs(response.headers.get("retry-after"), Date.now());
          if (waitMs !== null) sawRetryAfter = true;
          // The body of a refused answer is not needed; release the connection without waiting.
          void response.body?.cancel().catch(() => undefined);
          if (waitMs !== null && waitMs > MAX_RETRY_AFTER_MS) {
            throw fail(`${lastProblem}; the server asks to wait ${Math.round(waitMs / 1000)} s, longer than the ${MAX_RETRY_AFTER_MS / 1000} s rotation waits; try again later`);
          }
        } catch (error) {
          if (error instanceof NetworkError) throw error;
          if (init?.signal?.aborted) throw error;
          lastProblem = describeNetworkFailure(error, policy.timeoutMs);
          // Only a failure of the transport itself means "no server answered".
          connected = !isTransportFailure(error);
          if (isCertificateFailure(error)) {
            throw new NetworkError(`${host}: ${lastProblem} (a TLS certificate the client refuses: a proxy that inspects traffic needs NODE_EXTRA_CA_CERTS)`);
          }
        }
        if (attempt + 1 < policy.tries) {
          const throttledHere = lastProblem.startsWith("HTTP 429") && waitMs === null && policy.breaker !== undefined;
          if (throttledHere && policy.breaker!.throttled && !leading) {
            // Another request is finding out whether the server refuses this client: wait for it.
            await policy.breaker!.throttled;
            if (policy.breaker!.refused) throw policy.breaker!.refused;
          } else {
            if (throttledHere && !policy.breaker!.throttled) {
              leading = true;
              policy.breaker!.throttled = new Promise<void>((resolve) => {
                endLead = resolve;
              });
            }
            await policy.sleep(Math.min(policy.maxDelayMs, waitMs ?? backoffMs(attempt, policy)));
          }
        }
      }
      const tries = `${policy.tries} ${policy.tries === 1 ? "try" : "tries"}`;
      const said = lastProblem.startsWith("timed out") ? `${lastProblem}, ${tries}` : `${lastProblem} after ${tries}`;
      const failure = new NetworkError(`${host}: ${said}`, connected ? null : { code: lastProblem.startsWith("timed out") ? "timed out" : lastProblem, host });
      if (!connected && policy.breaker) policy.breaker.tripped = failure;
      // 429 on every try with no Retry-After to wait for: the server is refusing this client for
      // now; the run's other requests would only spend their own tries the same way.
      if (connected && lastProblem.startsWith("HTTP 429") && !sawRetryAfter && policy.breaker) {
        policy.breaker.refused = new NetworkError(`${host}: ${said}, no Retry-After: the server refuses this client for now; not asked again in this run (${REFUSED_ADVICE})`);
        throw policy.breaker.refused;
      }
      throw failure;
    } finally {
      // The verdict is in (an answer, a failure, a refusal): the requests waiting on it go on.
      if (leading) {
        policy.breaker!.throttled = null;
        endLead();
      }
    }
  };
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "server";
  }
}
