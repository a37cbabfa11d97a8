import type { Clock } from "../provider/clock.js";

/** Waits `ms` milliseconds. Injected wherever the refund engine waits, so tests never sleep for real. */
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * A clock that moves only when told to, and a sleep that moves it instead of waiting. For tests of
 * code with waits (rate limits, backoff, refund intervals); `slept` records every wait asked for.
 */
export class ManualTime {
  private nowMs: number;
  readonly slept: number[] = [];
  constructor(start: Date | number = Date.UTC(2025, 0, 1)) {
    this.nowMs = typeof start === "number" ? start : start.getTime();
  }
  readonly clock: Clock = () => new Date(this.nowMs);
  readonly now = (): number => this.nowMs;
  readonly sleep: Sleep = async (ms) => {
    this.slept.push(ms);
    this.advance(ms);
  };
  advance(ms: number): void {
    this.nowMs += Math.max(0, ms);
  }
}
