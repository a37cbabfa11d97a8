import { setTimeout as sleep } from "node:timers/promises";
import type { Clock } from "./clock.js";

/**
 * The longest real-time step between two readings of the clock. A clock faster than real time (a
 * sandbox at a speed factor) or moved by a test is noticed within this many real milliseconds.
 */
const STEP_MS = 20;

/**
 * Resolves once `ms` have passed on `clock` (the provider's injected clock, not the wall clock),
 * so a wait that a provider's page prescribes (query every 5 s, reverse no sooner than 15 s) takes
 * sandbox time in tests and real time in production.
 */
export async function waitOnClock(clock: Clock, ms: number): Promise<void> {
  const until = clock().getTime() + Math.max(0, ms);
  for (;;) {
    const left = until - clock().getTime();
    if (left <= 0) return;
    await sleep(Math.min(left, STEP_MS));
  }
}
