import { CloudPayParamError, optStr, str } from "../params.js";
import { renderOrder } from "../wire.js";
import type { CloudPayResultMethod } from "./context.js";
import { head } from "./envelope.js";

/** CloudPay.queryOrder (https://developers.weixin.qq.com/minigame/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.queryOrder.html). */
export const queryOrder: CloudPayResultMethod = (ctx, p) => {
  const subMchId = str(p, "sub_mch_id", 32);
  str(p, "nonce_str", 32);
  const transactionId = optStr(p, "transaction_id", 32);
  const outTradeNo = optStr(p, "out_trade_no", 32);
  if (!transactionId && !outTradeNo)
    throw new CloudPayParamError("out_trade_no", "give transaction_id or out_trade_no");
  // "微信的订单号，优先使用": transaction_id wins when both are given.
  const order = ctx.engine.getOrder(
    subMchId,
    transactionId ? { transactionId } : { outTradeNo: outTradeNo ?? "" },
  );
  return { ...head(ctx, subMchId), ...renderOrder(order) };
};
