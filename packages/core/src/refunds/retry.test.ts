import { describe, expect, it } from "vitest";
import { backoffDelayMs, DEFAULT_RETRY_POLICY } from "./retry.js";

describe("backoffDelayMs", () => {
  const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
  it("doubles per retry up to the cap, with jitter in the upper half", () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(policy, n, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(policy, n, () => 0.999999))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
  });
  it("spreads instances that failed together", () => {
    const delays = new Set(Array.from({ length: 50 }, (_, i) => backoffDelayMs(policy, 3, () => i / 50)));
    expect(delays.size).toBeGreaterThan(40);
  });
});
