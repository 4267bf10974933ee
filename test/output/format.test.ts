import { describe, expect, it } from "vitest";
import { formatBesideThresholds, formatPercentile, surgeBands } from "../../src/output/format.js";

describe("figures beside thresholds", () => {
  it("round to the digits shown, as the JSON value would", () => {
    const bands = surgeBands(99);
    expect(formatPercentile(77.018, bands)).toBe("77.02");
    expect(formatPercentile(22.9097, bands)).toBe("22.91");
    expect(formatPercentile(100, bands)).toBe("100.00");
    expect(formatPercentile(99, bands)).toBe("99.00");
    expect(formatPercentile(null, bands)).toBe("n/a");
  });

  it("never show a value on the other side of a threshold than it is", () => {
    const bands = surgeBands(99);
    // Below 99 (no signal) must not read 99.00; above 1 (no signal) must not read 1.00.
    expect(formatPercentile(98.996, bands)).toBe("98.99");
    expect(formatPercentile(1.009, bands)).toBe("1.01");
    expect(formatPercentile(1.004, bands)).toBe("1.01");
    // At or beyond a threshold, rounding keeps its side anyway.
    expect(formatPercentile(99.004, bands)).toBe("99.00");
    expect(formatPercentile(0.996, bands)).toBe("1.00");
    expect(formatPercentile(99.996, bands)).toBe("100.00");
  });

  it("serve any threshold: an edge in points beside zero", () => {
    expect(formatBesideThresholds(0.4, 0, Math.sign)).toBe("1");
    expect(formatBesideThresholds(-0.4, 0, Math.sign)).toBe("-1");
    expect(formatBesideThresholds(12.6, 0, Math.sign)).toBe("13");
    expect(formatBesideThresholds(0, 0, Math.sign)).toBe("0");
  });
});
