import { describe, expect, it } from "vitest";
import { GatewayFailure } from "./errors.js";
import { AlipayLedger, type LedgerEvent } from "./ledger.js";

const DAY = 24 * 3600 * 1000;
const t0 = new Date("2026-03-01T00:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

function ledger(options: Partial<{ refundWindowDays: number; sellerBalanceFen: number }> = {}) {
  const events: LedgerEvent[] = [];
  const l = new AlipayLedger(
    {
      refundWindowDays: options.refundWindowDays ?? 90,
      cancelWindowHours: 24,
      sellerBalanceFen: options.sellerBalanceFen,
    },
    (e) => events.push(e),
  );
  return { l, events };
}
const open = (l: AlipayLedger, outTradeNo = "T1", totalFen = 1000) =>
  l.open(
    {
      outTradeNo,
      createdBy: "alipay.trade.precreate",
      productCode: undefined,
      subject: "s",
      totalFen,
      expiresAt: at(DAY),
      notifyUrl: undefined,
      returnUrl: undefined,
      passbackParams: undefined,
      buyerId: undefined,
      scanned: true,
    },
    t0,
  );
const subCode = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayFailure) return err.response.sub_code;
    throw err;
  }
  return "no error";
};

describe("sandbox ledger rules", () => {
  it("trade numbers are 28 digits and unique", () => {
    const { l } = ledger();
    const a = open(l, "A1");
    const b = open(l, "B1");
    expect(a.tradeNo).toMatch(/^\d{28}$/);
    expect(a.tradeNo).not.toBe(b.tradeNo);
  });

  it("refunds: sum never past the paid amount; same out_request_no once; full refund closes", () => {
    const { l, events } = ledger();
    const trade = open(l);
    expect(subCode(() => l.refund(trade, { outRequestNo: "R0", amountFen: 1, reason: undefined }, t0))).toBe(
      "ACQ.TRADE_STATUS_ERROR",
    );
    l.pay("T1", at(1000));
    expect(
      l.refund(trade, { outRequestNo: "R1", amountFen: 600, reason: undefined }, at(2000)).fundChange,
    ).toBe(true);
    expect(
      l.refund(trade, { outRequestNo: "R1", amountFen: 600, reason: undefined }, at(3000)).fundChange,
    ).toBe(false);
    expect(
      subCode(() => l.refund(trade, { outRequestNo: "R1", amountFen: 601, reason: undefined }, at(3000))),
    ).toBe("ACQ.DISCORDANT_REPEAT_REQUEST");
    expect(
      subCode(() => l.refund(trade, { outRequestNo: "R2", amountFen: 401, reason: undefined }, at(3000))),
    ).toBe("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL");
    l.refund(trade, { outRequestNo: "R2", amountFen: 400, reason: undefined }, at(4000));
    expect(trade.status).toBe("TRADE_CLOSED");
    expect(trade.refundedFen).toBe(1000);
    expect(events.map((e) => e.type)).toEqual(["paid", "refunded", "refunded"]);
  });

  it("time: unpaid trades expire, paid ones finish after the refund window", () => {
    const { l, events } = ledger({ refundWindowDays: 10 });
    const unpaid = open(l, "U1");
    const paid = open(l, "P1");
    l.pay("P1", t0);
    l.refreshAll(at(DAY));
    expect(unpaid.status).toBe("TRADE_CLOSED");
    l.refreshAll(at(10 * DAY));
    expect(paid.status).toBe("TRADE_FINISHED");
    expect(
      subCode(() => l.refund(paid, { outRequestNo: "R", amountFen: 1, reason: undefined }, at(10 * DAY))),
    ).toBe("ACQ.TRADE_HAS_FINISHED");
    expect(events.map((e) => e.type)).toEqual(["paid", "expired", "finished"]);
  });

  it("the seller balance limits refunds and grows with payments", () => {
    const { l } = ledger({ sellerBalanceFen: 0 });
    const trade = open(l);
    l.pay("T1", t0);
    expect(l.sellerBalanceFen).toBe(1000);
    l.setSellerBalance(10);
    expect(subCode(() => l.refund(trade, { outRequestNo: "R", amountFen: 11, reason: undefined }, t0))).toBe(
      "ACQ.SELLER_BALANCE_NOT_ENOUGH",
    );
    expect(trade.refundedFen).toBe(0);
  });

  it("re-opening: same order reuses the trade, a changed one is ACQ.CONTEXT_INCONSISTENT", () => {
    const { l } = ledger();
    const first = open(l, "X1", 100);
    expect(open(l, "X1", 100)).toBe(first);
    expect(subCode(() => open(l, "X1", 101))).toBe("ACQ.CONTEXT_INCONSISTENT");
  });
});
