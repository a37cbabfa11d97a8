import { OUT_TRADE_NO, str } from "../params.js";
import type { CloudPayResultMethod } from "./context.js";
import { head } from "./envelope.js";

/** CloudPay.closeOrder (https://developers.weixin.qq.com/minigame/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.closeOrder.html). */
export const closeOrder: CloudPayResultMethod = (ctx, p) => {
  const subMchId = str(p, "sub_mch_id", 32);
  str(p, "nonce_str", 32);
  ctx.engine.closeOrder(subMchId, str(p, "out_trade_no", 32, OUT_TRADE_NO));
  return { ...head(ctx, subMchId), result_msg: "OK" };
};
