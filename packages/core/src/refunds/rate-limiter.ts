import { RateLimitError } from "../errors/errors.js";

/** Calls per second allowed for one merchant (WeChat: 150 successful and 6 failed per second). */
export interface RateLimits {
  readonly successPerSecond: number;
  readonly failurePerSecond: number;
}

export type CallOutcome = "success" | "failure" | "unknown";

/** One call's claim on a merchant's budget, returned by `acquire` and given back to `complete`. */
export interface RatePermit {
  readonly key: string;
  readonly id: string;
  /** The limiter's own time of the grant (Redis: the server's clock), in ms since the epoch. */
  readonly grantedAtMs: number;
}

/**
 * The rate limiter port: MemoryRateLimiter (core, one process) and RedisRateLimiter
 * (@paybridge/redis, shared by every instance of a backend).
 *
 * WeChat counts successful and failed calls separately, and the outcome is known only after the
 * call. A permit is granted only while both windows have room; it is counted as a success, and
 * `complete` moves it to the failure window if the call failed (keeping its grant time, which is
 * when the provider counted it). Holding a failure slot for every call in flight would be
 * stricter, but would cap a merchant at 6 calls in flight: at 100 ms a call, 60 calls per second
 * instead of 150. So calls in flight that all fail together can pass the failure limit once; the
 * provider then answers FREQUENCY_LIMITED, which is retried, and no permit is granted until the
 * failure window has room again.
 */
export interface RateLimiter {
  /**
   * Takes a slot for one call under `key`, waiting for budget (and for a pause to end) up to
   * `maxWaitMs`. Throws RateLimitError (retryable, with retryAfterMs) when that is not enough.
   */
  acquire(key: string, limits: RateLimits, maxWaitMs: number): Promise<RatePermit>;
  /**
   * Reports how the call ended: a failure moves the call from the success window to the failure
   * window; "unknown" (the response was lost: the provider may have counted either) counts it in both.
   */
  complete(permit: RatePermit, outcome: CallOutcome): Promise<void>;
  /** Stops granting permits for `key` during `ms` (WeChat INVALID_REQ_TOO_MUCH: one minute). */
  pause(key: string, ms: number): Promise<void>;
}

/** The length of the sliding window both limiters count in. */
export const RATE_WINDOW_MS = 1000;

/**
 * Grants are also paced: at most a twentieth of the per-second limit (rounded up) in any 50 ms. A
 * whole second's budget granted at once reaches the provider as a queue that drains over a few
 * hundred ms; the next second's budget, granted on time, then lands in the same provider window
 * as that tail and overflows it. Pacing keeps the queue short, so the provider's window and ours agree.
 */
export const RATE_PACE_MS = 50;

/** Grants allowed in one pacing interval for a per-second limit. */
export function paceLimit(perSecond: number): number {
  return Math.max(1, Math.ceil((perSecond * RATE_PACE_MS) / RATE_WINDOW_MS));
}

/**
 * The waiting loop every limiter shares: `attempt` either grants a permit or says how long until
 * budget frees up; we sleep that long, up to `maxWaitMs` in all, then give up with a retryable
 * RateLimitError (the caller's refund stays where it is, to be submitted later).
 */
export async function waitForPermit(
  key: string,
  maxWaitMs: number,
  sleep: (ms: number) => Promise<void>,
  attempt: () => Promise<RatePermit | number> | RatePermit | number,
): Promise<RatePermit> {
  let waited = 0;
  for (;;) {
    const result = await attempt();
    if (typeof result !== "number") return result;
    if (waited + result > maxWaitMs) {
      throw new RateLimitError(
        `merchant ${key} has no call budget for ${result} ms more (waited ${waited} ms of at most ${maxWaitMs} ms)`,
        { retryAfterMs: result },
      );
    }
    await sleep(result);
    waited += result;
  }
}
