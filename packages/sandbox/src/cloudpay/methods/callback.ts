import { formatBeijingCompact } from "../../shared/time-format.js";
import type { TradeChangedEvent } from "../../wechat/engine/events.js";
import type { EngineOrder } from "../../wechat/engine/types.js";
import { orderCouponFields } from "../coupon-fields.js";
import { camelCaseKeys, type Identity, V2_TRADE_TYPE } from "../wire.js";
import { type CallbackTarget, nonce } from "./context.js";

/**
 * The object a cloud function receives as its pay-result callback event
 * (https://developers.weixin.qq.com/miniprogram/dev/wxcloudservice/wxcloud/reference-sdk-api/open/pay/paymentCallback.html;
 * key names as in the example of
 * https://developers.weixin.qq.com/miniprogram/dev/wxcloudservice/wxcloudrun/src/development/pay/callback/index.html).
 */
export type CloudPayCallbackEvent = Readonly<Record<string, string | number>>;

/** The callback event of a trade that just succeeded. */
export function callbackEvent(
  identity: Identity,
  event: TradeChangedEvent,
  target: CallbackTarget,
): CloudPayCallbackEvent {
  const order: Readonly<EngineOrder> = event.order;
  return {
    returnCode: "SUCCESS",
    appid: identity.appid,
    mchId: identity.mchId,
    subAppid: order.appid,
    subMchId: event.mchid,
    nonceStr: nonce().slice(0, 16),
    resultCode: "SUCCESS",
    openid: order.payerOpenid ?? "",
    isSubscribe: "N",
    ...(target.subOpenid ? { subOpenid: target.subOpenid, subIsSubscribe: "N" } : {}),
    tradeType: V2_TRADE_TYPE[order.tradeType],
    bankType: order.bankType ?? "OTHERS",
    totalFee: order.totalFen,
    feeType: order.currency,
    cashFee: order.payerTotalFen ?? order.totalFen,
    // coupon_fee, coupon_count, coupon_*_$n as the v2 payment notification carries them.
    ...(camelCaseKeys(orderCouponFields(order)) as Record<string, string | number>),
    transactionId: order.transactionId ?? "",
    outTradeNo: order.outTradeNo,
    timeEnd: order.successTime ? formatBeijingCompact(order.successTime) : "",
    ...(order.attach ? { attach: order.attach } : {}),
  };
}
