import { renderTransaction } from "../render.js";
import { assertMchid, type Endpoint } from "./context.js";

/** GET /v3/pay/transactions/id/{transaction_id}?mchid= (微信支付订单号查询订单). */
export const queryByTransactionId: Endpoint = {
  method: "GET",
  path: /^\/v3\/pay\/transactions\/id\/([^/?]+)$/,
  operation: "query_order",
  serviceProvider: "never",
  handle({ engine, merchant: m, params, captured }) {
    assertMchid(params.get("mchid"), m);
    return {
      status: 200,
      body: renderTransaction(engine.getOrder(m.mchid, { transactionId: captured })),
    };
  },
};
