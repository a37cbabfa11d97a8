import { createPrivateKey, createPublicKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { benchImport, constructKeys, IMPORT_PAIRS, spread } from "./import-time.js";

describe("spread", () => {
  it("gives extremes and interpolated quartiles of unsorted ratios", () => {
    expect(spread([3, 1, 2, 5, 4])).toEqual({ min: 1, q1: 2, q3: 4, max: 5 });
    expect(spread([1, 2, 3, 4])).toEqual({ min: 1, q1: 1.75, q3: 3.25, max: 4 });
  });

  it("is NaN for no rounds", () => {
    expect(Number.isNaN(spread([]).q1)).toBe(true);
  });
});

describe("constructKeys", () => {
  it("gives a key pair that belongs together and a 32-character APIv3 key", () => {
    const keys = constructKeys();
    const derived = createPublicKey(createPrivateKey(keys.privateKey)).export({
      type: "spki",
      format: "pem",
    });
    expect(derived).toBe(keys.publicKey);
    expect(keys.apiV3Key).toHaveLength(32);
  });
});

describe("import + construct", () => {
  // Runs the built packages (pnpm build first), as the bench does. A construct script that throws
  // (a config the provider refuses, a wrong export name) exits its child non-zero and fails here.
  it("times one WechatPayProvider and one raw client, each constructed in its fresh process", () => {
    const pair = IMPORT_PAIRS.find((p) => p.pkg === "wechatpay");
    expect(pair?.construct).toBeDefined();
    const r = benchImport(pair as NonNullable<typeof pair>, 1);
    expect(r.construct?.ratios).toHaveLength(1);
    for (const v of [r.paybridgeMs, r.rawMs, ...r.ratios, ...(r.construct?.ratios ?? [])]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThan(0);
    }
  }, 120_000);
});
