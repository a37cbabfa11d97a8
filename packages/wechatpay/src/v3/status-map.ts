import type { RefundState, TradeState } from "@paybridge/core";
import {
  lookupWechatStatus,
  WECHAT_REFUND_STATUS_MAP,
  WECHAT_TRADE_STATE_MAP,
} from "../shared/status-map.js";
import { WECHAT_V3_PROVIDER } from "./errors.js";

/**
 * APIv3 status values onto the unified states, taken from the shared WeChat tables
 * (../shared/status-map.ts) so both transports agree by construction. APIv3 accepts only the v3
 * spellings: a v2 REFUNDCLOSE / CHANGE in a v3 answer is unknown, not silently accepted.
 */

/** trade_state of 查询订单 (https://pay.weixin.qq.com/doc/v3/merchant/4013070356): every shared value is a v3 one. */
export const V3_TRADE_STATE = WECHAT_TRADE_STATE_MAP;
export type V3TradeState = keyof typeof V3_TRADE_STATE;

/** status / refund_status of 退款 (https://pay.weixin.qq.com/doc/v3/merchant/4012556457): SUCCESS -> 4, CLOSED -> 6, PROCESSING -> 3, ABNORMAL -> 5. */
export const V3_REFUND_STATUS = {
  SUCCESS: WECHAT_REFUND_STATUS_MAP.SUCCESS,
  CLOSED: WECHAT_REFUND_STATUS_MAP.CLOSED,
  PROCESSING: WECHAT_REFUND_STATUS_MAP.PROCESSING,
  ABNORMAL: WECHAT_REFUND_STATUS_MAP.ABNORMAL,
} as const satisfies Record<string, RefundState>;
export type V3RefundStatus = keyof typeof V3_REFUND_STATUS;

export function mapV3TradeState(value: unknown): TradeState {
  return lookupWechatStatus(V3_TRADE_STATE, "WeChat trade_state", value, WECHAT_V3_PROVIDER);
}

export function mapV3RefundStatus(value: unknown): RefundState {
  return lookupWechatStatus(V3_REFUND_STATUS, "WeChat refund status", value, WECHAT_V3_PROVIDER);
}
