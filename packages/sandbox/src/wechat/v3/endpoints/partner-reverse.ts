import { WechatEngineError } from "../../engine/errors.js";
import { assertSpMchid, partnersOf } from "../partner/ids.js";
import { optStr, parseJsonBody } from "../wire-input.js";
import type { Endpoint } from "./context.js";

/**
 * POST /v3/pay/partner/transactions/out-trade-no/{out_trade_no}/reverse (服务商撤销,
 * https://pay.weixin.qq.com/docs/partner/apis/partner-code-payment-v3/partner/partner-reverse.html):
 * sp_mchid and sub_mchid 必填, sp_appid and sub_appid 选填 (when given they must be the order's). The
 * order is looked up in that sub-merchant's book only: another sub-merchant's order of the number
 * is ORDER_NOT_EXIST. It closes an unpaid order and refunds a paid one, as the direct 撤销. The
 * answer echoes sp_appid, sp_mchid, sub_appid (when the order has one), sub_mchid and out_trade_no.
 */
export const partnerReverseOrder: Endpoint = {
  method: "POST",
  path: /^\/v3\/pay\/partner\/transactions\/out-trade-no\/([^/?]+)\/reverse$/,
  operation: "reverse",
  serviceProvider: "only",
  handle(ctx) {
    const book = partnersOf(ctx);
    const body = parseJsonBody(ctx.raw);
    assertSpMchid(optStr(body, "sp_mchid"), ctx);
    const sub = book.requireSub(ctx.merchant.mchid, optStr(body, "sub_mchid"));
    const ids = book.orderIds(sub.mchid, ctx.captured);
    const spAppid = optStr(body, "sp_appid");
    if (ids && spAppid !== undefined && spAppid !== ids.spAppid) {
      throw new WechatEngineError("PARAM_ERROR", `sp_appid ${spAppid} 与订单的 sp_appid 不一致`);
    }
    const subAppid = optStr(body, "sub_appid");
    if (ids && subAppid !== undefined && subAppid !== ids.subAppid) {
      throw new WechatEngineError("PARAM_ERROR", `sub_appid ${subAppid} 与订单的 sub_appid 不一致`);
    }
    const order = ctx.engine.reverse(sub.mchid, ctx.captured);
    return {
      status: 200,
      body: {
        sp_appid: ids?.spAppid ?? order.appid,
        sp_mchid: ctx.merchant.mchid,
        ...(ids?.subAppid !== undefined ? { sub_appid: ids.subAppid } : {}),
        sub_mchid: sub.mchid,
        out_trade_no: order.outTradeNo,
      },
    };
  },
};
