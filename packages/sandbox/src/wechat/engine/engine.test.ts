import { beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../shared/clock.js";
import { WechatMerchantEngine } from "./engine.js";
import { WechatEngineError, WechatTransportFault } from "./errors.js";
import type { WechatEngineEvent } from "./events.js";

const MCH = "1900000001";
const APPID = "wx0000000000000001";
const DAY = 24 * 3600_000;

function setup(options: ConstructorParameters<typeof WechatMerchantEngine>[0] = {}) {
  const clock = new ManualClock();
  const engine = new WechatMerchantEngine({ clock, refundDelayMs: 10_000, ...options });
  engine.addMerchant({ mchid: MCH, appids: [APPID] });
  const events: WechatEngineEvent[] = [];
  engine.onEvent((e) => events.push(e));
  let n = 0;
  const order = (totalFen = 1000, channel: "jsapi" | "native" | "h5" | "app" = "native") => {
    n += 1;
    return engine.createOrder(MCH, {
      appid: APPID,
      outTradeNo: `T${n.toString().padStart(8, "0")}`,
      description: "goods",
      totalFen,
      notifyUrl: "http://127.0.0.1:1/notify",
      channel,
    });
  };
  const paid = (totalFen = 1000) => {
    const o = order(totalFen);
    engine.pay(o.outTradeNo);
    return o;
  };
  const refund = (outTradeNo: string, outRefundNo: string, refundFen: number, totalFen = 1000) =>
    engine.refund(MCH, { outTradeNo, outRefundNo, refundFen, totalFen });
  return { clock, engine, events, order, paid, refund };
}

function caught(fn: () => unknown): WechatEngineError {
  try {
    fn();
  } catch (error) {
    if (error instanceof WechatEngineError) return error;
    throw error;
  }
  throw new Error("expected a WechatEngineError");
}

describe("WechatMerchantEngine orders", () => {
  let t: ReturnType<typeof setup>;
  beforeEach(() => {
    t = setup();
  });

  it("creates orders with the client data of each channel", () => {
    expect(t.order(1, "native").codeUrl).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
    expect(t.order(1, "h5").h5Url).toMatch(/^https:\/\/wx\.tenpay\.com\//);
    const jsapi = t.order(1, "jsapi");
    expect(jsapi.prepayId).toMatch(/^wx\d{14}/);
    expect(jsapi.codeUrl).toBeUndefined();
    expect(jsapi.tradeState).toBe("NOTPAY");
  });

  it("returns the same prepay for the same parameters and refuses a reused number", () => {
    const o = t.order(100);
    const again = t.engine.createOrder(MCH, {
      appid: APPID,
      outTradeNo: o.outTradeNo,
      description: "goods",
      totalFen: 100,
      notifyUrl: "http://x/",
      channel: "native",
    });
    expect(again.prepayId).toBe(o.prepayId);
    const reused = caught(() =>
      t.engine.createOrder(MCH, { ...again, totalFen: 200, outTradeNo: o.outTradeNo, channel: "native" }),
    );
    expect(reused.code).toBe("OUT_TRADE_NO_USED");
  });

  it("refuses an appid not bound to the merchant and an unknown merchant", () => {
    expect(caught(() => t.engine.createOrder(MCH, { ...t.order(), appid: "wxother" })).code).toBe(
      "APPID_MCHID_NOT_MATCH",
    );
    expect(caught(() => t.engine.getOrder("nobody", { outTradeNo: "T00000001" })).code).toBe(
      "MCH_NOT_EXISTS",
    );
  });

  it("pays, fails, never pays, and queries by both numbers", () => {
    const a = t.order();
    const paid = t.engine.pay(a.outTradeNo);
    expect(paid.tradeState).toBe("SUCCESS");
    expect(paid.transactionId).toMatch(/^4200\d{24}$/);
    expect(paid.successTime).toEqual(t.clock.now());
    expect(t.engine.getOrder(MCH, { transactionId: paid.transactionId ?? "" }).outTradeNo).toBe(a.outTradeNo);
    const b = t.order();
    expect(t.engine.failPayment(b.outTradeNo).tradeState).toBe("PAYERROR");
    const c = t.order();
    t.engine.neverPay(c.outTradeNo);
    expect(caught(() => t.engine.pay(c.outTradeNo)).code).toBe("INVALID_REQUEST");
    expect(t.engine.getOrder(MCH, { outTradeNo: c.outTradeNo }).tradeState).toBe("NOTPAY");
    expect(caught(() => t.engine.getOrder(MCH, { outTradeNo: "NOPE000001" })).code).toBe("ORDER_NOT_EXIST");
    expect(t.events.filter((e) => e.kind === "trade").map((e) => e.kind === "trade" && e.to)).toEqual([
      "SUCCESS",
      "PAYERROR",
    ]);
  });

  it("closes unpaid orders and refuses to close paid ones", () => {
    const a = t.order();
    t.engine.closeOrder(MCH, a.outTradeNo);
    expect(t.engine.getOrder(MCH, { outTradeNo: a.outTradeNo }).tradeState).toBe("CLOSED");
    expect(caught(() => t.engine.pay(a.outTradeNo)).code).toBe("INVALID_REQUEST");
    const b = t.paid();
    // v3 (https://pay.weixin.qq.com/doc/v3/merchant/4013070360) has no ORDERPAID; CloudPay / v2 keep it.
    const paidClose = caught(() => t.engine.closeOrder(MCH, b.outTradeNo));
    expect([paidClose.code, paidClose.httpStatus, paidClose.v2Code]).toEqual([
      "INVALID_REQUEST",
      400,
      "ORDERPAID",
    ]);
  });

  it("refuses to pay after time_expire", () => {
    const o = t.engine.createOrder(MCH, {
      appid: APPID,
      outTradeNo: "EXP0000001",
      description: "d",
      totalFen: 1,
      notifyUrl: "http://x/",
      channel: "app",
      timeExpire: new Date(t.clock.now().getTime() + 60_000),
    });
    t.clock.advance(61_000);
    expect(caught(() => t.engine.pay(o.outTradeNo)).code).toBe("ORDER_CLOSED");
  });
});

describe("WechatMerchantEngine refunds", () => {
  let t: ReturnType<typeof setup>;
  beforeEach(() => {
    t = setup();
  });

  it("accepts PROCESSING, moves the trade to REFUND, and settles to SUCCESS after the delay", () => {
    const o = t.paid();
    const { refund, created } = t.refund(o.outTradeNo, "R1", 300);
    expect(created).toBe(true);
    expect(refund.status).toBe("PROCESSING");
    expect(refund.refundId).toMatch(/^50\d+$/);
    expect(t.engine.getOrder(MCH, { outTradeNo: o.outTradeNo }).tradeState).toBe("REFUND");
    t.engine.advance(9_999);
    expect(t.engine.getRefund(MCH, "R1").status).toBe("PROCESSING");
    t.engine.advance(1);
    const settled = t.engine.getRefund(MCH, "R1");
    expect(settled.status).toBe("SUCCESS");
    expect(settled.successTime?.getTime()).toBe(refund.createdAt.getTime() + 10_000);
    const refundEvents = t.events.filter((e) => e.kind === "refund").map((e) => e.kind === "refund" && e.to);
    expect(refundEvents).toEqual(["PROCESSING", "SUCCESS"]);
  });

  it("ends in ABNORMAL or CLOSED on request, and ABNORMAL can be resolved", () => {
    const o = t.paid();
    t.engine.setRefundOutcome("RA", "ABNORMAL");
    t.refund(o.outTradeNo, "RA", 100);
    t.engine.advance(10_000);
    expect(t.engine.getRefund(MCH, "RA").status).toBe("ABNORMAL");
    t.engine.setRefundOutcome("RA", "SUCCESS");
    expect(t.engine.getRefund(MCH, "RA").status).toBe("SUCCESS");
    t.engine.advance(60_000);
    t.refund(o.outTradeNo, "RC", 100);
    t.engine.setRefundOutcome("RC", "CLOSED");
    expect(t.engine.getRefund(MCH, "RC").status).toBe("CLOSED");
    expect(caught(() => t.engine.setRefundOutcome("RC", "SUCCESS")).code).toBe("INVALID_REQUEST");
  });

  it("returns the original refund for the same out_refund_no and never refunds twice", () => {
    const o = t.paid();
    const first = t.refund(o.outTradeNo, "R1", 300);
    const again = t.refund(o.outTradeNo, "R1", 300);
    expect(again.created).toBe(false);
    expect(again.refund.refundId).toBe(first.refund.refundId);
    expect(t.engine.refundsOf(o.outTradeNo)).toHaveLength(1);
    const mismatch = caught(() => t.refund(o.outTradeNo, "R1", 301));
    expect([mismatch.code, mismatch.rule]).toEqual(["INVALID_REQUEST", "duplicate_mismatch"]);
  });

  it("keeps one minute between refunds of one order", () => {
    const o = t.paid();
    t.refund(o.outTradeNo, "R1", 100);
    t.clock.advance(59_999);
    const early = caught(() => t.refund(o.outTradeNo, "R2", 100));
    expect([early.code, early.rule, early.httpStatus]).toEqual(["FREQUENCY_LIMITED", "interval", 429]);
    t.clock.advance(1);
    expect(t.refund(o.outTradeNo, "R2", 100).created).toBe(true);
  });

  it("never lets the sum of refunds pass the total; a CLOSED refund gives its amount back", () => {
    const o = t.paid(500);
    t.refund(o.outTradeNo, "R1", 400, 500);
    t.clock.advance(60_000);
    const over = caught(() => t.refund(o.outTradeNo, "R2", 101, 500));
    expect([over.code, over.rule]).toEqual(["INVALID_REQUEST", "sum"]);
    expect(t.refund(o.outTradeNo, "R2", 100, 500).created).toBe(true);

    const p = t.paid(500);
    t.engine.setRefundOutcome("C1", "CLOSED");
    t.refund(p.outTradeNo, "C1", 500, 500);
    t.clock.advance(60_000);
    expect(t.engine.getRefund(MCH, "C1").status).toBe("CLOSED");
    expect(t.refund(p.outTradeNo, "C2", 500, 500).created).toBe(true);
  });

  it("refuses a total that differs from the order", () => {
    const o = t.paid(500);
    expect(caught(() => t.refund(o.outTradeNo, "R1", 100, 600)).rule).toBe("total_mismatch");
  });

  it("refuses refunds after 365 days from pay success (TRADE_OVERDUE)", () => {
    const o = t.paid();
    t.clock.advance(365 * DAY);
    expect(t.refund(o.outTradeNo, "R1", 1).created).toBe(true);
    t.clock.advance(60_000);
    const late = caught(() => t.refund(o.outTradeNo, "R2", 1));
    expect([late.code, late.rule, late.v2Code]).toEqual(["INVALID_REQUEST", "window", "TRADE_OVERDUE"]);
  });

  it("allows at most 50 refunds per order", () => {
    const o = t.paid(1000);
    for (let i = 1; i <= 50; i += 1) {
      t.refund(o.outTradeNo, `R${i}`, 1);
      t.clock.advance(60_000);
    }
    const extra = caught(() => t.refund(o.outTradeNo, "R51", 1));
    expect([extra.code, extra.rule]).toEqual(["INVALID_REQUEST", "count"]);
  });

  it("refuses refunds of unknown and unpaid orders with RESOURCE_NOT_EXISTS", () => {
    expect(caught(() => t.refund("NOPE000001", "R1", 1)).code).toBe("RESOURCE_NOT_EXISTS");
    const unpaid = t.order();
    const e = caught(() => t.refund(unpaid.outTradeNo, "R1", 1));
    expect([e.code, e.rule, e.httpStatus]).toEqual(["RESOURCE_NOT_EXISTS", "not_paid", 404]);
  });

  it("finds the order by transaction_id first", () => {
    const o = t.paid();
    const { refund } = t.engine.refund(MCH, {
      transactionId: t.engine.peekOrder(o.outTradeNo)?.transactionId,
      outTradeNo: "IGNORED001",
      outRefundNo: "R1",
      refundFen: 1,
      totalFen: 1000,
    });
    expect(refund.outTradeNo).toBe(o.outTradeNo);
  });
});

describe("WechatMerchantEngine rate limits", () => {
  it("allows 150 successful refund calls per second per merchant, then FREQUENCY_LIMITED", () => {
    const t = setup({ refundIntervalMs: 0, maxRefundsPerOrder: 1000 });
    const o = t.paid(100_000);
    for (let i = 0; i < 150; i += 1) t.refund(o.outTradeNo, `S${i}`, 1, 100_000);
    const limited = caught(() => t.refund(o.outTradeNo, "S150", 1, 100_000));
    expect([limited.code, limited.rule]).toEqual(["FREQUENCY_LIMITED", "rate_success"]);
    t.clock.advance(1000);
    expect(t.refund(o.outTradeNo, "S150", 1, 100_000).created).toBe(true);
  });

  it("allows 6 failed refund calls per second per merchant, then FREQUENCY_LIMITED even for good ones", () => {
    const t = setup();
    const o = t.paid();
    for (let i = 0; i < 6; i += 1)
      expect(caught(() => t.refund("NOPE000001", `F${i}`, 1)).code).toBe("RESOURCE_NOT_EXISTS");
    const limited = caught(() => t.refund(o.outTradeNo, "OK1", 1));
    expect([limited.code, limited.rule]).toEqual(["FREQUENCY_LIMITED", "rate_failure"]);
    t.clock.advance(1000);
    expect(t.refund(o.outTradeNo, "OK1", 1).created).toBe(true);
  });

  it("counts per merchant", () => {
    const t = setup();
    t.engine.addMerchant({ mchid: "1900000002" });
    for (let i = 0; i < 6; i += 1) caught(() => t.refund("NOPE000001", `F${i}`, 1));
    expect(
      caught(() =>
        t.engine.refund("1900000002", {
          outTradeNo: "NOPE000001",
          outRefundNo: "X",
          refundFen: 1,
          totalFen: 1,
        }),
      ).code,
    ).toBe("RESOURCE_NOT_EXISTS");
  });
});

describe("WechatMerchantEngine refund listing", () => {
  it("pages every refund of an order 10 at a time, by priority of keys", () => {
    const t = setup({ refundIntervalMs: 0 });
    const o = t.paid(1000);
    for (let i = 0; i < 23; i += 1) t.refund(o.outTradeNo, `L${i}`, 1);
    const first = t.engine.queryRefunds(MCH, { outTradeNo: o.outTradeNo });
    expect([first.totalCount, first.refunds.length, first.refunds[0]?.outRefundNo]).toEqual([23, 10, "L0"]);
    const last = t.engine.queryRefunds(MCH, { transactionId: first.order.transactionId, offset: 20 });
    expect(last.refunds.map((r) => r.outRefundNo)).toEqual(["L20", "L21", "L22"]);
    expect(caught(() => t.engine.queryRefunds(MCH, { outTradeNo: o.outTradeNo, offset: 23 })).code).toBe(
      "PARAM_ERROR",
    );
    const byId = t.engine.queryRefunds(MCH, {
      refundId: t.engine.getRefund(MCH, "L5").refundId,
      outRefundNo: "L6",
      outTradeNo: "ignored000",
    });
    expect(byId.refunds.map((r) => r.outRefundNo)).toEqual(["L5"]);
    expect(t.engine.queryRefunds(MCH, { outRefundNo: "L6", outTradeNo: "x" }).refunds[0]?.outRefundNo).toBe(
      "L6",
    );
    expect(caught(() => t.engine.queryRefunds(MCH, { outRefundNo: "none" })).code).toBe(
      "RESOURCE_NOT_EXISTS",
    );
  });
});

describe("WechatMerchantEngine fault injection", () => {
  it("raises each queued fault once, for the matching operation only", () => {
    const t = setup();
    const o = t.paid();
    for (const kind of [
      "SYSTEM_ERROR",
      "FREQUENCY_LIMITED",
      "NOT_ENOUGH",
      "USER_ACCOUNT_ABNORMAL",
      "RESOURCE_NOT_EXISTS",
    ] as const) {
      t.engine.injectFault({ kind, operation: "refund" });
      expect(t.engine.getOrder(MCH, { outTradeNo: o.outTradeNo }).tradeState).toBe("SUCCESS");
      const e = caught(() => t.refund(o.outTradeNo, "R1", 1));
      expect(e.code).toBe(kind);
    }
    expect(t.engine.refundsOf(o.outTradeNo)).toHaveLength(0);
    expect(t.refund(o.outTradeNo, "R1", 1).created).toBe(true);
  });

  it("a resubmitted out_refund_no is answered with its refund: refusals of new money do not hit it", () => {
    // https://pay.weixin.qq.com/doc/v3/merchant/4012556457: "同一退款单号多次请求只退一笔".
    const t = setup();
    const o = t.paid();
    const first = t.refund(o.outTradeNo, "RR1", 300);
    for (const kind of ["NOT_ENOUGH", "USER_ACCOUNT_ABNORMAL", "RESOURCE_NOT_EXISTS"] as const) {
      t.engine.injectFault({ kind, operation: "refund" });
      const again = t.refund(o.outTradeNo, "RR1", 300);
      expect([again.created, again.refund.refundId]).toEqual([false, first.refund.refundId]);
      expect(t.engine.faults.pending).toHaveLength(0);
    }
    // A system fault still hits a resubmission, and a refusal still hits a new refund number.
    t.engine.injectFault({ kind: "SYSTEM_ERROR", operation: "refund" });
    expect(caught(() => t.refund(o.outTradeNo, "RR1", 300)).code).toBe("SYSTEM_ERROR");
    t.engine.injectFault({ kind: "NOT_ENOUGH", operation: "refund" });
    expect(caught(() => t.refund(o.outTradeNo, "RR2", 300)).code).toBe("NOT_ENOUGH");
    expect(t.engine.refundsOf(o.outTradeNo).map((r) => r.outRefundNo)).toEqual(["RR1"]);
  });

  it("timeout: nothing happened; response lost: the refund was recorded", () => {
    const t = setup();
    const o = t.paid();
    t.engine.injectFault({ kind: "TIMEOUT", operation: "refund" });
    expect(() => t.refund(o.outTradeNo, "R1", 1)).toThrow(WechatTransportFault);
    expect(t.engine.refundsOf(o.outTradeNo)).toHaveLength(0);
    t.engine.injectFault({ kind: "RESPONSE_LOST", operation: "refund", mchid: MCH });
    let lost: unknown;
    try {
      t.refund(o.outTradeNo, "R1", 1);
    } catch (error) {
      lost = error;
    }
    expect(lost).toBeInstanceOf(WechatTransportFault);
    expect((lost as WechatTransportFault).kind).toBe("response_lost");
    expect(t.engine.refundsOf(o.outTradeNo)).toHaveLength(1);
    // The retry with the same number gets the original.
    expect(t.refund(o.outTradeNo, "R1", 1).created).toBe(false);
  });

  it("leaves a fault for another merchant queued", () => {
    const t = setup();
    t.engine.injectFault({ kind: "SYSTEM_ERROR", mchid: "other" });
    const o = t.order();
    expect(t.engine.getOrder(MCH, { outTradeNo: o.outTradeNo }).tradeState).toBe("NOTPAY");
    expect(t.engine.faults.pending).toHaveLength(1);
  });
});
