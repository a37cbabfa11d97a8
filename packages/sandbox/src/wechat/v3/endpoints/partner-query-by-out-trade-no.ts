import { partnersOf, queryIds } from "../partner/ids.js";
import { partnerTransaction } from "../partner/render.js";
import type { Endpoint } from "./context.js";

/**
 * GET /v3/pay/partner/transactions/out-trade-no/{out_trade_no}?sp_mchid=&sub_mchid= (服务商查询订单,
 * https://pay.weixin.qq.com/docs/partner/apis/partner-jsapi-payment/partner-query-by-out-trade-no.html).
 * The order is looked up under the sub_mchid named: another sub-merchant's order of the same number
 * is not found (404 ORDER_NOT_EXIST), as orders belong to the sub-merchant.
 */
export const partnerQueryByOutTradeNo: Endpoint = {
  method: "GET",
  path: /^\/v3\/pay\/partner\/transactions\/out-trade-no\/([^/?]+)$/,
  operation: "query_order",
  serviceProvider: "only",
  handle(ctx) {
    const sub = queryIds(ctx);
    const order = ctx.engine.getOrder(sub.mchid, { outTradeNo: ctx.captured });
    return { status: 200, body: partnerTransaction(partnersOf(ctx), order) };
  },
};
