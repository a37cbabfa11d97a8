import { WechatEngineError } from "../../engine/errors.js";
import { partnerRefund } from "../partner/refund.js";
import { renderRefund } from "../render.js";
import { parseJsonBody, readRefundBody } from "../wire-input.js";
import { assertNoFourByteCharacters, assertNotifyUrl } from "../wire-rules.js";
import type { Endpoint } from "./context.js";

/** POST /v3/refund/domestic/refunds (退款申请, https://pay.weixin.qq.com/doc/v3/merchant/4012556457). */
export const createRefund: Endpoint = {
  method: "POST",
  path: /^\/v3\/refund\/domestic\/refunds$/,
  operation: "refund",
  handle(ctx) {
    const { engine, merchant: m, raw, allowLoopbackHttp } = ctx;
    const body = parseJsonBody(raw);
    // A service provider refunds for a sub-merchant, named by sub_mchid (partner/refund.ts).
    if (ctx.partners?.isServiceProvider(m.mchid)) return partnerRefund(ctx, body);
    if (body.sub_mchid !== undefined)
      throw new WechatEngineError("PARAM_ERROR", "普通商户不允许传sub_mch_id");
    assertNoFourByteCharacters(body);
    const input = readRefundBody(body);
    if (input.notifyUrl !== undefined) assertNotifyUrl(input.notifyUrl, "notify_url", allowLoopbackHttp);
    const { refund } = engine.refund(m.mchid, input);
    return { status: 200, body: renderRefund(refund) };
  },
};
