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
    insertInOrder(budget.failure, { id: permit.id, at: permit.grantedAtMs });
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
    // Both logs are kept in time order, so what left the window is a prefix and the last pacing
    // interval is a suffix: a grant costs O(log n), not three copies of a second's calls (at a
    // high limit, a busy merchant's log holds hundreds of entries).
    const horizon = now - RATE_WINDOW_MS;
    dropUpTo(budget.success, horizon);
    dropUpTo(budget.failure, horizon);
    const full = (log: Entry[], limit: number) => log.length >= Math.max(1, Math.floor(limit));
    const pace = paceLimit(limits.successPerSecond);
    const recent = budget.success.length - firstAfter(budget.success, now - RATE_PACE_MS);
    if (
      !full(budget.success, limits.successPerSecond) &&
      !full(budget.failure, limits.failurePerSecond) &&
      recent < pace
    ) {
      this.sequence += 1;
      const id = `${now}-${this.sequence}`;
      insertInOrder(budget.success, { id, at: now });
      return { key, id, grantedAtMs: now };
    }
    // Wait until the oldest entry of each full log leaves the window.
    let wait = 1;
    const pacer = budget.success[budget.success.length - pace];
    if (recent >= pace && pacer) wait = Math.max(wait, pacer.at + RATE_PACE_MS - now);
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

/** The index of the first entry of a time-ordered log later than `at` (the log's length if none). */
function firstAfter(log: readonly Entry[], at: number): number {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((log[mid] as Entry).at > at) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Removes the entries at or before `at` from a time-ordered log (they are its prefix). */
function dropUpTo(log: Entry[], at: number): void {
  const gone = firstAfter(log, at);
  if (gone > 0) log.splice(0, gone);
}

/** Adds `entry` after every entry not later than it: a push, unless the clock stepped back. */
function insertInOrder(log: Entry[], entry: Entry): void {
  let i = log.length;
  while (i > 0 && (log[i - 1] as Entry).at > entry.at) i--;
  if (i === log.length) log.push(entry);
  else log.splice(i, 0, entry);
}
