import { ValidationError } from "@paybridge/core";
import { describe, expect, it } from "vitest";
import { lateRefundNo } from "./jobs/late-refund-number.js";
import { resolveRecoveryConfig } from "./recovery-config.js";

describe("recovery configuration", () => {
  it("fills every job's defaults", () => {
    const c = resolveRecoveryConfig();
    expect(c.queryUnnotified).toMatchObject({ enabled: true, intervalMs: 30_000, windowMs: 600_000 });
    expect(c.closeExpired).toMatchObject({ enabled: true, minAgeMs: 300_000 });
    expect(c.latePayments.autoRefund).toBe(false);
    expect(c.prune.inboxRetentionMs).toBe(7 * 24 * 3600_000);
  });

  it("keeps what is given and rejects a bad value by its field", () => {
    expect(resolveRecoveryConfig({ pollRefunds: { intervalMs: 5 } }).pollRefunds.intervalMs).toBe(5);
    const bad = () => resolveRecoveryConfig({ closeExpired: { intervalMs: 0 } });
    expect(bad).toThrow(ValidationError);
    expect(bad).toThrow(/recovery\.closeExpired\.intervalMs/);
    expect(() => resolveRecoveryConfig({ prune: { everyMs: 1 } } as never)).toThrow(/recovery\.prune/);
  });
});

describe("lateRefundNo", () => {
  it("is a deterministic, valid refund number, one to one with the order number", () => {
    expect(lateRefundNo("ORDER2026*01")).toBe("ORDER2026@01-LATE");
    expect(lateRefundNo("A1234567890123456789012345678901")).toMatch(/^[0-9A-Za-z_\-|@]{1,64}$/);
    expect(lateRefundNo("X00001")).toBe(lateRefundNo("X00001"));
  });
});
