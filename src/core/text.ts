/** The one scrubber for text that came from files, the network or the command line. */

// C0 and C1 control characters (ESC among them), but not tab and line feed.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// Every control character, tab and line feed included: for text inside a one-line message.
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Text made safe to print on a terminal: data must never steer it. */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL, "?");
}

/** User input or a file's cell quoted in a one-line message: no control character, at most `max`. */
export function printable(raw: string, max = 40): string {
  const clean = raw.replace(ANY_CONTROL, "?");
  return clean.length > max ? `${clean.slice(0, max - 3)}...` : clean;
}

/** Upper-cased; letters, digits and . - =, with an optional leading ^ for an index (^RUT); never a path separator or a leading dot. */
export const TICKER_PATTERN = /^\^?[A-Z0-9][A-Z0-9.\-=]{0,14}$/;

/** A plain decimal number as text: digits, one optional point, an optional sign and exponent. */
export const DECIMAL_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Names joined for a message, the first `max` of them and a count of the rest ("A, B, C and
 * 4,997 more"): a universe of thousands of funds must not make a one-line message 30 KB long.
 */
export function namesList(names: readonly string[], max = 12, separator = ", "): string {
  if (names.length <= max) return names.join(separator);
  // "A, B and 3 more"; with another separator, "x; y; and 3 more".
  const before = separator.trim() === "," ? " " : separator;
  return `${names.slice(0, max).join(separator)}${before}and ${(names.length - max).toLocaleString("en-US")} more`;
}
