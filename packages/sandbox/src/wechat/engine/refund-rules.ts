import { WechatEngineError } from "./errors.js";
import type { CreateRefundInput, EngineOrder, EngineRefund } from "./types.js";

const DAY_MS = 24 * 3600_000;

/**
 * The per-order refund limits (defaults from 退款申请, https://pay.weixin.qq.com/doc/v3/merchant/4012556457).
 *
 * This is the simulator's own copy of WeChat's refund rules, kept apart from the client's
 * (@paybridge/wechatpay shared/refund-rules.ts) on purpose: the sandbox tests that client, so a rule
 * it shared would be a mistake neither side could catch. The two copies agree, each as the page says:
 * - the sum is capped by the order's total ("申请退款总金额不能超过订单金额"), not what the buyer paid;
 * - every refund WeChat accepted counts toward the 50, closed ones too; a refund the merchant
 *   withdrew before sending never reached WeChat, so it is not in this book at all;
 * - the one minute ("同一笔订单多次退款的请求需相隔1分钟") runs from the request that created the
 *   previous refund here (a repeat of its out_refund_no is that refund again, not a new request).
 */
export interface RefundRuleLimits {
  /** Days after pay success a refund is accepted (https://pay.weixin.qq.com/doc/v3/merchant/4012556457: "按支付成功时间+365天计算"). */
  readonly windowDays: number;
  /** Refunds one order may have (same page: "每个支付订单的部分退款次数不能超过50次"). */
  readonly maxRefundsPerOrder: number;
  /** Least time between two refunds of one order (same page: "同一笔订单多次退款的请求需相隔1分钟"). */
  readonly intervalMs: number;
}

/** The request alone: amounts, currency, amount.from and an order key, before anything is looked up. */
export function assertRefundInput(input: CreateRefundInput): void {
  if (!Number.isSafeInteger(input.refundFen) || input.refundFen < 1) {
    throw new WechatEngineError("PARAM_ERROR", "amount.refund 必须是正整数(分)");
  }
  if (!Number.isSafeInteger(input.totalFen) || input.totalFen < 1) {
    throw new WechatEngineError("PARAM_ERROR", "amount.total 必须是正整数(分)");
  }
  if ((input.currency ?? "CNY") !== "CNY")
    throw new WechatEngineError("PARAM_ERROR", "amount.currency 只支持 CNY");
  if (input.from && input.from.reduce((s, f) => s + f.amountFen, 0) !== input.refundFen) {
    throw new WechatEngineError("PARAM_ERROR", "amount.from 的金额之和必须等于 amount.refund");
  }
  if (input.transactionId === undefined && input.outTradeNo === undefined) {
    throw new WechatEngineError("PARAM_ERROR", "transaction_id 和 out_trade_no 必须二选一");
  }
}

/** A repeated out_refund_no must name the same order and amounts as the refund it already made. */
export function assertSameRefundRequest(existing: EngineRefund, input: CreateRefundInput): void {
  const sameOrder =
    (input.transactionId === undefined || input.transactionId === existing.transactionId) &&
    (input.outTradeNo === undefined || input.outTradeNo === existing.outTradeNo);
  if (!sameOrder || existing.refundFen !== input.refundFen || existing.totalFen !== input.totalFen) {
    throw new WechatEngineError(
      "INVALID_REQUEST",
      `退款单号 ${input.outRefundNo} 已用于另一笔退款,参数与原请求不一致`,
      "duplicate_mismatch",
    );
  }
}

/**
 * A new refund of a paid order against the refunds it already has (`previous`, oldest first):
 * total, window, count, sum and interval, checked in that order.
 */
export function assertRefundAllowed(check: {
  readonly order: EngineOrder;
  readonly input: CreateRefundInput;
  readonly previous: readonly EngineRefund[];
  readonly now: Date;
  readonly limits: RefundRuleLimits;
}): void {
  const { order, input, previous, now, limits } = check;
  if (order.totalFen !== input.totalFen) {
    throw new WechatEngineError(
      "INVALID_REQUEST",
      `amount.total ${input.totalFen} 与订单金额 ${order.totalFen} 不一致`,
      "total_mismatch",
      "REFUND_FEE_MISMATCH",
    );
  }
  const successTime = order.successTime ?? order.createdAt;
  if (now.getTime() > successTime.getTime() + limits.windowDays * DAY_MS) {
    throw new WechatEngineError(
      "INVALID_REQUEST",
      `订单已超过退款期限(支付成功后 ${limits.windowDays} 天)`,
      "window",
      "TRADE_OVERDUE",
    );
  }
  if (previous.length >= limits.maxRefundsPerOrder) {
    throw new WechatEngineError(
      "INVALID_REQUEST",
      `一笔订单最多退款 ${limits.maxRefundsPerOrder} 次`,
      "count",
    );
  }
  const refunded = previous.filter((r) => r.status !== "CLOSED").reduce((s, r) => s + r.refundFen, 0);
  if (refunded + input.refundFen > order.totalFen) {
    throw new WechatEngineError(
      "INVALID_REQUEST",
      `申请退款金额超过订单可退金额:已退 ${refunded},本次 ${input.refundFen},订单 ${order.totalFen}`,
      "sum",
    );
  }
  const last = previous[previous.length - 1];
  if (last && now.getTime() - last.createdAt.getTime() < limits.intervalMs) {
    throw new WechatEngineError(
      "FREQUENCY_LIMITED",
      `同一订单两次退款需间隔 ${limits.intervalMs / 1000} 秒`,
      "interval",
    );
  }
}
