import type { EndpointContext, Reply } from "../endpoints/context.js";
import { renderRefund } from "../render.js";
import { type Json, readRefundBody } from "../wire-input.js";
import { assertNoFourByteCharacters, assertNotifyUrl } from "../wire-rules.js";
import { partnersOf } from "./ids.js";

/**
 * 服务商退款申请: POST /v3/refund/domestic/refunds with sub_mchid 必填
 * (https://pay.weixin.qq.com/doc/v3/partner/4012886219). The refund is booked against that
 * sub-merchant's order only, and counts in the service provider's rate budget
 * (WechatMerchantEngine.shareRefundRateLimit).
 */
export function partnerRefund(ctx: EndpointContext, body: Json): Reply {
  const subMchid = typeof body.sub_mchid === "string" ? body.sub_mchid : undefined;
  const sub = partnersOf(ctx).requireSub(ctx.merchant.mchid, subMchid);
  const { sub_mchid: _sub, ...direct } = body;
  assertNoFourByteCharacters(direct);
  const input = readRefundBody(direct);
  if (input.notifyUrl !== undefined) assertNotifyUrl(input.notifyUrl, "notify_url", ctx.allowLoopbackHttp);
  const { refund } = ctx.engine.refund(sub.mchid, input);
  return { status: 200, body: renderRefund(refund) };
}

/**
 * 服务商查询单笔退款: GET /v3/refund/domestic/refunds/{out_refund_no}?sub_mchid=
 * (https://pay.weixin.qq.com/docs/partner/apis/partner-in-app-payment/query-by-out-refund-no.html):
 * another sub-merchant's refund of that number is not found.
 */
export function partnerRefundQuery(ctx: EndpointContext): Reply {
  const sub = partnersOf(ctx).requireSub(ctx.merchant.mchid, ctx.params.get("sub_mchid"));
  return { status: 200, body: renderRefund(ctx.engine.getRefund(sub.mchid, ctx.captured)) };
}
