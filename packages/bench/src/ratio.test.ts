import { describe, expect, it } from "vitest";
import { median, runRatio } from "./ratio.js";

describe("runRatio", () => {
  it("takes the median of per-round ratios", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("reports a candidate doing twice the baseline's work as about twice as slow", async () => {
    const work = (n: number) => {
      let x = 0;
      for (let i = 0; i < n; i++) x += Math.sqrt(i);
      return x;
    };
    const result = await runRatio({
      name: "double work",
      rounds: 5,
      opsPerRound: 20,
      baseline: async () => work(20_000),
      candidate: async () => work(40_000),
    });
    // Interleaving makes the ratio hold on a loaded machine; the band is wide on purpose.
    expect(result.medianRatio).toBeGreaterThan(1.3);
    expect(result.medianRatio).toBeLessThan(3.5);
    expect(result.rounds).toBe(5);
  });
});
