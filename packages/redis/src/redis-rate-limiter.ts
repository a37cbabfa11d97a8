import { randomUUID } from "node:crypto";
import {
  type CallOutcome,
  paceLimit,
  RATE_PACE_MS,
  RATE_WINDOW_MS,
  type RateLimiter,
  type RateLimits,
  type RatePermit,
  realSleep,
  type Sleep,
  waitForPermit,
} from "@paybridge/core";
import type { Redis } from "ioredis";
import { ACQUIRE_SCRIPT, COMPLETE_SCRIPT, PAUSE_SCRIPT } from "./limiter-script.js";

export interface RedisRateLimiterOptions {
  /** Prefix of every key this limiter writes (default "paybridge:rate"). */
  readonly prefix?: string;
  readonly sleep?: Sleep;
}

/**
 * The rate limiter shared by every instance of a backend: the same sliding one-second windows as
 * core's MemoryRateLimiter (see the RateLimiter port for how success and failure are counted),
 * kept in Redis and decided by one atomic Lua script per acquire.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly prefix: string;
  private readonly sleep: Sleep;

  constructor(
    private readonly redis: Redis,
    options: RedisRateLimiterOptions = {},
  ) {
    this.prefix = options.prefix ?? "paybridge:rate";
    this.sleep = options.sleep ?? realSleep;
  }

  async acquire(key: string, limits: RateLimits, maxWaitMs: number): Promise<RatePermit> {
    const keys = this.keys(key);
    const id = randomUUID();
    return waitForPermit(key, maxWaitMs, this.sleep, async () => {
      const [granted, value] = (await this.redis.eval(
        ACQUIRE_SCRIPT,
        3,
        keys.success,
        keys.failure,
        keys.pause,
        Math.max(1, Math.floor(limits.successPerSecond)),
        Math.max(1, Math.floor(limits.failurePerSecond)),
        RATE_WINDOW_MS,
        id,
        RATE_PACE_MS,
        paceLimit(limits.successPerSecond),
      )) as [number, number];
      return granted === 1 ? { key, id, grantedAtMs: value } : Math.max(1, value);
    });
  }

  async complete(permit: RatePermit, outcome: CallOutcome): Promise<void> {
    if (outcome === "success") return;
    const keys = this.keys(permit.key);
    await this.redis.eval(
      COMPLETE_SCRIPT,
      2,
      keys.success,
      keys.failure,
      permit.id,
      permit.grantedAtMs,
      outcome,
      RATE_WINDOW_MS,
    );
  }

  async pause(key: string, ms: number): Promise<void> {
    await this.redis.eval(PAUSE_SCRIPT, 1, this.keys(key).pause, Math.max(1, Math.ceil(ms)));
  }

  private keys(key: string) {
    // One hash tag per merchant keeps its three keys in one slot on Redis Cluster.
    const base = `${this.prefix}:{${key}}`;
    return { success: `${base}:success`, failure: `${base}:failure`, pause: `${base}:pause` };
  }
}
