import { WechatEngineError } from "../../engine/errors.js";
import { assertSpMchid, partnersOf } from "../partner/ids.js";
import { partnerTransaction } from "../partner/render.js";
import { type Json, optStr, parseJsonBody, str } from "../wire-input.js";
import { codePay } from "./code-pay.js";
import type { Endpoint } from "./context.js";

/**
 * POST /v3/pay/partner/transactions/codepay (服务商付款码支付,
 * https://pay.weixin.qq.com/docs/partner/apis/partner-code-payment-v3/partner/partner-code-pay.html):
 * sp_appid, sp_mchid, sub_mchid 必填 and sub_appid 选填, then the direct codepay's fields. sp_mchid
 * must be the signer, sub_mchid a sub-merchant it has a 受理关系 with, sp_appid bound to the service
 * provider and sub_appid (when given) to the sub-merchant. The payment is then made for the
 * sub-merchant, under its own number, by every rule of the direct codepay (auth code, planned buyer,
 * out_trade_no, the 45 s auto-revoke): the order lives in that sub-merchant's book only. The answer
 * is the partner transaction, or trade_state USERPAYING alone while the buyer enters the password.
 */
export const partnerCodePay: Endpoint = {
  method: "POST",
  path: /^\/v3\/pay\/partner\/transactions\/codepay$/,
  operation: "codepay",
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
    const { sp_mchid: _sp, sp_appid: _spa, sub_mchid: _sub, sub_appid: _suba, ...rest } = body;
    const direct: Json = { ...rest, appid: spAppid, mchid: sub.mchid };
    const reply = codePay.handle({
      ...ctx,
      merchant: { ...sp, mchid: sub.mchid },
      raw: JSON.stringify(direct),
    });
    const outTradeNo = str(body, "out_trade_no");
    // A repeated payment keeps the ids it was first made with.
    if (!book.orderIds(sub.mchid, outTradeNo)) {
      book.recordOrder(sub.mchid, outTradeNo, {
        spMchid,
        spAppid,
        subAppid,
        spOpenid: undefined,
        subOpenid: undefined,
      });
    }
    const order = ctx.engine.peekOrder(outTradeNo, sub.mchid);
    if (!order || order.tradeState === "USERPAYING") return reply;
    return { status: reply.status, body: partnerTransaction(book, order) };
  },
};
