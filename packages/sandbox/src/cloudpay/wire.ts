/**
 * CloudPay answer shapes, rendered from engine records. Field names follow the doc pages
 * (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.refund.html,
 * https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.queryRefund.html, and
 * https://developers.weixin.qq.com/minigame/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.queryOrder.html):
 * camelCase returnCode / returnMsg, snake_case business fields, lists flattened as `_$n`.
 */
import { formatBeijingCompact, formatBeijingDashed } from "../shared/time-format.js";
import type {
  EngineOrder,
  EngineRefund,
  WechatRefundStatus,
  WechatTradeType,
} from "../wechat/engine/types.js";
import { orderCouponFields, refundAcceptedCouponFields, refundItemCouponFields } from "./coupon-fields.js";

/** A CloudPay answer: a plain JSON object. */
export type CloudPayAnswer = { readonly [key: string]: unknown };

/** CloudPay / v2 spell two v3 refund states differently (CloudPay.queryRefund refund_status_$n). */
export const V2_REFUND_STATUS = {
  PROCESSING: "PROCESSING",
  SUCCESS: "SUCCESS",
  CLOSED: "REFUNDCLOSE",
  ABNORMAL: "CHANGE",
} as const satisfies Record<WechatRefundStatus, string>;

/** v2 trade_type: the v3 H5 order is MWEB in v2. */
export const V2_TRADE_TYPE = {
  JSAPI: "JSAPI",
  NATIVE: "NATIVE",
  H5: "MWEB",
  MWEB: "MWEB",
  APP: "APP",
  MICROPAY: "MICROPAY",
} as const satisfies Record<WechatTradeType, string>;

/** v3 funds_account <-> v2 refund_account (CloudPay.refund: "REFUND_SOURCE_RECHARGE_FUNDS---可用余额退款"). */
export const V2_REFUND_ACCOUNT = {
  AVAILABLE: "REFUND_SOURCE_RECHARGE_FUNDS",
  UNSETTLED: "REFUND_SOURCE_UNSETTLED_FUNDS",
} as const;

export interface Identity {
  readonly appid: string;
  readonly mchId: string;
  readonly subAppid: string;
}

export function envelope(identity: Identity, subMchId: string, nonce: string): Record<string, unknown> {
  return {
    returnCode: "SUCCESS",
    returnMsg: "OK",
    appid: identity.appid,
    mch_id: identity.mchId,
    sub_appid: identity.subAppid,
    sub_mch_id: subMchId,
    nonce_str: nonce,
    // CloudPay answers carry a v2 sign field; nothing verifies it over the private link.
    sign: nonce.toUpperCase().padEnd(32, "0").slice(0, 32),
    result_code: "SUCCESS",
  };
}

export function renderOrder(order: Readonly<EngineOrder>): Record<string, unknown> {
  const paid = order.transactionId !== undefined;
  return {
    trade_state: order.tradeState,
    trade_state_desc: order.tradeStateDesc,
    trade_type: V2_TRADE_TYPE[order.tradeType],
    out_trade_no: order.outTradeNo,
    total_fee: order.totalFen,
    fee_type: order.currency,
    attach: order.attach ?? "",
    ...(order.payerOpenid ? { openid: order.payerOpenid } : {}),
    ...(paid
      ? {
          transaction_id: order.transactionId,
          cash_fee: order.payerTotalFen ?? order.totalFen,
          cash_fee_type: order.currency,
          bank_type: order.bankType ?? "OTHERS",
          time_end: order.successTime ? formatBeijingCompact(order.successTime) : undefined,
          ...orderCouponFields(order),
        }
      : {}),
  };
}

/** CloudPay.refund's answer fields for an accepted refund. */
export function renderRefundAccepted(
  refund: Readonly<EngineRefund>,
  _order: Readonly<EngineOrder>,
): Record<string, unknown> {
  return {
    transaction_id: refund.transactionId,
    out_trade_no: refund.outTradeNo,
    out_refund_no: refund.outRefundNo,
    refund_id: refund.refundId,
    refund_fee: refund.refundFen,
    total_fee: refund.totalFen,
    fee_type: refund.currency,
    ...refundAcceptedCouponFields(refund),
  };
}

/** CloudPay.queryRefund: one refund as its `<name>_$n` fields. */
export function renderRefundItem(refund: Readonly<EngineRefund>, n: number): Record<string, unknown> {
  const account =
    V2_REFUND_ACCOUNT[refund.fundsAccount as keyof typeof V2_REFUND_ACCOUNT] ?? V2_REFUND_ACCOUNT.UNSETTLED;
  return {
    [`out_refund_no_${n}`]: refund.outRefundNo,
    [`refund_id_${n}`]: refund.refundId,
    [`refund_channel_${n}`]: refund.channel,
    [`refund_fee_${n}`]: refund.refundFen,
    ...refundItemCouponFields(refund, n),
    [`refund_status_${n}`]: V2_REFUND_STATUS[refund.status],
    [`refund_account_${n}`]: account,
    // The CloudPay.queryRefund page spells it "accout".
    [`refund_recv_accout_${n}`]: refund.userReceivedAccount,
    ...(refund.status === "SUCCESS" && refund.successTime
      ? { [`refund_success_time_${n}`]: formatBeijingDashed(refund.successTime) }
      : {}),
  };
}

/** Answers as reported from the live service: every key camelCase (see wechatpay cloudpay/keys.ts). */
export function camelCaseKeys(answer: CloudPayAnswer): CloudPayAnswer {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(answer)) {
    out[key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = value;
  }
  return out;
}
