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

describe("runRatio slices", () => {
  it("splits each round into alternating slices and hands out every index once", async () => {
    const seen: number[] = [];
    const sides: string[] = [];
    const result = await runRatio({
      name: "slices",
      rounds: 3,
      opsPerRound: 10,
      warmup: 2,
      slices: 4,
      baseline: async (i) => {
        seen.push(i);
        sides.push("b");
      },
      candidate: async (i) => {
        seen.push(i);
        sides.push("c");
      },
    });
    expect(result.ratios).toHaveLength(3);
    // 2 warmups per side + 3 rounds x 10 operations per side, each index used once.
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, i) => i));
    // Slices go ABBA (which cancels a linear drift): no side ever runs more than two slices
    // (6 operations) in a row, where one block per side would run 10.
    const timed = sides.slice(4).join("");
    expect(timed).toMatch(/^bbbcccccc/);
    expect(timed).not.toMatch(/b{7}|c{7}/);
  });
});
