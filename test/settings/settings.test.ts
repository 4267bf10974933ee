import { describe, expect, it } from "vitest";
import type { ConfigFile } from "../../src/settings/config-file.js";
import { colorSetting, describeSettings, withConfig } from "../../src/settings/settings.js";

const config: ConfigFile = { path: "/etc/rotation.json", values: { window: 10, data: "/from-config", journal: "/config/j.jsonl", color: false, small: ["VB"] } };

function setting(settings: ReturnType<typeof describeSettings>, key: string) {
  return settings.find((s) => s.key === key)!;
}

describe("settings precedence: flag > environment > config file > default", () => {
  it("default: nothing given", () => {
    expect(withConfig({}, null, {})).toEqual({});
    const settings = describeSettings(null, { ROTATION_DATA_HOME: "/d" }, "/w");
    expect(setting(settings, "window")).toEqual({ key: "window", value: 5, origin: "default" });
    expect(setting(settings, "timeout")).toEqual({ key: "timeout", value: 20, origin: "default" });
    expect(setting(settings, "data")).toEqual({ key: "data", value: null, origin: "default" });
    expect(setting(settings, "color")).toEqual({ key: "color", value: "auto (on a terminal)", origin: "default" });
  });

  it("config file over default", () => {
    expect(withConfig({}, config, {})).toEqual({ window: "10", data: "/from-config", journal: "/config/j.jsonl", color: false, small: "VB" });
    const settings = describeSettings(config, {}, "/w");
    expect(setting(settings, "window")).toEqual({ key: "window", value: 10, origin: "config /etc/rotation.json" });
    expect(setting(settings, "small")).toEqual({ key: "small", value: ["VB"], origin: "config /etc/rotation.json" });
    expect(setting(settings, "color")).toEqual({ key: "color", value: false, origin: "config /etc/rotation.json" });
  });

  it("environment over config file", () => {
    const env = { ROTATION_DATA: "prices", ROTATION_JOURNAL: "/env/j.jsonl", FORCE_COLOR: "1" };
    const merged: Record<string, unknown> = withConfig({}, config, env);
    expect(merged.data).toBeUndefined();
    expect(merged.journal).toBeUndefined();
    expect(merged.color).toBeUndefined();
    const settings = describeSettings(config, env, "/w");
    expect(setting(settings, "data")).toEqual({ key: "data", value: "/w/prices", origin: "env ROTATION_DATA" });
    expect(setting(settings, "journal")).toEqual({ key: "journal", value: "/env/j.jsonl", origin: "env ROTATION_JOURNAL" });
    expect(setting(settings, "color")).toEqual({ key: "color", value: true, origin: "env FORCE_COLOR" });
  });

  it("flag over everything", () => {
    const merged = withConfig({ window: "21", data: "/flag" }, config, { ROTATION_DATA: "/env" });
    expect(merged).toMatchObject({ window: "21", data: "/flag" });
    expect(colorSetting({ color: false }, { FORCE_COLOR: "1" }, config)).toEqual({ value: "never", origin: "flag --no-color" });
  });

  it("colour: what `rotation config` says is what the commands do", () => {
    // FORCE_COLOR used to colour `check` while `rotation config` said "auto".
    const env = { FORCE_COLOR: "1" };
    expect(colorSetting(withConfig({}, null, env), env).value).toBe("always");
    expect(setting(describeSettings(null, env, "/w"), "color").value).toBe(true);
    expect(colorSetting({}, { NO_COLOR: "1", FORCE_COLOR: "1" })).toEqual({ value: "never", origin: "env NO_COLOR" });
    expect(colorSetting({}, { FORCE_COLOR: "0" })).toEqual({ value: "auto", origin: "default" });
    expect(colorSetting(withConfig({}, { path: "/c", values: { color: true } }, {}), {}).value).toBe("always");
  });
});

describe("config files that try Object.prototype", () => {
  it("__proto__, constructor and toString are unknown keys: one usage line, never an internal error", async () => {
    const { parseConfig } = await import("../../src/settings/config-file.js");
    for (const key of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
      await expect(parseConfig(`{"${key}": {"window": 3}}`, "/c.json")).rejects.toThrow(new RegExp(`^config /c\\.json: unknown key "${key}" \\(known: small, mid, large, pairs, window, threshold, lookback,`));
    }
    // A lookback in a config file obeys --lookback's rule, named by its key.
    await expect(parseConfig(`{"lookback": "1y"}`, "/c.json")).rejects.toThrow('config /c.json: "lookback" must be all, a number of sessions of at least 252, or years from 2y to 100y, got "1y"');
    expect(await parseConfig(`{"lookback": 2520}`, "/c.json")).toEqual({ lookback: "2520" });
  });
});

describe("rotation config's list, made from the option definitions", () => {
  it("shows every setting a config file can hold (but the option kept for older scripts) and the valuation store, the webhooks redacted", async () => {
    const { describeSettings } = await import("../../src/settings/settings.js");
    const { parseConfig } = await import("../../src/settings/config-file.js");
    const keys = describeSettings(null, {}, "/w").map((s) => s.key);
    const known = /\(known: ([^)]*)\)/.exec(await parseConfig('{"nope": 1}', "/c.json").then(() => "", (error: Error) => error.message))![1]!.split(", ");
    // And the valuation store, which no config key sets (--store, or the environment).
    expect([...keys].sort()).toEqual([...known.filter((key) => key !== "offlineFallback"), "valuationStore"].sort());
    const notify = describeSettings(null, { ROTATION_NOTIFY: "https://hooks.example/T000/SECRET https://ntfy.example/topic?auth=tok" }, "/w").find((s) => s.key === "notify");
    expect(notify).toEqual({ key: "notify", value: ["https://hooks.example/…", "https://ntfy.example/…"], origin: "env ROTATION_NOTIFY" });
  });
});
