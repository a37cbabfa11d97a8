import { WechatEngineError } from "../../engine/errors.js";
import { assertSpMchid, partnersOf } from "../partner/ids.js";
import { type Json, optObj, optStr, parseJsonBody, str } from "../wire-input.js";
import type { Endpoint } from "./context.js";
import { createOrder } from "./create-order.js";

/**
 * POST /v3/pay/partner/transactions/{jsapi|native|h5|app} (服务商下单,
 * https://pay.weixin.qq.com/docs/partner/apis/partner-jsapi-payment/partner-jsapi-prepay.html and
 * the native / h5 / app pages beside it). sp_mchid must be the signer, sub_mchid a sub-merchant it
 * has a 受理关系 with, sp_appid bound to the service provider and sub_appid (when given) to the
 * sub-merchant; payer.sub_openid needs sub_appid. The order is then placed for the sub-merchant,
 * under its own number, by every rule of the direct 下单 (notify_url, amount, openid, scene_info,
 * out_trade_no).
 */
export const partnerCreateOrder: Endpoint = {
  method: "POST",
  path: /^\/v3\/pay\/partner\/transactions\/(jsapi|native|h5|app)$/,
  operation: "create_order",
  serviceProvider: "only",
  handle(ctx) {
    const book = partnersOf(ctx);
    const sp = ctx.merchant;
    const body = parseJsonBody(ctx.raw);
    const spMchid = str(body, "sp_mchid");
    assertSpMchid(spMchid, ctx);
    const sub = book.requireSub(spMchid, optStr(body, "sub_mchid"));
    const spAppid = str(body, "sp_appid");
    if (!sp.appids.includes(spAppid)) {
      throw new WechatEngineError(
        "APPID_MCHID_NOT_MATCH",
        `sp_appid ${spAppid} 与 sp_mchid ${spMchid} 不匹配`,
      );
    }
    const subAppid = optStr(body, "sub_appid");
    if (subAppid !== undefined && !sub.appids.includes(subAppid)) {
      throw new WechatEngineError(
        "APPID_MCHID_NOT_MATCH",
        `sub_appid ${subAppid} 与 sub_mchid ${sub.mchid} 不匹配`,
      );
    }
    const payer = optObj(body, "payer");
    const spOpenid = payer ? optStr(payer, "sp_openid", "payer.sp_openid") : undefined;
    const subOpenid = payer ? optStr(payer, "sub_openid", "payer.sub_openid") : undefined;
    if (subOpenid !== undefined && subAppid === undefined) {
      throw new WechatEngineError("PARAM_ERROR", "payer.sub_openid 需要同时传入 sub_appid");
    }
    if (spOpenid !== undefined && subOpenid !== undefined) {
      throw new WechatEngineError("PARAM_ERROR", "payer.sp_openid 和 payer.sub_openid 只能传一个");
    }
    const { sp_mchid: _sp, sp_appid: _spa, sub_mchid: _sub, sub_appid: _suba, payer: _payer, ...rest } = body;
    const openid = subOpenid ?? spOpenid;
    const direct: Json = {
      ...rest,
      appid: spAppid,
      mchid: sub.mchid,
      ...(openid !== undefined ? { payer: { openid } } : {}),
    };
    const reply = createOrder.handle({
      ...ctx,
      merchant: { ...sp, mchid: sub.mchid },
      raw: JSON.stringify(direct),
    });
    const outTradeNo = str(body, "out_trade_no");
    // A repeated order keeps the ids it was first placed with.
    if (!book.orderIds(sub.mchid, outTradeNo)) {
      book.recordOrder(sub.mchid, outTradeNo, { spMchid, spAppid, subAppid, spOpenid, subOpenid });
    }
    return reply;
  },
};
