import { NetworkError } from "../errors.js";

export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

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
}

export interface CircuitBreaker {
  tripped: NetworkError | null;
}

export const defaultRetryPolicy: RetryPolicy = {
  tries: 3,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  timeoutMs: 20_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

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

/** fetch's own failure (DNS, refused, reset, TLS, proxy) or our timeout; not a fault of our code. */
function isTransportFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === "TimeoutError" || error.name === "AbortError") return true;
  return error instanceof TypeError && (error as { cause?: unknown }).cause !== undefined;
}

function describeNetworkFailure(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError" || error.name === "AbortError") return "timed out";
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code) return cause.code;
    if (cause?.message) return cause.message;
    return error.message;
  }
  return String(error);
}

/**
 * Wraps fetch so that 429, 5xx and network failures are retried with backoff (honouring
 * Retry-After), every attempt has a timeout, and the final failure is a NetworkError with one
 * readable line. Other answers (404 included) go back to the caller untouched.
 */
export function retryingFetch(base: FetchFunction, policy: RetryPolicy = defaultRetryPolicy): FetchFunction {
  return async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const host = safeHost(url);
    if (policy.breaker?.tripped) throw policy.breaker.tripped;
    let lastProblem = "";
    let connected = false;
    for (let attempt = 0; attempt < policy.tries; attempt++) {
      policy.onAttempt?.(url);
      let waitMs: number | null = null;
      try {
        const timeout = AbortSignal.timeout(policy.timeoutMs);
        const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
        const response = await base(input, { ...init, signal });
        connected = true;
        if (!isRetryableStatus(response.status)) return response;
        lastProblem = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
        waitMs = retryAfterMs(response.headers.get("retry-after"), Date.now());
        // The body of a refused answer is not needed; release the connection without waiting.
        void response.body?.cancel().catch(() => undefined);
      } catch (error) {
        if (init?.signal?.aborted) throw error;
        lastProblem = describeNetworkFailure(error);
        // Only a failure of the transport itself means "no server answered".
        connected = !isTransportFailure(error);
      }
      if (attempt + 1 < policy.tries) {
        await policy.sleep(Math.min(policy.maxDelayMs, waitMs ?? backoffMs(attempt, policy)));
      }
    }
    const failure = new NetworkError(`${host}: ${lastProblem} after ${policy.tries} ${policy.tries === 1 ? "try" : "tries"}`, connected ? null : { code: lastProblem, host });
    if (!connected && policy.breaker) policy.breaker.tripped = failure;
    throw failure;
  };
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "server";
  }
}
