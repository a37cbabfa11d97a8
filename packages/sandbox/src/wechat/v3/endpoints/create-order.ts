import { WechatEngineError } from "../../engine/errors.js";
import type { WechatOrderChannel } from "../../engine/types.js";
import { obj, optObj, optStr, parseJsonBody, str } from "../wire-input.js";
import { assertNoFourByteCharacters, assertNotifyUrl } from "../wire-rules.js";
import { assertMchid, type Endpoint } from "./context.js";

/**
 * POST /v3/pay/transactions/{jsapi|native|h5|app}. Order creation:
 * https://pay.weixin.qq.com/doc/v3/merchant/4012791856 (JSAPI下单) and the native / h5 / app pages
 * beside it; they differ only in the answer (prepay_id, code_url, h5_url).
 */
export const createOrder: Endpoint = {
  method: "POST",
  path: /^\/v3\/pay\/transactions\/(jsapi|native|h5|app)$/,
  operation: "create_order",
  serviceProvider: "never",
  handle({ engine, merchant: m, raw, captured, allowLoopbackHttp }) {
    const channel = captured as WechatOrderChannel;
    const body = parseJsonBody(raw);
    assertMchid(str(body, "mchid"), m);
    assertNoFourByteCharacters(body);
    const notifyUrl = str(body, "notify_url");
    assertNotifyUrl(notifyUrl, "notify_url", allowLoopbackHttp);
    const amount = obj(body, "amount");
    const total = amount.total;
    if (typeof total !== "number") throw new WechatEngineError("PARAM_ERROR", "amount.total 必填");
    const payer = optObj(body, "payer");
    const scene = optObj(body, "scene_info");
    const openid = payer ? optStr(payer, "openid", "payer.openid") : undefined;
    if (channel === "jsapi" && !openid)
      throw new WechatEngineError("PARAM_ERROR", "JSAPI 下单 payer.openid 必填");
    const clientIp = scene ? optStr(scene, "payer_client_ip", "scene_info.payer_client_ip") : undefined;
    if (channel === "h5" && (!clientIp || !scene?.h5_info)) {
      throw new WechatEngineError(
        "PARAM_ERROR",
        "H5 下单 scene_info.payer_client_ip 和 scene_info.h5_info 必填",
      );
    }
    const outTradeNo = str(body, "out_trade_no");
    if (!/^[0-9A-Za-z_\-|*]{6,32}$/.test(outTradeNo)) {
      throw new WechatEngineError("PARAM_ERROR", "out_trade_no 只能是数字、大小写字母_-|*,6-32 位");
    }
    const expire = optStr(body, "time_expire");
    const order = engine.createOrder(m.mchid, {
      appid: str(body, "appid"),
      outTradeNo,
      description: str(body, "description"),
      totalFen: total,
      currency: typeof amount.currency === "string" ? amount.currency : "CNY",
      notifyUrl,
      channel,
      payerOpenid: openid,
      payerClientIp: clientIp,
      attach: optStr(body, "attach"),
      timeExpire: expire ? new Date(expire) : undefined,
    });
    const answer =
      channel === "native"
        ? { code_url: order.codeUrl }
        : channel === "h5"
          ? { h5_url: order.h5Url }
          : { prepay_id: order.prepayId };
    return { status: 200, body: answer };
  },
};
