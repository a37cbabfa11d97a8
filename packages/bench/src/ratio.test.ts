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

describe("runRatio collect", () => {
  it("collects at the end of every slice and warmup, and charges the collection to that slice's side", async () => {
    // The candidate's garbage costs 3 ms to collect, the baseline's 1 ms; operations cost 1 ms each.
    let now = 0n;
    let pending = 0n;
    let collections = 0;
    const result = await runRatio({
      name: "collect",
      rounds: 3,
      opsPerRound: 4,
      warmup: 1,
      slices: 2,
      clock: () => now,
      collect: () => {
        collections += 1;
        now += pending;
        pending = 0n;
      },
      baseline: async () => {
        now += 1_000_000n;
        pending = 1_000_000n;
      },
      candidate: async () => {
        now += 1_000_000n;
        pending = 3_000_000n;
      },
    });
    // 2 warmups + 3 rounds x 2 slices x 2 sides.
    expect(collections).toBe(14);
    // Per side per round: 4 ops + 2 collections: baseline 4 + 2 = 6 ms, candidate 4 + 6 = 10 ms.
    expect(result.ratios).toEqual([10 / 6, 10 / 6, 10 / 6]);
  });
});
