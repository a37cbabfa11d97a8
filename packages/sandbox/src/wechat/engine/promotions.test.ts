import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../shared/clock.js";
import { WechatMerchantEngine } from "./engine.js";
import { WechatEngineError } from "./errors.js";
import { orderMoney, refundMoney } from "./promotions.js";

const MCH = "1900000109";
const APPID = "wx8888888888888888";

function engineWithOrder(totalFen: number) {
  const engine = new WechatMerchantEngine({
    clock: new ManualClock(Date.UTC(2026, 2, 1, 1)),
    rateLimits: false,
    refundIntervalMs: 0,
    refundDelayMs: 0,
  });
  engine.addMerchant({ mchid: MCH, appids: [APPID] });
  engine.createOrder(MCH, {
    appid: APPID,
    outTradeNo: "ORDER1",
    description: "coupon",
    totalFen,
    notifyUrl: "https://example.com/notify",
    channel: "native",
  });
  return engine;
}

describe("coupons on a WeChat order", () => {
  it("payer_total is the total less the coupons; settlement_total less the NOCASH ones", () => {
    const engine = engineWithOrder(10_000);
    const order = engine.pay("ORDER1", {
      promotions: [
        { type: "CASH", amountFen: 1000 },
        { type: "NOCASH", amountFen: 500 },
      ],
    });
    expect(order.payerTotalFen).toBe(8500);
    expect(orderMoney(order)).toEqual({
      couponFen: 1500,
      cashCouponFen: 1000,
      settlementTotalFen: 9500,
      payerTotalFen: 8500,
    });
    // A CASH coupon is WeChat's money, a NOCASH one the merchant's, unless told otherwise.
    expect(order.promotions.map((p) => [p.wechatpayContributeFen, p.merchantContributeFen])).toEqual([
      [1000, 0],
      [0, 500],
    ]);
  });

  it("refuses coupons that cover the whole order or whose contributions do not add up, naming the field", () => {
    expect(() =>
      engineWithOrder(100).pay("ORDER1", { promotions: [{ type: "CASH", amountFen: 100 }] }),
    ).toThrow(/优惠金额 100 必须小于订单金额 100/);
    expect(() =>
      engineWithOrder(100).pay("ORDER1", {
        promotions: [{ type: "NOCASH", amountFen: 10, merchantContributeFen: 4, otherContributeFen: 4 }],
      }),
    ).toThrow(/promotion_detail\[0\]: wechatpay_contribute \+ merchant_contribute \+ other_contribute/);
    expect(() =>
      engineWithOrder(100).pay("ORDER1", { promotions: [{ type: "CASH", amountFen: 0 }] }),
    ).toThrow(WechatEngineError);
  });

  it("any sequence of partial refunds returns every coupon whole once the order is refunded, never more", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 1_000_000 }),
        fc.array(fc.record({ cash: fc.boolean(), share: fc.integer({ min: 1, max: 1000 }) }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 8 }),
        (total, coupons, weights) => {
          // Coupon amounts that leave the buyer at least a fen to pay.
          const budget = total - 1;
          const scale = coupons.reduce((s, c) => s + c.share, 0);
          const amounts = coupons.map((c) => Math.floor((c.share * budget) / (scale + 1)));
          const promotions = coupons
            .map((c, i) => ({
              type: c.cash ? ("CASH" as const) : ("NOCASH" as const),
              amountFen: amounts[i] ?? 0,
            }))
            .filter((p) => p.amountFen > 0);
          const engine = engineWithOrder(total);
          const order = engine.pay("ORDER1", { promotions });
          // Refund amounts in the given proportions, the last one taking what is left.
          const wsum = weights.reduce((s, w) => s + w, 0);
          const parts = weights.map((w) => Math.floor((w * total) / wsum));
          parts[parts.length - 1] = total - parts.slice(0, -1).reduce((s, p) => s + p, 0);
          let n = 0;
          for (const fen of parts.filter((p) => p > 0)) {
            n += 1;
            engine.refund(MCH, {
              outTradeNo: "ORDER1",
              outRefundNo: `R${n}`,
              refundFen: fen,
              totalFen: total,
            });
          }
          const refunds = engine.refundsOf("ORDER1");
          for (const r of refunds) {
            const split = refundMoney(r);
            expect(split.discountRefundFen).toBeLessThanOrEqual(r.refundFen);
            expect(split.payerRefundFen).toBeGreaterThanOrEqual(0);
            expect(split.settlementRefundFen).toBeLessThanOrEqual(r.refundFen);
          }
          order.promotions.forEach((p, i) => {
            const back = refunds.reduce((s, r) => s + (r.promotions[i]?.refundAmountFen ?? 0), 0);
            expect(back).toBe(p.amountFen);
          });
          const payerBack = refunds.reduce((s, r) => s + refundMoney(r).payerRefundFen, 0);
          expect(payerBack).toBe(order.payerTotalFen);
        },
      ),
      { numRuns: 200 },
    );
  });
});
