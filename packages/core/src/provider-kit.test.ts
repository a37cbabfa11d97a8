import { describe, expect, it } from "vitest";
import * as root from "./index.js";
import * as kit from "./provider-kit.js";

// What this entry loads at import time is checked in packages/e2e/test/cold-import.test.ts.
describe("@paybridge/core/provider-kit", () => {
  it("hands out the very values the root entry does, so instanceof and enum checks agree", () => {
    const rootValues = new Map<string, unknown>(Object.entries(root));
    const shared = Object.entries(kit).filter(([name]) => rootValues.has(name));
    const names = shared.map(([name]) => name);
    for (const name of [
      "PaymentError",
      "ValidationError",
      "TradeState",
      "RefundState",
      "cny",
      "systemClock",
    ]) {
      expect(names, name).toContain(name);
    }
    for (const [name, value] of shared) expect(value, name).toBe(rootValues.get(name));
  });
});
