import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkoutRound, percentile, providerTimeouts } from "../src/checkout-load-run.js";
import { childPids, startDemoServer } from "../src/demo-server.js";
import { benchImport, IMPORT_PAIRS } from "../src/import-time.js";

/**
 * Smoke run of the sandbox-throughput and cold-import benchmarks: a few checkouts through the real
 * demo server (its own process, both simulators), and two fresh-process import rounds. Structural
 * facts only, never a timing threshold.
 */
describe("checkout load smoke run", () => {
  it("drives checkouts through the demo server to paid, with no failure", async () => {
    const server = await startDemoServer();
    try {
      const r = await checkoutRound(server.origin, { concurrency: 4 });
      expect(r.errors).toEqual([]);
      expect(r.failures).toBe(0);
      expect(r.checkouts).toBe(4);
      for (const v of [r.p50Ms, r.p99Ms, r.requestP99Ms, r.requestMaxMs, r.wallMs]) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeGreaterThan(0);
      }
    } finally {
      await server.stop();
    }
  }, 120_000);

  it("serves with the simulators in a child process that stops with the server, or in process", async () => {
    const linux = process.platform === "linux";
    const apart = await startDemoServer();
    const sandboxes = childPids(apart.pid);
    try {
      const r = await checkoutRound(apart.origin, { concurrency: 2 });
      expect(r.errors).toEqual([]);
      if (linux) {
        expect(sandboxes).toHaveLength(1);
        expect(apart.cpu()?.childrenMs).toBeGreaterThan(0);
      }
    } finally {
      await apart.stop();
    }
    if (linux) {
      // The sandbox process ends when the shop closes its channel.
      await expect
        .poll(() => sandboxes.filter((pid) => existsSync(`/proc/${pid}`)), { timeout: 10_000 })
        .toEqual([]);
    }
    const together = await startDemoServer([], ["--sandbox=in-process"]);
    try {
      expect(childPids(together.pid)).toEqual([]);
      const r = await checkoutRound(together.origin, { concurrency: 2 });
      expect(r.errors).toEqual([]);
      if (linux) expect(together.cpu()?.childrenMs).toBe(0);
    } finally {
      await together.stop();
    }
  }, 120_000);

  it("reads the providers' timeouts from their config defaults", () => {
    expect(providerTimeouts()).toEqual({ wechatMs: 10_000, alipayMs: 5_000 });
  });

  it("takes the nearest-rank percentile", () => {
    const values = Array.from({ length: 200 }, (_, i) => 200 - i);
    expect(percentile(values, 99)).toBe(198);
    expect(percentile(values, 50)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });
});

describe("cold import smoke run", () => {
  it("times each PayBridge package and its raw SDK in fresh processes", () => {
    for (const pair of IMPORT_PAIRS.filter((p) => p.pkg === "core" || p.pkg === "redis")) {
      const r = benchImport(pair, 2);
      expect(r.ratios).toHaveLength(2);
      for (const v of [r.paybridgeMs, r.rawMs, r.medianRatio, ...r.ratios]) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeGreaterThan(0);
      }
    }
  }, 120_000);
});
