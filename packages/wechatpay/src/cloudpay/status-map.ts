import { type RefundState, TradeState } from "@paybridge/core/provider-kit";
import {
  lookupWechatStatus,
  WECHAT_REFUND_STATUS_MAP,
  WECHAT_TRADE_STATE_MAP,
} from "../shared/status-map.js";
import { CLOUDPAY_PROVIDER } from "./errors.js";

/**
 * CloudPay / v2 status values onto the unified states, taken from the shared WeChat tables
 * (../shared/status-map.ts) so both transports agree by construction. CloudPay accepts only the
 * v2 spellings: a v3 CLOSED / ABNORMAL in a CloudPay answer is unknown, not silently accepted.
 */

/** refund_status_$n (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.queryRefund.html): SUCCESS -> 4, REFUNDCLOSE -> 6, PROCESSING -> 3, CHANGE -> 5. */
export const CLOUDPAY_REFUND_STATUS = {
  SUCCESS: WECHAT_REFUND_STATUS_MAP.SUCCESS,
  // "退款关闭": final, no money moved.
  REFUNDCLOSE: WECHAT_REFUND_STATUS_MAP.REFUNDCLOSE,
  PROCESSING: WECHAT_REFUND_STATUS_MAP.PROCESSING,
  // "退款异常 ... 手动处理此笔退款": needs a person.
  CHANGE: WECHAT_REFUND_STATUS_MAP.CHANGE,
} as const satisfies Record<string, RefundState>;
export type CloudPayRefundStatus = keyof typeof CLOUDPAY_REFUND_STATUS;

/** trade_state of queryOrder (https://pay.weixin.qq.com/doc/v2/merchant/4011935215). */
export const CLOUDPAY_TRADE_STATE = {
  ...WECHAT_TRADE_STATE_MAP,
  // v2 only, "已接收，等待扣款" (entrustment orders): accepted, money not taken yet.
  ACCEPT: TradeState.UNPAID,
} as const satisfies Record<string, TradeState>;
export type CloudPayTradeState = keyof typeof CLOUDPAY_TRADE_STATE;

/** refund_channel_$n (CloudPay.queryRefund page). */
export const CLOUDPAY_REFUND_CHANNELS = ["ORIGINAL", "BALANCE", "OTHER_BALANCE", "OTHER_BANKCARD"] as const;
export type CloudPayRefundChannel = (typeof CLOUDPAY_REFUND_CHANNELS)[number];

/** refund_account (CloudPay.refund and CloudPay.queryRefund pages). */
export const CLOUDPAY_REFUND_ACCOUNTS = [
  "REFUND_SOURCE_RECHARGE_FUNDS",
  "REFUND_SOURCE_UNSETTLED_FUNDS",
] as const;

export function mapCloudPayRefundStatus(value: unknown): RefundState {
  return lookupWechatStatus(CLOUDPAY_REFUND_STATUS, "refund_status", value, CLOUDPAY_PROVIDER);
}

export function mapCloudPayTradeState(value: unknown): TradeState {
  return lookupWechatStatus(CLOUDPAY_TRADE_STATE, "trade_state", value, CLOUDPAY_PROVIDER);
}
