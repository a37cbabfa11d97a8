// A Redis outage must fail fast with a typed error (nothing granted, nothing sent), never hang for
// ioredis's minutes of retries. Runs against a redis-server of the test's own, killed by its PID,
// and against a closed port.
import { LimiterUnavailableError } from "@paybridge/core";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, startPrivateRedis } from "./__fixtures__/private-redis.js";
import { failFastRedisOptions, RedisRateLimiter } from "./redis-rate-limiter.js";

const LIMITS = { successPerSecond: 100, failurePerSecond: 10 };
const clients: Redis[] = [];
const client = (url: string, options = {}) => {
  const redis = new Redis(url, options);
  redis.on("error", () => {}); // ioredis reports each failed reconnect; the limiter reports the outage.
  clients.push(redis);
  return redis;
};
afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect();
});

describe("RedisRateLimiter when Redis is down", () => {
  it("a closed port: LimiterUnavailableError (retryable), even with ioredis's default retrying client", async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    for (const redis of [client(url, failFastRedisOptions(500)), client(url)]) {
      const limiter = new RedisRateLimiter(redis, { timeoutMs: 500 });
      const error = await limiter.acquire("m1", LIMITS, 10_000).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LimiterUnavailableError);
      expect(error).toMatchObject({ code: "LIMITER_UNAVAILABLE", retryable: true });
    }
  });

  it("a private redis-server killed by its PID mid-run: grants before, typed error after, grants again once it is back", async () => {
    const server = await startPrivateRedis();
    const seen: LimiterUnavailableError[] = [];
    const limiter = new RedisRateLimiter(client(server.url, failFastRedisOptions(500)), {
      timeoutMs: 500,
      prefix: "pb_outage",
      onUnavailable: (e) => seen.push(e),
    });
    for (let i = 0; i < 5; i++)
      await limiter.complete(await limiter.acquire("m1", LIMITS, 10_000), "success");
    await server.kill();
    await expect(limiter.acquire("m1", LIMITS, 10_000)).rejects.toBeInstanceOf(LimiterUnavailableError);
    // complete() and pause() fail the same typed way (the engine logs a failed complete and goes on).
    await expect(limiter.pause("m1", 1000)).rejects.toBeInstanceOf(LimiterUnavailableError);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    const again = await startPrivateRedis(server.port);
    try {
      let permit: Awaited<ReturnType<typeof limiter.acquire>> | undefined;
      // ioredis reconnects in the background; the first commands may still see the old outage.
      while (!permit) permit = await limiter.acquire("m1", LIMITS, 10_000).catch(() => undefined);
      expect(permit.key).toBe("m1");
    } finally {
      await again.kill();
    }
  }, 120_000);

  it("fallback { local }: while Redis is down, grants from this instance's share of the budget", async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const limiter = new RedisRateLimiter(client(url, failFastRedisOptions(300)), {
      timeoutMs: 300,
      fallback: { local: 0.25 },
    });
    const permit = await limiter.acquire("m1", { successPerSecond: 8, failurePerSecond: 4 }, 0);
    expect(permit.key).toBe("m1");
    await limiter.complete(permit, "failure");
    // A quarter of 4 failures per second is 1: the failure window is full, and no wait is allowed.
    await expect(
      limiter.acquire("m1", { successPerSecond: 8, failurePerSecond: 4 }, 0),
    ).rejects.toMatchObject({
      code: "RATE_LIMITED",
    });
    expect(() => new RedisRateLimiter(client(url), { fallback: { local: 0 } })).toThrow(/fallback\.local/);
  });
});
