import {
  type CallOutcome,
  paceLimit,
  RATE_PACE_MS,
  RATE_WINDOW_MS,
  type RateLimiter,
  type RateLimits,
  type RatePermit,
  waitForPermit,
} from "./rate-limiter.js";
import { realSleep, type Sleep } from "./time.js";

interface Entry {
  readonly id: string;
  readonly at: number;
}

interface Budget {
  success: Entry[];
  failure: Entry[];
  pausedUntil: number;
}

export interface MemoryRateLimiterOptions {
  /** Milliseconds since the epoch; inject a manual clock in tests. */
  readonly now?: () => number;
  readonly sleep?: Sleep;
}

/**
 * In-process limiter. It counts calls in a sliding one-second window (a log of call times) rather
 * than a token bucket: a bucket of 150 refilling at 150/s lets up to 300 calls into one second,
 * and WeChat counts per second. With the log, no window of one second ever holds more than the
 * limit.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly budgets = new Map<string, Budget>();
  private readonly now: () => number;
  private readonly sleep: Sleep;
  private sequence = 0;

  constructor(options: MemoryRateLimiterOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
  }

  async acquire(key: string, limits: RateLimits, maxWaitMs: number): Promise<RatePermit> {
    return waitForPermit(key, maxWaitMs, this.sleep, () => this.tryTake(key, limits));
  }

  async complete(permit: RatePermit, outcome: CallOutcome): Promise<void> {
    const budget = this.budgets.get(permit.key);
    if (!budget || outcome === "success") return;
    if (outcome === "failure") budget.success = budget.success.filter((e) => e.id !== permit.id);
    // Kept in time order: the failure log is scanned oldest first.
    budget.failure.push({ id: permit.id, at: permit.grantedAtMs });
    budget.failure.sort((a, b) => a.at - b.at);
  }

  async pause(key: string, ms: number): Promise<void> {
    const budget = this.budget(key);
    budget.pausedUntil = Math.max(budget.pausedUntil, this.now() + ms);
  }

  /** A permit, or the milliseconds to wait before trying again. */
  private tryTake(key: string, limits: RateLimits): RatePermit | number {
    const now = this.now();
    const budget = this.budget(key);
    if (budget.pausedUntil > now) return budget.pausedUntil - now;
    const horizon = now - RATE_WINDOW_MS;
    budget.success = budget.success.filter((e) => e.at > horizon);
    budget.failure = budget.failure.filter((e) => e.at > horizon);
    const full = (log: Entry[], limit: number) => log.length >= Math.max(1, Math.floor(limit));
    const pace = paceLimit(limits.successPerSecond);
    const recent = budget.success.filter((e) => e.at > now - RATE_PACE_MS);
    if (
      !full(budget.success, limits.successPerSecond) &&
      !full(budget.failure, limits.failurePerSecond) &&
      recent.length < pace
    ) {
      this.sequence += 1;
      const id = `${now}-${this.sequence}`;
      budget.success.push({ id, at: now });
      return { key, id, grantedAtMs: now };
    }
    // Wait until the oldest entry of each full log leaves the window.
    let wait = 1;
    const pacer = recent[recent.length - pace];
    if (recent.length >= pace && pacer) wait = Math.max(wait, pacer.at + RATE_PACE_MS - now);
    for (const [log, limit] of [
      [budget.success, limits.successPerSecond],
      [budget.failure, limits.failurePerSecond],
    ] as const) {
      if (!full(log, limit)) continue;
      const index = log.length - Math.max(1, Math.floor(limit));
      const oldest = log[index];
      if (oldest) wait = Math.max(wait, oldest.at + RATE_WINDOW_MS - now + 1);
    }
    return wait;
  }

  private budget(key: string): Budget {
    let budget = this.budgets.get(key);
    if (!budget) {
      budget = { success: [], failure: [], pausedUntil: 0 };
      this.budgets.set(key, budget);
    }
    return budget;
  }
}
