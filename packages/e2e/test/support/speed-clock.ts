import { OffsetClock } from "@paybridge/sandbox";

/**
 * A sandbox clock running `factor` times faster than real time: the pages' waits (query every
 * 10 s, give up after 45 s) take a fraction of a second, and the client waits on the very same
 * clock, so the schedule keeps its shape. Business time only: signatures use the wall clock.
 */
export function speedClock(factor: number): OffsetClock {
  const start = Date.now();
  return new OffsetClock(() => start + (Date.now() - start) * factor);
}
