import { renderTransaction } from "../render.js";
import { assertMchid, type Endpoint } from "./context.js";

/** GET /v3/pay/transactions/out-trade-no/{out_trade_no}?mchid= (商户订单号查询订单). */
export const queryByOutTradeNo: Endpoint = {
  method: "GET",
  path: /^\/v3\/pay\/transactions\/out-trade-no\/([^/?]+)$/,
  operation: "query_order",
  serviceProvider: "never",
  handle({ engine, merchant: m, params, captured }) {
    assertMchid(params.get("mchid"), m);
    return { status: 200, body: renderTransaction(engine.getOrder(m.mchid, { outTradeNo: captured })) };
  },
};
