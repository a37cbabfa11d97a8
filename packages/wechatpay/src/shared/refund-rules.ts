import type { RefundRules } from "@paybridge/core/provider-kit";

/**
 * WeChat Pay's refund rules, the same for APIv3 (merchant and partner) and CloudPay, whose refund is
 * the v2 申请退款 of the same WeChat Pay order book (https://pay.weixin.qq.com/doc/v2/merchant/4011941262
 * lists the same notes). From 退款申请, https://pay.weixin.qq.com/doc/v3/merchant/4012556457:
 * - 365 days after payment ("按支付成功时间+365天计算"); at most 50 partial refunds per order
 *   ("每个支付订单的部分退款次数不能超过50次").
 * - Refunds add up to at most the order's total, not what the buyer paid: "申请退款总金额不能超过订单金额"
 *   (a coupon's share goes back to the coupon).
 * - "同一笔订单多次退款的请求需相隔1分钟": one minute between the requests of two refunds of one order
 *   (the ledger measures from the other refund's latest submission: WeChat dates a refund by the
 *   request it accepted, which may be a later attempt than the first).
 * - 150 successful / 6 failed or invalid refund calls per second per merchant (partner: per service
 *   provider, "同一服务商商户号下", https://pay.weixin.qq.com/doc/v3/partner/4012886219).
 */
export const WECHAT_REFUND_RULES: RefundRules = Object.freeze({
  windowDays: 365,
  maxRefundsPerOrder: 50,
  refundableBase: "total",
  minIntervalMs: 60_000,
  rateLimit: Object.freeze({ successPerSecond: 150, failurePerSecond: 6 }),
});
