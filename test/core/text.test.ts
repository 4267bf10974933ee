import { describe, expect, it } from "vitest";
import { namesList } from "../../src/core/text.js";

describe("namesList", () => {
  it("names up to max, then counts the rest, with thousands grouped", () => {
    expect(namesList(["A", "B"])).toBe("A, B");
    const many = Array.from({ length: 5000 }, (_, i) => `T${i}`);
    expect(namesList(many, 3)).toBe("T0, T1, T2 and 4,997 more");
    expect(namesList(many.slice(0, 3), 3)).toBe("T0, T1, T2");
    expect(namesList(["x failed", "y failed", "z failed"], 2, "; ")).toBe("x failed; y failed; and 1 more");
  });
});
