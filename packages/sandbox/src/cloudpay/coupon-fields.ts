import { orderMoney, refundMoney } from "../wechat/engine/promotions.js";
import type { EngineOrder, EngineRefund } from "../wechat/engine/types.js";

/**
 * The v2 coupon fields CloudPay answers with (CloudPay.queryOrder and the payment callback carry
 * the v2 orderquery / 支付结果通知 fields, https://pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=9_2
 * and ...?chapter=9_7): cash_fee = total_fee - coupon_fee; settlement_total_fee (应结订单金额 =
 * total_fee - 免充值券) only when a 免充值 coupon was used; coupon_type_$n CASH / NO_CASH. Nothing is
 * added for an order without coupons, as WeChat adds nothing.
 */
export function orderCouponFields(order: Readonly<EngineOrder>): Record<string, number | string> {
  if (order.promotions.length === 0) return {};
  const money = orderMoney(order);
  const out: Record<string, number | string> = {};
  if (money.settlementTotalFen !== order.totalFen) out.settlement_total_fee = money.settlementTotalFen;
  out.coupon_fee = money.couponFen;
  out.coupon_count = order.promotions.length;
  order.promotions.forEach((p, n) => {
    out[`coupon_type_${n}`] = p.type === "CASH" ? "CASH" : "NO_CASH";
    out[`coupon_id_${n}`] = p.couponId;
    out[`coupon_fee_${n}`] = p.amountFen;
  });
  return out;
}

/**
 * CloudPay.refund's coupon fields (v2 申请退款 answer,
 * https://pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=9_4): settlement_refund_fee =
 * refund_fee - 免充值券退款, cash_refund_fee = refund_fee - coupon_refund_fee, and per coupon
 * coupon_type_$n / coupon_refund_id_$n / coupon_refund_fee_$n.
 */
export function refundAcceptedCouponFields(refund: Readonly<EngineRefund>): Record<string, number | string> {
  const split = refundMoney(refund);
  const out: Record<string, number | string> = {
    settlement_refund_fee: split.settlementRefundFen,
    settlement_total_fee: refund.settlementTotalFen,
    cash_fee: refund.payerTotalFen,
    cash_refund_fee: split.payerRefundFen,
  };
  const used = refund.promotions.filter((p) => p.refundAmountFen > 0);
  if (used.length === 0) return out;
  out.coupon_refund_fee = split.discountRefundFen;
  out.coupon_refund_count = used.length;
  used.forEach((p, n) => {
    out[`coupon_type_${n}`] = p.type === "COUPON" ? "CASH" : "NO_CASH";
    out[`coupon_refund_id_${n}`] = p.promotionId;
    out[`coupon_refund_fee_${n}`] = p.refundAmountFen;
  });
  return out;
}

/**
 * CloudPay.queryRefund's per-refund coupon fields (v2 查询退款,
 * https://pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=9_5): settlement_refund_fee_$n,
 * coupon_refund_fee_$n, coupon_refund_count_$n and per coupon $m coupon_type_$n_$m,
 * coupon_refund_id_$n_$m, coupon_refund_fee_$n_$m.
 */
export function refundItemCouponFields(
  refund: Readonly<EngineRefund>,
  n: number,
): Record<string, number | string> {
  const split = refundMoney(refund);
  const out: Record<string, number | string> = { [`settlement_refund_fee_${n}`]: split.settlementRefundFen };
  const used = refund.promotions.filter((p) => p.refundAmountFen > 0);
  if (used.length === 0) return out;
  out[`coupon_refund_fee_${n}`] = split.discountRefundFen;
  out[`coupon_refund_count_${n}`] = used.length;
  used.forEach((p, m) => {
    out[`coupon_type_${n}_${m}`] = p.type === "COUPON" ? "CASH" : "NO_CASH";
    out[`coupon_refund_id_${n}_${m}`] = p.promotionId;
    out[`coupon_refund_fee_${n}_${m}`] = p.refundAmountFen;
  });
  return out;
}
