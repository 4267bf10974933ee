import { UsageError } from "../errors.js";
import { printable } from "./validators.js";

type Env = Readonly<Record<string, string | undefined>>;

/** An environment variable naming a server (a mirror, a test server): an http(s) URL, or null when unset. */
export function httpUrlFromEnv(env: Env, name: string, example: string): URL | null {
  const raw = env[name];
  if (raw === undefined || raw === "") return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${name}: "${printable(raw)}" is not a URL (e.g. ${example})`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`${name} must be an http: or https: URL, got "${printable(raw)}"`);
  return url;
}

/** The same, for a server that takes no user or password in its URL: refused at once, never printed. */
export function originFromEnv(env: Env, name: string, example: string): string | null {
  const url = httpUrlFromEnv(env, name, example);
  if (url === null) return null;
  // A user and password would not be sent (the HTTP client refuses them, quoting the URL).
  if (url.username !== "" || url.password !== "") throw new UsageError(`${name}: a user or password in the URL is not supported (${url.protocol}//${url.host}); authenticate through a proxy (HTTPS_PROXY) instead`);
  return url.href;
}
