/**
 * Exponential backoff with jitter, in core so every provider retries the same way (stripe-node
 * RequestSender._shouldRetry / _getSleepTimeInMS). Only retryClass "retry" errors are retried, and
 * always with the same refund number and amount.
 */
export interface RetryPolicy {
  /** Calls to the provider per `submit`, first one included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 250, maxDelayMs: 8_000 };

/**
 * Delay before retry number `retry` (1 = the first retry): half of the capped exponential delay
 * fixed, half random ("equal jitter"), so instances that failed together do not retry together
 * and no retry is immediate.
 */
export function backoffDelayMs(policy: RetryPolicy, retry: number, random: () => number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  const half = exponential / 2;
  return Math.round(half + random() * half);
}
