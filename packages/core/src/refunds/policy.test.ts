import { describe, expect, it } from "vitest";
import { RefundRuleError } from "../errors/errors.js";
import { RefundState } from "../states/refund-state.js";
import { TradeState } from "../states/trade-state.js";
import type { LedgerOrder, LedgerRefund } from "./ledger-records.js";
import { decideReserve, policyFromRules, type RefundPolicy } from "./policy.js";

const now = new Date("2026-01-10T00:00:00Z");
// A couponed order: 10000 fen total, the buyer paid 9000 (a 1000-fen coupon).
const order: LedgerOrder = {
  outTradeNo: "T1",
  provider: "wechatpay",
  merchantId: "m",
  currency: "CNY",
  totalFen: 10_000,
  paidFen: 9_000,
  paidAt: new Date("2026-01-01T00:00:00Z"),
  tradeState: TradeState.REFUND,
  providerTradeNo: undefined,
};
const earlier: LedgerRefund = {
  outRefundNo: "R1",
  outTradeNo: "T1",
  provider: "wechatpay",
  merchantId: "m",
  currency: "CNY",
  amountFen: 8_000,
  state: RefundState.SUCCESS,
  rawStatus: "SUCCESS",
  providerRefundId: "r1",
  reason: undefined,
  attempts: 1,
  createdAt: new Date("2026-01-02T00:00:00Z"),
  updatedAt: new Date("2026-01-02T00:00:00Z"),
  submittedAt: new Date("2026-01-02T00:00:00Z"),
  successAt: new Date("2026-01-02T00:01:00Z"),
  lastError: undefined,
  outcomeUnknown: false,
  recoveryFailures: 0,
  retryAt: undefined,
};
const base = { windowDays: 365, maxRefundsPerOrder: 50, minIntervalMs: 60_000 };
const reserve = (amountFen: number, policy: RefundPolicy) =>
  decideReserve(
    order,
    [earlier],
    undefined,
    { outTradeNo: "T1", outRefundNo: "R2", amountFen, currency: "CNY", initialState: 1 },
    policy,
    now,
  );

describe("the sum rule's base", () => {
  it("caps refunds by what the buyer paid by default", () => {
    expect(reserve(1_000, base)).toEqual({ kind: "insert" });
    expect(() => reserve(1_001, base)).toThrow(RefundRuleError);
    expect(() => reserve(1_001, base)).toThrow(/over the 9000 fen paid/);
  });

  it("caps refunds by the order's total when the provider's rules say so (WeChat)", () => {
    const policy = policyFromRules({ ...base, rateLimit: undefined, refundableBase: "total" });
    expect(policy.refundableBase).toBe("total");
    expect(reserve(2_000, policy)).toEqual({ kind: "insert" });
    try {
      reserve(2_001, policy);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RefundRuleError);
      expect((error as RefundRuleError).rule).toBe("sum");
      expect((error as Error).message).toMatch(/over the 10000 fen of the order's total/);
    }
  });
});
