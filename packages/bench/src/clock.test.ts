import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { benchClockFromEnv, CPU_CLOCK, WALL_CLOCK } from "./clock.js";

describe("bench clocks", () => {
  it("BENCH_CLOCK picks the clock, the wall clock by default", () => {
    expect(benchClockFromEnv({})).toBe(WALL_CLOCK);
    expect(benchClockFromEnv({ BENCH_CLOCK: "cpu" })).toBe(CPU_CLOCK);
    expect(() => benchClockFromEnv({ BENCH_CLOCK: "tsc" })).toThrow(/BENCH_CLOCK/);
  });

  it("the CPU clock counts work and not waiting", async () => {
    const before = CPU_CLOCK.now();
    const wallBefore = WALL_CLOCK.now();
    await sleep(200);
    const slept = Number(CPU_CLOCK.now() - before) / 1e6;
    expect(Number(WALL_CLOCK.now() - wallBefore) / 1e6).toBeGreaterThanOrEqual(190);
    expect(slept).toBeLessThan(100);
    const start = CPU_CLOCK.now();
    let x = 0;
    const until = Date.now() + 100;
    while (Date.now() < until) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    expect(Number(CPU_CLOCK.now() - start) / 1e6).toBeGreaterThan(5);
  });
});
