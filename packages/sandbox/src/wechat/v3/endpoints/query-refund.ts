import { partnerRefundQuery } from "../partner/refund.js";
import { renderRefund } from "../render.js";
import type { Endpoint } from "./context.js";

/** GET /v3/refund/domestic/refunds/{out_refund_no} (查询单笔退款（通过商户退款单号）). */
export const queryRefund: Endpoint = {
  method: "GET",
  path: /^\/v3\/refund\/domestic\/refunds\/([^/?]+)$/,
  operation: "query_refund",
  handle(ctx) {
    const { engine, merchant: m, captured } = ctx;
    if (ctx.partners?.isServiceProvider(m.mchid)) return partnerRefundQuery(ctx);
    return { status: 200, body: renderRefund(engine.getRefund(m.mchid, captured)) };
  },
};
