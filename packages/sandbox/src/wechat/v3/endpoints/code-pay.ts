import { WechatEngineError } from "../../engine/errors.js";
import { renderTransaction } from "../render.js";
import { int, obj, optObj, optStr, parseJsonBody, str } from "../wire-input.js";
import { assertNoFourByteCharacters } from "../wire-rules.js";
import { assertMchid, type Endpoint } from "./context.js";

/**
 * POST /v3/pay/transactions/codepay (付款码支付,
 * https://pay.weixin.qq.com/docs/merchant/apis/code-payment-v3/direct/code-pay.html): appid, mchid,
 * description, out_trade_no, payer.auth_code, amount and scene_info are 必填. The answer is the
 * transaction once paid; while the buyer enters a password it is trade_state USERPAYING alone
 * ("状态是USERPAYING的情况下只会返回trade_state", WeChat's answer on
 * https://developers.weixin.qq.com/community/develop/doc/000ee0c62d8e48ca12f24bdcf6b400), and the
 * merchant queries the order. A 服务商's own mchid is refused before anything is booked (a service
 * provider takes 付款码 for a sub-merchant on partner-code-pay.ts; partner/access.ts).
 */
export const codePay: Endpoint = {
  method: "POST",
  path: /^\/v3\/pay\/transactions\/codepay$/,
  operation: "codepay",
  serviceProvider: "never",
  handle({ engine, merchant: m, raw }) {
    const body = parseJsonBody(raw);
    assertMchid(str(body, "mchid"), m);
    assertNoFourByteCharacters(body);
    const outTradeNo = str(body, "out_trade_no");
    if (!/^[0-9A-Za-z_\-*]{6,32}$/.test(outTradeNo)) {
      throw new WechatEngineError("PARAM_ERROR", "out_trade_no 只能是数字、大小写字母_-*,6-32 位");
    }
    const amount = obj(body, "amount");
    const payer = obj(body, "payer");
    const scene = obj(body, "scene_info");
    const store = optObj(scene, "store_info", "scene_info.store_info");
    const order = engine.codePay(m.mchid, {
      appid: str(body, "appid"),
      outTradeNo,
      description: str(body, "description"),
      totalFen: int(amount, "total", "amount.total"),
      currency: optStr(amount, "currency", "amount.currency"),
      authCode: str(payer, "auth_code", "payer.auth_code"),
      attach: optStr(body, "attach"),
      storeId: store ? str(store, "out_id", "scene_info.store_info.out_id") : undefined,
      deviceId: optStr(scene, "device_id", "scene_info.device_id"),
    });
    if (order.tradeState === "USERPAYING") return { status: 200, body: { trade_state: "USERPAYING" } };
    return { status: 200, body: renderTransaction(order) };
  },
};
