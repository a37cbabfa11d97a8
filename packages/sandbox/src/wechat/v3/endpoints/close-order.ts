import { parseJsonBody, str } from "../wire-input.js";
import { assertMchid, type Endpoint } from "./context.js";

/** POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close (关闭订单): 204 without a body. */
export const closeOrder: Endpoint = {
  method: "POST",
  path: /^\/v3\/pay\/transactions\/out-trade-no\/([^/?]+)\/close$/,
  operation: "close_order",
  serviceProvider: "never",
  handle({ engine, merchant: m, raw, captured }) {
    assertMchid(str(parseJsonBody(raw), "mchid"), m);
    engine.closeOrder(m.mchid, captured);
    return { status: 204 };
  },
};
