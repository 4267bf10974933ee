import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { episodeWorkers } from "../../src/app/episodes.js";

describe("worker threads for a streamed episodes run", () => {
  it("are what ROTATION_WORKERS says, else one a core beyond the first (at most 3) for more than four chunks of local files", () => {
    expect(episodeWorkers(2, 1, true)).toBe(2);
    expect(episodeWorkers(0, 500, false)).toBe(0);
    expect(episodeWorkers(undefined, 4, false)).toBe(0);
    expect(episodeWorkers(undefined, 500, true)).toBe(0);
    expect(episodeWorkers(undefined, 5, false)).toBe(Math.max(0, Math.min(3, availableParallelism() - 1)));
  });
});
