import { assertSpMchid, partnersOf } from "../partner/ids.js";
import { optStr, parseJsonBody } from "../wire-input.js";
import type { Endpoint } from "./context.js";

/**
 * POST /v3/pay/partner/transactions/out-trade-no/{out_trade_no}/close with {sp_mchid, sub_mchid}
 * (服务商关闭订单, https://pay.weixin.qq.com/docs/partner/apis/partner-jsapi-payment/partner-close-order.html):
 * 204 without a body; another sub-merchant's order of that number is ORDER_NOT_EXIST.
 */
export const partnerCloseOrder: Endpoint = {
  method: "POST",
  path: /^\/v3\/pay\/partner\/transactions\/out-trade-no\/([^/?]+)\/close$/,
  operation: "close_order",
  serviceProvider: "only",
  handle(ctx) {
    const body = parseJsonBody(ctx.raw);
    assertSpMchid(optStr(body, "sp_mchid"), ctx);
    const sub = partnersOf(ctx).requireSub(ctx.merchant.mchid, optStr(body, "sub_mchid"));
    ctx.engine.closeOrder(sub.mchid, ctx.captured);
    return { status: 204 };
  },
};
