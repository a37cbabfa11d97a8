import { parseBeijingCompact } from "../../shared/time-format.js";
import type { WechatOrderChannel } from "../../wechat/engine/types.js";
import { CloudPayParamError, fen, OUT_TRADE_NO, oneOf, optStr, str } from "../params.js";
import { V2_TRADE_TYPE } from "../wire.js";
import { type CloudPayResultMethod, nonce, targetKey } from "./context.js";
import { head } from "./envelope.js";

const CHANNELS = { JSAPI: "jsapi", NATIVE: "native", MWEB: "h5", APP: "app" } as const satisfies Record<
  string,
  WechatOrderChannel
>;

/**
 * CloudPay.unifiedOrder
 * (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.unifiedOrder.html):
 * the order, the cloud function its callback goes to, and the `payment` object wx.requestPayment takes.
 */
export const unifiedOrder: CloudPayResultMethod = (ctx, p) => {
  const subMchId = str(p, "subMchId", 32);
  const functionName = str(p, "functionName", 128);
  const envId = str(p, "envId", 128);
  str(p, "nonceStr", 32);
  str(p, "spbillCreateIp", 64);
  const tradeType = oneOf(p, "tradeType", ["JSAPI", "NATIVE", "APP", "MWEB"] as const) ?? "JSAPI";
  const openid = optStr(p, "openid", 128);
  const subOpenid = optStr(p, "subOpenid", 128);
  // v2 unified order: "trade_type=JSAPI时（即JSAPI支付），此参数必传" (openid or sub_openid).
  if (tradeType === "JSAPI" && !openid && !subOpenid) {
    throw new CloudPayParamError("openid", "is required for tradeType JSAPI (or subOpenid)");
  }
  const timeExpire = optStr(p, "timeExpire", 14, /^\d{14}$/);
  const order = ctx.engine.createOrder(subMchId, {
    appid: optStr(p, "subAppid", 32) ?? ctx.identity.subAppid,
    outTradeNo: str(p, "outTradeNo", 32, OUT_TRADE_NO),
    description: str(p, "body", 128),
    totalFen: fen(p, "totalFee"),
    currency: optStr(p, "feeType", 16) ?? "CNY",
    notifyUrl: `cloud://${envId}/${functionName}`,
    channel: CHANNELS[tradeType],
    payerOpenid: subOpenid ?? openid,
    payerClientIp: optStr(p, "spbillCreateIp", 64),
    attach: optStr(p, "attach", 127),
    timeExpire: timeExpire === undefined ? undefined : parseBeijingCompact(timeExpire),
  });
  ctx.targets.set(targetKey(subMchId, order.outTradeNo), {
    envId,
    functionName,
    ...(subOpenid ? { subOpenid } : {}),
  });
  const ts = String(Math.floor(ctx.engine.now().getTime() / 1000));
  const paymentNonce = nonce().slice(0, 16);
  return {
    ...head(ctx, subMchId),
    trade_type: V2_TRADE_TYPE[order.tradeType],
    prepay_id: order.prepayId,
    ...(order.codeUrl ? { code_url: order.codeUrl } : {}),
    payment: {
      appId: order.appid,
      timeStamp: ts,
      nonceStr: paymentNonce,
      package: `prepay_id=${order.prepayId}`,
      signType: "MD5",
      paySign: nonce().toUpperCase(),
    },
  };
};
