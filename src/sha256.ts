import { requireOnUse } from "./boot/require-on-use.js";

/**
 * SHA-256 of a text, as hex. node:crypto is loaded on first use, not with the module that
 * needs it: loading it costs about 13 ms of a start on Node 26 (2 on Node 20), and a warm
 * `check` that reads no cached dataset never needs it.
 */
export function sha256Hex(text: string): string {
  return (requireOnUse("node:crypto") as typeof import("node:crypto")).createHash("sha256").update(text).digest("hex");
}
