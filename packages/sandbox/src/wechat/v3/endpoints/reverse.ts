import { WechatEngineError } from "../../engine/errors.js";
import { parseJsonBody, str } from "../wire-input.js";
import { assertMchid, type Endpoint } from "./context.js";

/**
 * POST /v3/pay/transactions/out-trade-no/{out_trade_no}/reverse (撤销,
 * https://pay.weixin.qq.com/docs/merchant/apis/code-payment-v3/direct/reverse.html): appid and mchid
 * 必填 in the body; "如果此订单用户支付失败,微信支付系统会将此订单关闭;如果用户支付成功,微信支付系统会将此订单资金退还给用户".
 * The answer echoes appid, mchid and out_trade_no. A 服务商 reverses on partner-reverse.ts only.
 */
export const reverseOrder: Endpoint = {
  method: "POST",
  path: /^\/v3\/pay\/transactions\/out-trade-no\/([^/?]+)\/reverse$/,
  operation: "reverse",
  serviceProvider: "never",
  handle({ engine, merchant: m, raw, captured }) {
    const body = parseJsonBody(raw);
    assertMchid(str(body, "mchid"), m);
    const appid = str(body, "appid");
    const known = engine.peekOrder(captured, m.mchid);
    if (known && known.appid !== appid) {
      throw new WechatEngineError("PARAM_ERROR", `appid ${appid} 与订单的 appid 不一致`);
    }
    const order = engine.reverse(m.mchid, captured);
    return { status: 200, body: { appid: order.appid, mchid: order.mchid, out_trade_no: order.outTradeNo } };
  },
};
