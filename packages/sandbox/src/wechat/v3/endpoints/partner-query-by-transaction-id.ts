import { partnersOf, queryIds } from "../partner/ids.js";
import { partnerTransaction } from "../partner/render.js";
import type { Endpoint } from "./context.js";

/**
 * GET /v3/pay/partner/transactions/id/{transaction_id}?sp_mchid=&sub_mchid= (服务商 微信支付订单号查询订单,
 * https://pay.weixin.qq.com/docs/partner/apis/partner-jsapi-payment/partner-query-by-wx-trade-no.html):
 * found only under the sub-merchant whose order it is.
 */
export const partnerQueryByTransactionId: Endpoint = {
  method: "GET",
  path: /^\/v3\/pay\/partner\/transactions\/id\/([^/?]+)$/,
  operation: "query_order",
  serviceProvider: "only",
  handle(ctx) {
    const sub = queryIds(ctx);
    const order = ctx.engine.getOrder(sub.mchid, { transactionId: ctx.captured });
    return { status: 200, body: partnerTransaction(partnersOf(ctx), order) };
  },
};
