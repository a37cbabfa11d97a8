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
 * WeChat counts successful and failed calls separately and the outcome is known only after the
 * call, so a permit holds one slot in BOTH the success and the failure window while the call is in
 * flight; `complete` frees the slot that the outcome did not use. That way neither count can pass
 * its limit in any one-second window, whatever the outcomes turn out to be.
 */
export interface RateLimiter {
  /**
   * Takes a slot for one call under `key`, waiting for budget (and for a pause to end) up to
   * `maxWaitMs`. Throws RateLimitError (retryable, with retryAfterMs) when that is not enough.
   */
  acquire(key: string, limits: RateLimits, maxWaitMs: number): Promise<RatePermit>;
  /**
   * Reports how the call ended: keeps the matching slot and frees the other. "unknown" (the
   * response was lost, so the provider may have counted either) keeps both.
   */
  complete(permit: RatePermit, outcome: CallOutcome): Promise<void>;
  /** Stops granting permits for `key` during `ms` (WeChat INVALID_REQ_TOO_MUCH: one minute). */
  pause(key: string, ms: number): Promise<void>;
}

/** The length of the sliding window both limiters count in. */
export const RATE_WINDOW_MS = 1000;
