import { randomUUID } from "node:crypto";
import { RateLimitError } from "@paybridge/core";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisRateLimiter } from "./redis-rate-limiter.js";

const url = process.env.REDIS_URL;
if (!url) console.log("REDIS_URL is not set: skipping 'RedisRateLimiter' (needs a Redis server)");

describe.skipIf(!url)("RedisRateLimiter", () => {
  let redis: Redis;
  const prefix = `pb_test:${process.pid}:${randomUUID()}`;
  beforeAll(() => {
    redis = new Redis(url ?? "", { lazyConnect: false, maxRetriesPerRequest: 2 });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it("grants at most the limit per second across several limiter instances, and waits instead of failing", async () => {
    const limiters = [1, 2, 3].map(() => new RedisRateLimiter(redis.duplicate(), { prefix }));
    const limits = { successPerSecond: 20, failurePerSecond: 20 };
    const grantedAt: number[] = [];
    const started = Date.now();
    // 3 instances x 20 calls = 60 calls at 20 per second: about 2 seconds of budget after the first second.
    await Promise.all(
      limiters.map(async (limiter) => {
        for (let i = 0; i < 20; i++) {
          const permit = await limiter.acquire("m-shared", limits, 10_000);
          grantedAt.push(permit.grantedAtMs);
          await limiter.complete(permit, "success");
        }
      }),
    );
    const elapsed = Date.now() - started;
    grantedAt.sort((a, b) => a - b);
    // Counted on Redis's own grant times: no one-second window holds more than 20 grants.
    for (const t of grantedAt)
      expect(grantedAt.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(20);
    expect(grantedAt).toHaveLength(60);
    // 60 grants at 20 per second need three windows: the limiter made callers wait, none failed.
    expect((grantedAt.at(-1) ?? 0) - (grantedAt[0] ?? 0)).toBeGreaterThanOrEqual(2000);
    expect(elapsed).toBeLessThan(10_000);
  });

  it("a failed call moves to the failure window; when it is full no permit is granted", async () => {
    const limiter = new RedisRateLimiter(redis, { prefix });
    const limits = { successPerSecond: 50, failurePerSecond: 2 };
    const a = await limiter.acquire("m-fail", limits, 0);
    const b = await limiter.acquire("m-fail", limits, 0);
    await limiter.complete(a, "success");
    await limiter.complete(b, "failure");
    const c = await limiter.acquire("m-fail", limits, 0);
    await limiter.complete(c, "unknown");
    const error = await limiter.acquire("m-fail", limits, 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBeGreaterThan(500);
  });

  it("a pause stops every instance for its length and is never shortened", async () => {
    const one = new RedisRateLimiter(redis, { prefix });
    const two = new RedisRateLimiter(redis, { prefix });
    const limits = { successPerSecond: 10, failurePerSecond: 5 };
    await one.pause("m-pause", 60_000);
    await two.pause("m-pause", 10);
    const error = await two.acquire("m-pause", limits, 1_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBeGreaterThan(58_000);
    await one.acquire("m-other", limits, 0);
  });
});
