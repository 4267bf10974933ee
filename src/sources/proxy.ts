import { importUndici } from "../boot/external.js";
import type { FetchFunction } from "./http.js";
import { nodeFetch } from "./transport.js";

type Env = Readonly<Record<string, string | undefined>>;

const PROXY_VARIABLES = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"];

/** Whether the environment names a proxy (upper or lower case, as curl and most tools read it). */
export function proxyConfigured(env: Env): boolean {
  return PROXY_VARIABLES.some((name) => (env[name] ?? "") !== "");
}

/**
 * The fetch for this environment: the `http`-module transport (src/sources/transport.ts), or,
 * with a proxy configured, undici's fetch. Node's own fetch ignores HTTPS_PROXY on Node 20 (and without
 * NODE_USE_ENV_PROXY later): with a proxy configured, requests go through undici's
 * EnvHttpProxyAgent, which reads HTTPS_PROXY, HTTP_PROXY and NO_PROXY in either case. undici is
 * loaded on the first request, so runs without a proxy, or without the network, never pay for it.
 */
export function fetchForEnvironment(env: Env, base: FetchFunction = nodeFetch): FetchFunction {
  if (!proxyConfigured(env)) return base;
  let proxied: Promise<FetchFunction> | undefined;
  const load = async (): Promise<FetchFunction> => {
    const undici = await importUndici();
    const names = ["HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"] as const;
    const pick = (name: (typeof names)[number]) => env[name] || env[name.toLowerCase()] || undefined;
    const dispatcher = new undici.EnvHttpProxyAgent({ httpsProxy: pick("HTTPS_PROXY") ?? pick("HTTP_PROXY"), httpProxy: pick("HTTP_PROXY"), noProxy: pick("NO_PROXY") });
    return (input, init) => undici.fetch(input as Parameters<typeof undici.fetch>[0], { ...(init as object), dispatcher } as Parameters<typeof undici.fetch>[1]) as unknown as Promise<Response>;
  };
  return async (input, init) => {
    proxied ??= load();
    return (await proxied)(input, init);
  };
}
