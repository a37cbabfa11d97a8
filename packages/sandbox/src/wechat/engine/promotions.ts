import { proportionalShares } from "../../shared/proportional-split.js";
import { WechatEngineError } from "./errors.js";
import type { EngineOrder, EnginePromotion, EngineRefundPromotion, PromotionInput } from "./types.js";

/**
 * Coupons and discounts (代金券 / 立减优惠) on a paid order and their share of each refund.
 *
 * Order side, the query page's promotion_detail (https://pay.weixin.qq.com/doc/v3/merchant/4013070356):
 * type CASH (充值型代金券, funded ahead and settled to the merchant) or NOCASH (免充值型, the
 * merchant funds it and is not settled for it); wechatpay_contribute + merchant_contribute +
 * other_contribute = amount; amount.payer_total = total - the coupons.
 *
 * Refund side (https://pay.weixin.qq.com/doc/v3/merchant/4012556457, amount and promotion_detail):
 * discount_refund (优惠退款金额) <= refund, payer_refund = refund - discount_refund,
 * settlement_refund = refund - the 免充值 (NOCASH) coupons' refund, settlement_total = total - the
 * 免充值 coupons. Refund promotion types are COUPON (充值型) and DISCOUNT (免充值型), as the v2
 * refund query page spells them (https://pay.weixin.qq.com/doc/v2/partner/4011984122).
 *
 * How a partial refund is split: the pages define the amounts but give no formula; WeChat returns a
 * coupon in proportion to the refund (the WeChat Pay community answer: "代金券会按比例退款",
 * https://developers.weixin.qq.com/community/pay/doc/0002a6f1348e80165300e5bc961400). The sandbox
 * does so with shared/proportional-split.ts: rounded down on a partial refund, never more than the
 * refund itself, and the refund that completes the order returns every coupon whole.
 */
export function promotionsOf(totalFen: number, inputs: readonly PromotionInput[]): EnginePromotion[] {
  let sum = 0;
  const out = inputs.map((p, i): EnginePromotion => {
    const field = `promotion_detail[${i}]`;
    if (!Number.isSafeInteger(p.amountFen) || p.amountFen < 1) {
      throw new WechatEngineError("PARAM_ERROR", `${field}.amount 必须是正整数(分)`);
    }
    if (p.type !== "CASH" && p.type !== "NOCASH") {
      throw new WechatEngineError("PARAM_ERROR", `${field}.type 只能是 CASH 或 NOCASH`);
    }
    // A CASH coupon is funded by WeChat / the issuer; a NOCASH one by the merchant, unless told.
    const wechatpay = p.wechatpayContributeFen ?? (p.type === "CASH" ? p.amountFen : 0);
    const merchant = p.merchantContributeFen ?? (p.type === "NOCASH" ? p.amountFen - wechatpay : 0);
    const other = p.otherContributeFen ?? p.amountFen - wechatpay - merchant;
    if ([wechatpay, merchant, other].some((v) => !Number.isSafeInteger(v) || v < 0)) {
      throw new WechatEngineError("PARAM_ERROR", `${field} 的出资金额必须是非负整数(分)`);
    }
    if (wechatpay + merchant + other !== p.amountFen) {
      throw new WechatEngineError(
        "PARAM_ERROR",
        `${field}: wechatpay_contribute + merchant_contribute + other_contribute 必须等于 amount`,
      );
    }
    sum += p.amountFen;
    return {
      couponId: p.couponId ?? `${1_000_000_000 + i}`,
      name: p.name ?? (p.type === "CASH" ? "代金券" : "立减优惠"),
      scope: p.scope ?? "GLOBAL",
      type: p.type,
      amountFen: p.amountFen,
      stockId: p.stockId ?? "8165000",
      wechatpayContributeFen: wechatpay,
      merchantContributeFen: merchant,
      otherContributeFen: other,
    };
  });
  if (sum >= totalFen) {
    throw new WechatEngineError("PARAM_ERROR", `优惠金额 ${sum} 必须小于订单金额 ${totalFen}`);
  }
  return out;
}

/**
 * The coupons' share of one refund, given the order's earlier refunds that were not closed
 * (their coupon shares were returned; a closed refund's were not).
 */
export function refundPromotions(
  order: Readonly<EngineOrder>,
  earlier: readonly { readonly refundFen: number; readonly promotions: readonly EngineRefundPromotion[] }[],
  refundFen: number,
): EngineRefundPromotion[] {
  const returned = order.promotions.map((_, i) =>
    earlier.reduce((s, r) => s + (r.promotions[i]?.refundAmountFen ?? 0), 0),
  );
  const before = earlier.reduce((s, r) => s + r.refundFen, 0);
  const shares = proportionalShares(
    order.promotions.map((p) => p.amountFen),
    returned,
    order.totalFen,
    before,
    refundFen,
  );
  return order.promotions.map((p, i) => ({
    promotionId: p.couponId,
    scope: p.scope,
    type: p.type === "CASH" ? "COUPON" : "DISCOUNT",
    amountFen: p.amountFen,
    refundAmountFen: shares[i] ?? 0,
  }));
}

/** The coupons that do not settle to the merchant (免充值, NOCASH). */
export const noCashFen = (order: Readonly<EngineOrder>): number =>
  order.promotions.filter((p) => p.type === "NOCASH").reduce((s, p) => s + p.amountFen, 0);

/** Coupon amounts of an order, by kind. */
export function orderMoney(order: Readonly<EngineOrder>): {
  readonly couponFen: number;
  readonly cashCouponFen: number;
  readonly settlementTotalFen: number;
  readonly payerTotalFen: number;
} {
  const couponFen = order.promotions.reduce((s, p) => s + p.amountFen, 0);
  const noCash = noCashFen(order);
  return {
    couponFen,
    cashCouponFen: couponFen - noCash,
    settlementTotalFen: order.totalFen - noCash,
    payerTotalFen: order.payerTotalFen ?? order.totalFen - couponFen,
  };
}

/** A refund's amounts split as the refund page defines them. */
export function refundMoney(refund: {
  readonly refundFen: number;
  readonly promotions: readonly EngineRefundPromotion[];
}): {
  readonly discountRefundFen: number;
  readonly payerRefundFen: number;
  readonly settlementRefundFen: number;
  readonly cashCouponRefundFen: number;
} {
  const discount = refund.promotions.reduce((s, p) => s + p.refundAmountFen, 0);
  const noCash = refund.promotions
    .filter((p) => p.type === "DISCOUNT")
    .reduce((s, p) => s + p.refundAmountFen, 0);
  return {
    discountRefundFen: discount,
    payerRefundFen: refund.refundFen - discount,
    settlementRefundFen: refund.refundFen - noCash,
    cashCouponRefundFen: discount - noCash,
  };
}
