import { describe, expect, it } from "vitest";
import { parseChoice, parsePairs, parseTicker, parseUniverse } from "../../src/settings/validators.js";
import { defaultPairs } from "../../src/core/universe.js";
import { UsageError } from "../../src/errors.js";

describe("tickers and pairs", () => {
  it("upper-cases and accepts index-style characters", () => {
    expect(parseTicker(" brk.b ", "--small")).toBe("BRK.B");
    expect(parseTicker("es=f", "--small")).toBe("ES=F");
  });
  it("refuses names that could leave a folder", () => {
    for (const name of ["..", ".hidden", "a/b", "a\\b", "A\u0000", "/etc/passwd", "TOOLONGTICKERNAME1"]) {
      expect(() => parseTicker(name, "--pairs")).toThrow(UsageError);
    }
  });
  it("keeps pairs in order without duplicates", () => {
    expect(parsePairs("iwm:spy, IJR:SPY,IWM:SPY")).toEqual([{ symbol: "IWM", benchmark: "SPY" }, { symbol: "IJR", benchmark: "SPY" }]);
  });
  it("derives default pairs from the groups", () => {
    expect(defaultPairs({ small: ["A", "B"], mid: ["C"], large: ["X", "Y", "Z"] }).map((p) => `${p.symbol}:${p.benchmark}`)).toEqual(["A:X", "B:X", "C:X", "A:Y", "A:Z"]);
    expect(parseUniverse({ pairs: "XLK:SPY" })).toEqual({ small: [], mid: [], large: ["SPY"], pairs: [{ symbol: "XLK", benchmark: "SPY" }] });
    expect(parseUniverse({ pairs: "IWM:SPY", small: "VB" }).small).toEqual(["VB"]);
  });
});

describe("one of a fixed list of words", () => {
  const periods = ["daily", "weekly"] as const;
  it("returns the word given, or the default when none is", () => {
    expect(parseChoice("daily", "--period", periods, "weekly")).toBe("daily");
    expect(parseChoice(undefined, "--period", periods, "weekly")).toBe("weekly");
  });
  it("names the option and every choice, and never echoes a control character", () => {
    expect(() => parseChoice("monthly", "--period", periods, "weekly")).toThrow(new UsageError('--period must be daily or weekly, got "monthly"'));
    expect(() => parseChoice("x", "--shell", ["bash", "zsh", "fish"], "bash")).toThrow(new UsageError('--shell must be bash, zsh or fish, got "x"'));
    expect(() => parseChoice("\u001b[31mred", "--period", periods, "weekly")).toThrow(new UsageError('--period must be daily or weekly, got "?[31mred"'));
  });
});

describe("secrets in URLs are never printed", () => {
  it("--notify: a refused URL is named by scheme and host only", async () => {
    const { parseNotifyUrls } = await import("../../src/settings/validators.js");
    expect(() => parseNotifyUrls(["https://u:s3cr3t@h:99999/SECRETPATH"], {})).toThrow(/^--notify: not a URL \(https:\/\/h:99999\)$/);
    expect(() => parseNotifyUrls(["nonsense/SECRETPATH?token=x"], {})).toThrow(/^--notify: not a URL \(nonsense\)$/);
  });

  it("ROTATION_NOTIFY: split at spaces, and at commas only where a URL begins (a comma in a query stays in it)", async () => {
    const { parseNotifyUrls } = await import("../../src/settings/validators.js");
    expect(parseNotifyUrls(undefined, { ROTATION_NOTIFY: "https://a.example/x?ids=1,2&token=SECRET, https://b.example/y,http://c.example" })).toEqual(["https://a.example/x?ids=1,2&token=SECRET", "https://b.example/y", "http://c.example/"]);
  });

  it("ROTATION_YAHOO_URL with a user or password: refused (it would not be sent), without printing them", async () => {
    const { yahooBaseUrl } = await import("../../src/sources/yahoo/index.js");
    expect(() => yahooBaseUrl({ ROTATION_YAHOO_URL: "http://user:pw@127.0.0.1:8765/" })).toThrow(/^ROTATION_YAHOO_URL: a user or password in the URL is not supported \(http:\/\/127\.0\.0\.1:8765\); authenticate through a proxy \(HTTPS_PROXY\) instead$/);
  });
});
