import { randomUUID } from "node:crypto";
import {
  type CallOutcome,
  LimiterUnavailableError,
  MemoryRateLimiter,
  paceLimit,
  RATE_PACE_MS,
  RATE_WINDOW_MS,
  type RateLimiter,
  type RateLimits,
  type RatePermit,
  realSleep,
  type Sleep,
  waitForPermit,
} from "@paybridge/core/ledger-kit";
import type { Redis } from "ioredis";
import { ACQUIRE_SCRIPT, COMPLETE_SCRIPT, PAUSE_SCRIPT } from "./limiter-script.js";

export interface RedisRateLimiterOptions {
  /** Prefix of every key this limiter writes (default "paybridge:rate"). */
  readonly prefix?: string;
  readonly sleep?: Sleep;
  /**
   * Longest time one Redis command may take, connecting included (default 2000 ms). Past it the
   * limiter throws LimiterUnavailableError (or falls back, see `fallback`) instead of letting
   * ioredis retry for minutes; no slot was granted, so the guarded call is not made.
   */
  readonly timeoutMs?: number;
  /**
   * What happens while Redis does not answer: "fail" (default) throws LimiterUnavailableError;
   * `{ local: fraction }` grants from an in-process limiter at that fraction of each budget (for
   * example 1 / the number of instances), so the instances together stay under the provider's limit.
   */
  readonly fallback?: "fail" | { readonly local: number };
  /** Called when a Redis command failed or timed out (for logging and alerting). */
  readonly onUnavailable?: (error: LimiterUnavailableError) => void;
}

/** The default bound on one Redis command, connecting included. */
export const DEFAULT_LIMITER_TIMEOUT_MS = 2_000;

/**
 * ioredis options that make a client fail fast instead of queueing and retrying a command for
 * minutes while Redis is down: bounded connect and command time, one retry per command. Use them
 * for the client handed to RedisRateLimiter: `new Redis(url, failFastRedisOptions())`.
 */
export function failFastRedisOptions(timeoutMs = DEFAULT_LIMITER_TIMEOUT_MS) {
  return {
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 1,
    // Reconnect in the background with a capped delay; commands meanwhile fail within timeoutMs.
    retryStrategy: (times: number) => Math.min(times * 200, 2_000),
  } as const;
}

/**
 * The rate limiter shared by every instance of a backend: the same sliding one-second windows as
 * core's MemoryRateLimiter (see the RateLimiter port for how success and failure are counted),
 * kept in Redis and decided by one atomic Lua script per acquire.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly prefix: string;
  private readonly sleep: Sleep;
  private readonly timeoutMs: number;
  private readonly localFraction: number | undefined;
  private readonly local: MemoryRateLimiter | undefined;
  private readonly localPermits = new WeakSet<RatePermit>();
  private readonly onUnavailable: ((error: LimiterUnavailableError) => void) | undefined;

  constructor(
    private readonly redis: Redis,
    options: RedisRateLimiterOptions = {},
  ) {
    this.prefix = options.prefix ?? "paybridge:rate";
    this.sleep = options.sleep ?? realSleep;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_LIMITER_TIMEOUT_MS;
    this.onUnavailable = options.onUnavailable;
    const fallback = options.fallback ?? "fail";
    if (fallback !== "fail") {
      if (!(fallback.local > 0 && fallback.local <= 1))
        throw new RangeError(`fallback.local must be in (0, 1], got ${fallback.local}`);
      this.localFraction = fallback.local;
      this.local = new MemoryRateLimiter({ sleep: this.sleep });
    }
  }

  async acquire(key: string, limits: RateLimits, maxWaitMs: number): Promise<RatePermit> {
    try {
      return await this.acquireShared(key, limits, maxWaitMs);
    } catch (caught) {
      if (!(caught instanceof LimiterUnavailableError) || !this.local || this.localFraction === undefined)
        throw caught;
      const fraction = this.localFraction;
      const permit = await this.local.acquire(
        key,
        {
          successPerSecond: Math.max(1, Math.floor(limits.successPerSecond * fraction)),
          failurePerSecond: Math.max(1, Math.floor(limits.failurePerSecond * fraction)),
        },
        maxWaitMs,
      );
      this.localPermits.add(permit);
      return permit;
    }
  }

  private async acquireShared(key: string, limits: RateLimits, maxWaitMs: number): Promise<RatePermit> {
    const keys = this.keys(key);
    const id = randomUUID();
    return waitForPermit(key, maxWaitMs, this.sleep, async () => {
      const [granted, value] = (await this.bounded("acquire", () =>
        this.redis.eval(
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
        ),
      )) as [number, number];
      return granted === 1 ? { key, id, grantedAtMs: value } : Math.max(1, value);
    });
  }

  async complete(permit: RatePermit, outcome: CallOutcome): Promise<void> {
    if (outcome === "success") return;
    if (this.localPermits.has(permit)) return this.local?.complete(permit, outcome);
    const keys = this.keys(permit.key);
    await this.bounded("complete", () =>
      this.redis.eval(
        COMPLETE_SCRIPT,
        2,
        keys.success,
        keys.failure,
        permit.id,
        permit.grantedAtMs,
        outcome,
        RATE_WINDOW_MS,
      ),
    );
  }

  async pause(key: string, ms: number): Promise<void> {
    // The local limiter pauses too, so a fallback during the pause honours it on this instance.
    await this.local?.pause(key, ms);
    try {
      await this.bounded("pause", () =>
        this.redis.eval(PAUSE_SCRIPT, 1, this.keys(key).pause, Math.max(1, Math.ceil(ms))),
      );
    } catch (caught) {
      if (!(caught instanceof LimiterUnavailableError) || !this.local) throw caught;
    }
  }

  /**
   * One Redis command, bounded by timeoutMs whatever the client's own options: a Redis outage
   * becomes a typed, retryable LimiterUnavailableError within timeoutMs, never minutes of retries.
   */
  private async bounded<T>(what: string, command: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new LimiterUnavailableError(
              `Redis did not answer the limiter's ${what} within ${this.timeoutMs} ms`,
            ),
          ),
        this.timeoutMs,
      );
    });
    const running = command();
    // A command that fails after the timeout already won must not become an unhandled rejection.
    running.catch(() => {});
    try {
      return await Promise.race([running, timeout]);
    } catch (caught) {
      const error =
        caught instanceof LimiterUnavailableError
          ? caught
          : new LimiterUnavailableError(`Redis failed the limiter's ${what}: ${String(caught)}`, {
              cause: caught,
            });
      this.onUnavailable?.(error);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private keys(key: string) {
    // One hash tag per merchant keeps its three keys in one slot on Redis Cluster.
    const base = `${this.prefix}:{${key}}`;
    return { success: `${base}:success`, failure: `${base}:failure`, pause: `${base}:pause` };
  }
}
