import { RefundState, TradeState, UnknownStatusError } from "@paybridge/core/provider-kit";

/**
 * WeChat status values onto the unified states (docs/states.md), the values both transports
 * draw on: v3/status-map.ts and cloudpay/status-map.ts each take the spellings their own pages
 * list, so they agree by construction. Typed data: a missing key fails to compile.
 */

/** trade_state (https://pay.weixin.qq.com/doc/v3/merchant/4013070356; v2 / CloudPay use the same names). */
export type WechatTradeStateValue =
  | "SUCCESS"
  | "REFUND"
  | "NOTPAY"
  | "USERPAYING"
  | "CLOSED"
  | "REVOKED"
  | "PAYERROR";

export const WECHAT_TRADE_STATE_MAP = {
  SUCCESS: TradeState.PAID,
  // A refund was requested on the paid order (partial or full): the trade has moved to refund.
  REFUND: TradeState.REFUND,
  NOTPAY: TradeState.UNPAID,
  // Micropay: the buyer is entering the password; not paid yet, may still succeed.
  USERPAYING: TradeState.UNPAID,
  CLOSED: TradeState.CLOSED,
  // Micropay revoked (撤销): the order can no longer be paid, like a closed one.
  REVOKED: TradeState.CLOSED,
  // The payment failed at the bank or otherwise; a new order number is needed.
  PAYERROR: TradeState.FAILED,
} as const satisfies Record<WechatTradeStateValue, TradeState>;

/**
 * Refund status: v3 names (https://pay.weixin.qq.com/doc/v3/merchant/4012556457) and the v2 / CloudPay names
 * (REFUNDCLOSE, CHANGE: https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.queryRefund.html),
 * so one table serves both transports.
 */
export type WechatRefundStatusValue =
  | "SUCCESS"
  | "PROCESSING"
  | "CLOSED"
  | "ABNORMAL"
  | "REFUNDCLOSE"
  | "CHANGE";

export const WECHAT_REFUND_STATUS_MAP = {
  SUCCESS: RefundState.SUCCESS,
  // Accepted by WeChat, outcome pending: "已提交".
  PROCESSING: RefundState.SUBMITTED,
  CLOSED: RefundState.CLOSED,
  // v3 ABNORMAL: the card was cancelled or frozen; manual handling on the merchant platform.
  ABNORMAL: RefundState.ABNORMAL,
  // v2 / CloudPay name of CLOSED.
  REFUNDCLOSE: RefundState.CLOSED,
  // v2 / CloudPay name of ABNORMAL (退款异常).
  CHANGE: RefundState.ABNORMAL,
} as const satisfies Record<WechatRefundStatusValue, RefundState>;

/**
 * Looks a status up in one transport's table; anything else (another transport's spelling, a
 * new value, a non-string) is an UnknownStatusError naming the field and the value.
 */
export function lookupWechatStatus<T extends Record<string, number>>(
  table: T,
  field: string,
  value: unknown,
  provider: string,
): T[keyof T] {
  if (typeof value === "string" && Object.hasOwn(table, value)) return table[value as keyof T];
  throw new UnknownStatusError(field, value, { provider });
}
