/**
 * The simulators' time source. Refund windows (365 days), the one-minute interval between partial
 * refunds, PROCESSING -> SUCCESS delays, per-second rate limits and signature windows all read it,
 * so tests move time with `advance()` instead of sleeping.
 */
export interface SandboxClock {
  now(): Date;
  /** Moves time forward by `ms` (never backwards: refund rules assume monotonic time). */
  advance(ms: number): void;
}

/**
 * Real time plus an offset that `advance` grows: what a product user running the sandbox wants
 * (time passes by itself, and a test can still jump a year ahead).
 */
export class OffsetClock implements SandboxClock {
  private offsetMs: number;
  /** `start`: what now() says at construction (default: the base clock's own time). */
  constructor(
    private readonly base: () => number = Date.now,
    start?: Date,
  ) {
    this.offsetMs = start ? start.getTime() - base() : 0;
  }
  now(): Date {
    return new Date(this.base() + this.offsetMs);
  }
  advance(ms: number): void {
    assertForward(ms);
    this.offsetMs += ms;
  }
}

/** Time that only moves when told to: deterministic tests, no sleeps, no flakes. */
export class ManualClock implements SandboxClock {
  private ms: number;
  constructor(start: Date | number = Date.UTC(2025, 0, 1, 0, 0, 0)) {
    this.ms = typeof start === "number" ? start : start.getTime();
  }
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    assertForward(ms);
    this.ms += ms;
  }
}

function assertForward(ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`clock can only move forward, got ${ms} ms`);
}
