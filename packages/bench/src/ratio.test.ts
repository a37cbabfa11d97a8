import { describe, expect, it } from "vitest";
import { median, runRatio } from "./ratio.js";

describe("runRatio", () => {
  it("takes the median of per-round ratios", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("reports a candidate that takes twice the baseline's time as a ratio of 2, per round and in the median", async () => {
    // A clock that only the operations move: 1 ms per baseline operation, 2 ms per candidate one,
    // so the ratio is exact whatever else the machine is doing.
    let now = 0n;
    const result = await runRatio({
      name: "double time",
      rounds: 5,
      opsPerRound: 20,
      clock: () => now,
      baseline: async () => {
        now += 1_000_000n;
      },
      candidate: async () => {
        now += 2_000_000n;
      },
    });
    expect(result.ratios).toEqual([2, 2, 2, 2, 2]);
    expect(result.medianRatio).toBe(2);
    expect(result.medianThroughputRatio).toBe(0.5);
    expect(result.baselineOpsPerSec).toBe(1000);
    expect(result.candidateOpsPerSec).toBe(500);
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
