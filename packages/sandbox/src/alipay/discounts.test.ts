import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { payOptions, refundShare, sendBackFen, tradeAmounts, tradeDiscounts } from "./discounts.js";
import { GatewayFailure } from "./errors.js";

describe("Alipay vouchers and points", () => {
  it("splits a trade into buyer, points, platform and merchant parts", () => {
    const d = tradeDiscounts(10_000, {
      vouchers: [{ amountFen: 1000 }, { amountFen: 500, merchantContributeFen: 0 }],
      pointFen: 200,
    });
    expect(tradeAmounts(10_000, d)).toEqual({
      buyerPayFen: 8300,
      pointFen: 200,
      invoiceFen: 8300,
      receiptFen: 9000,
      voucherFen: 1500,
      merchantDiscountFen: 1000,
      platformDiscountFen: 500,
    });
  });

  it("reads the control body in yuan and refuses a malformed field by name", () => {
    expect(payOptions('{"voucher_detail_list":[{"amount":"1.50"}],"point_amount":"0.20"}')).toMatchObject({
      vouchers: [{ amountFen: 150 }],
      pointFen: 20,
    });
    const subMsg = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof GatewayFailure ? String(e.response.sub_msg) : String(e);
      }
      return "no error";
    };
    expect(subMsg(() => payOptions('{"voucher_detail_list":[{"amount":1.5}]}'))).toMatch(
      /voucher_detail_list\[0\]\.amount/,
    );
    expect(subMsg(() => tradeDiscounts(100, { vouchers: [{ amountFen: 100 }] }))).toMatch(/必须小于订单金额/);
  });

  it("refunding a trade in any parts gives every part back whole, and send_back_fee adds up to receipt_amount", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10, max: 1_000_000 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 6 }),
        (total, m, p, pt, weights) => {
          const third = Math.floor((total - 1) / 3);
          const merchant = Math.floor((m * third) / 100);
          const platform = Math.floor((p * third) / 100);
          const vouchers = [
            ...(merchant > 0 ? [{ amountFen: merchant }] : []),
            ...(platform > 0 ? [{ amountFen: platform, merchantContributeFen: 0 }] : []),
          ];
          const d = tradeDiscounts(total, { vouchers, pointFen: Math.floor((pt * third) / 100) });
          const wsum = weights.reduce((s, w) => s + w, 0);
          const parts = weights.map((w) => Math.floor((w * total) / wsum));
          parts[parts.length - 1] = total - parts.slice(0, -1).reduce((s, x) => s + x, 0);
          const earlier: { amountFen: number; share: ReturnType<typeof refundShare> }[] = [];
          const sums = { buyer: 0, point: 0, discount: 0, mdiscount: 0, back: 0 };
          for (const fen of parts.filter((x) => x > 0)) {
            const share = refundShare(total, d, earlier, fen);
            expect(share.buyerFen).toBeGreaterThanOrEqual(0);
            sums.buyer += share.buyerFen;
            sums.point += share.pointFen;
            sums.discount += share.discountFen;
            sums.mdiscount += share.mdiscountFen;
            sums.back += sendBackFen(fen, share);
            earlier.push({ amountFen: fen, share });
          }
          const a = tradeAmounts(total, d);
          expect(sums).toEqual({
            buyer: a.buyerPayFen,
            point: a.pointFen,
            discount: a.platformDiscountFen,
            mdiscount: a.merchantDiscountFen,
            back: a.receiptFen,
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
