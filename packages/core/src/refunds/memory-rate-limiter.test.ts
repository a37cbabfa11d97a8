import { describe, expect, it } from "vitest";
import { RateLimitError } from "../errors/errors.js";
import { MemoryRateLimiter } from "./memory-rate-limiter.js";
import { ManualTime } from "./time.js";

const limits = { successPerSecond: 5, failurePerSecond: 2 };

describe("MemoryRateLimiter", () => {
  it("never grants more successful calls than the limit in any one-second window, and waits instead of failing", async () => {
    const time = new ManualTime(0);
    const limiter = new MemoryRateLimiter({ now: time.now, sleep: time.sleep });
    const grantedAt: number[] = [];
    for (let i = 0; i < 40; i++) {
      const permit = await limiter.acquire("m", limits, 5_000);
      grantedAt.push(time.now());
      await limiter.complete(permit, "success");
      time.advance(7);
    }
    for (const t of grantedAt) {
      expect(grantedAt.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(5);
    }
    // 40 calls at 5 per second take about 8 seconds: the budget is used, not wasted.
    expect(time.now()).toBeLessThan(8_400);
    expect(time.slept.length).toBeGreaterThan(0);
  });

  it("moves a failed call to the failure window, and counts a lost one in both", async () => {
    const time = new ManualTime(0);
    const limiter = new MemoryRateLimiter({ now: time.now, sleep: time.sleep });
    // 50 per second paces at 5 per 100 ms: these calls are not held back by pacing.
    const limits = { successPerSecond: 50, failurePerSecond: 2 };
    const a = await limiter.acquire("m", limits, 0);
    const b = await limiter.acquire("m", limits, 0);
    await limiter.complete(a, "failure");
    // One failure of 2 allowed: calls still go out.
    const c = await limiter.acquire("m", limits, 0);
    await limiter.complete(b, "unknown");
    // Two failures (one lost response): the failure window is full, though successes have room.
    await expect(limiter.acquire("m", limits, 0)).rejects.toBeInstanceOf(RateLimitError);
    await limiter.complete(c, "success");
    time.advance(1000);
    await expect(limiter.acquire("m", limits, 0)).resolves.toMatchObject({ key: "m" });
  });

  it("counts failures: after the failure limit is spent, calls wait for the window to pass", async () => {
    const time = new ManualTime(0);
    const limiter = new MemoryRateLimiter({ now: time.now, sleep: time.sleep });
    for (let i = 0; i < 2; i++) await limiter.complete(await limiter.acquire("m", limits, 0), "failure");
    const error = await limiter.acquire("m", limits, 500).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBeGreaterThan(900);
    await limiter.acquire("m", limits, 2_000);
    expect(time.now()).toBeGreaterThanOrEqual(1000);
  });

  it("keeps merchants apart and honours a pause", async () => {
    const time = new ManualTime(0);
    const limiter = new MemoryRateLimiter({ now: time.now, sleep: time.sleep });
    await limiter.pause("a", 60_000);
    await expect(limiter.acquire("a", limits, 10_000)).rejects.toMatchObject({ retryAfterMs: 60_000 });
    await limiter.acquire("b", limits, 0);
    await limiter.acquire("a", limits, 60_000);
    expect(time.now()).toBe(60_000);
  });

  it("keeps pacing and the window when the clock steps back", async () => {
    let now = 10_000;
    const limiter = new MemoryRateLimiter({
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    // 50 per second paces at 3 per 50 ms.
    const limits = { successPerSecond: 50, failurePerSecond: 2 };
    for (let i = 0; i < 3; i++) await limiter.acquire("m", limits, 0);
    now = 9_990;
    // The three grants at 10,000 still count: the next one waits until 50 ms after them.
    await expect(limiter.acquire("m", limits, 0)).rejects.toMatchObject({ retryAfterMs: 60 });
    await limiter.acquire("m", limits, 1_000);
    expect(now).toBe(10_050);
    // A second later every grant has left the window again.
    now = 11_051;
    for (let i = 0; i < 3; i++) await limiter.acquire("m", limits, 0);
  });
});
