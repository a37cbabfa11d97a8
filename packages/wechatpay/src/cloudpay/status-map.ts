import { RefundState, TradeState, UnknownStatusError } from "@paybridge/core";
import { CLOUDPAY_PROVIDER } from "./errors.js";

/**
 * CloudPay / v2 status values onto the unified states (DESIGN.md mapping table).
 * NOTE for the lead: written here because packages/wechatpay/src/shared/status-map.ts did not
 * exist on this branch yet; the v2 names differ from v3 (REFUNDCLOSE vs CLOSED, CHANGE vs
 * ABNORMAL), so a shared module would hold both tables side by side.
 */

/** refund_status_$n (seed 002). */
export const CLOUDPAY_REFUND_STATUS = {
  SUCCESS: RefundState.SUCCESS,
  // "退款关闭": final, no money moved.
  REFUNDCLOSE: RefundState.CLOSED,
  // Accepted by WeChat Pay, outcome pending.
  PROCESSING: RefundState.SUBMITTED,
  // "退款异常，退款到银行发现用户的卡作废或者冻结了 ... 手动处理此笔退款": needs a person.
  CHANGE: RefundState.ABNORMAL,
} as const satisfies Record<string, RefundState>;
export type CloudPayRefundStatus = keyof typeof CLOUDPAY_REFUND_STATUS;

/** trade_state of queryOrder (https://pay.weixin.qq.com/doc/v2/merchant/4011935215). */
export const CLOUDPAY_TRADE_STATE = {
  SUCCESS: TradeState.PAID,
  // "转入退款": a refund was accepted for the order.
  REFUND: TradeState.REFUND,
  NOTPAY: TradeState.UNPAID,
  // The buyer is entering a password: not paid yet.
  USERPAYING: TradeState.UNPAID,
  // "已接收，等待扣款" (v2 order query, entrustment orders): accepted, money not taken yet.
  ACCEPT: TradeState.UNPAID,
  CLOSED: TradeState.CLOSED,
  // Payment-code orders revoked by the merchant: closed, cannot be paid.
  REVOKED: TradeState.CLOSED,
  PAYERROR: TradeState.FAILED,
} as const satisfies Record<string, TradeState>;
export type CloudPayTradeState = keyof typeof CLOUDPAY_TRADE_STATE;

/** refund_channel_$n (seed 002). */
export const CLOUDPAY_REFUND_CHANNELS = ["ORIGINAL", "BALANCE", "OTHER_BALANCE", "OTHER_BANKCARD"] as const;
export type CloudPayRefundChannel = (typeof CLOUDPAY_REFUND_CHANNELS)[number];

/** refund_account (seeds 000 and 002). */
export const CLOUDPAY_REFUND_ACCOUNTS = [
  "REFUND_SOURCE_RECHARGE_FUNDS",
  "REFUND_SOURCE_UNSETTLED_FUNDS",
] as const;

function lookup<T extends Record<string, number>>(table: T, field: string, value: unknown): T[keyof T] {
  if (typeof value === "string" && Object.hasOwn(table, value)) return table[value as keyof T];
  throw new UnknownStatusError(field, value, { provider: CLOUDPAY_PROVIDER });
}

export function mapCloudPayRefundStatus(value: unknown): RefundState {
  return lookup(CLOUDPAY_REFUND_STATUS, "refund_status", value);
}

export function mapCloudPayTradeState(value: unknown): TradeState {
  return lookup(CLOUDPAY_TRADE_STATE, "trade_state", value);
}
