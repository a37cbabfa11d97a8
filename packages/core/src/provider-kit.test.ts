import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadedPackages } from "./__fixtures__/import-graph.js";
import * as root from "./index.js";
import * as kit from "./provider-kit.js";

const SRC = dirname(fileURLToPath(import.meta.url));

describe("@paybridge/core/provider-kit", () => {
  it("loads neither tsyringe nor reflect-metadata at import time (a provider's cold import)", () => {
    expect([...loadedPackages(join(SRC, "provider-kit.ts"))].sort()).toEqual([
      "node:fs",
      "node:timers/promises",
      "zod",
    ]);
  });

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
