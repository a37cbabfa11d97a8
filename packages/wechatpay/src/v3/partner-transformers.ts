import type { CreatePaymentInput, RefundRequest } from "@paybridge/core";
import type { WechatPaySubMerchant } from "./partner-config.js";
import type { V3PartnerCodePayBody, V3PartnerOrderBody, V3PartnerRefundBody } from "./partner-wire-types.js";
import { toV3CodePayBody, toV3OrderBody, toV3RefundBody } from "./transformers.js";

/** The service provider's ids an order is placed under (sp_mchid / sp_appid). */
export interface PartnerIds {
  readonly spMchid: string;
  readonly spAppid: string;
}

/**
 * Body of POST /v3/pay/partner/transactions/{jsapi|native|h5|app}: the direct body with
 * sp_appid / sp_mchid / sub_mchid (and sub_appid when the sub-merchant has one) in place of
 * appid / mchid, and the buyer as payer.sub_openid (under sub_appid) or payer.sp_openid
 * (https://pay.weixin.qq.com/docs/partner/apis/partner-jsapi-payment/partner-jsapi-prepay.html,
 * https://pay.weixin.qq.com/docs/partner/apis/partner-native-payment/partner-native-prepay.html,
 * https://pay.weixin.qq.com/docs/partner/apis/partner-h5-payment/partner-h5-prepay.html,
 * https://pay.weixin.qq.com/docs/partner/apis/partner-in-app-payment/partner-app-prepay.html).
 */
export function toV3PartnerOrderBody(
  input: CreatePaymentInput,
  ids: PartnerIds,
  sub: WechatPaySubMerchant,
): V3PartnerOrderBody {
  const { payer, ...direct } = toV3OrderBody(input);
  return {
    sp_appid: ids.spAppid,
    sp_mchid: ids.spMchid,
    ...(sub.subAppid !== undefined ? { sub_appid: sub.subAppid } : {}),
    sub_mchid: sub.subMchid,
    ...direct,
    ...(payer
      ? { payer: sub.subAppid !== undefined ? { sub_openid: payer.openid } : { sp_openid: payer.openid } }
      : {}),
  };
}

/**
 * Body of the partner refund (POST /v3/refund/domestic/refunds, https://pay.weixin.qq.com/doc/v3/partner/4012886219):
 * the direct body with sub_mchid 必填, the sub-merchant that owns the order.
 */
export function toV3PartnerRefundBody(
  request: RefundRequest,
  sub: WechatPaySubMerchant,
  defaultNotifyUrl: string | undefined,
): V3PartnerRefundBody {
  return { sub_mchid: sub.subMchid, ...toV3RefundBody(request, defaultNotifyUrl) };
}

/**
 * Body of 服务商付款码支付, POST /v3/pay/partner/transactions/codepay
 * (https://pay.weixin.qq.com/docs/partner/apis/partner-code-payment-v3/partner/partner-code-pay.html):
 * the direct codepay body (payer.auth_code, amount, scene_info) under sp_appid / sp_mchid /
 * sub_mchid, and sub_appid when the sub-merchant has its own app. No notify_url: 付款码支付 sends
 * no payment notification, the result is queried.
 */
export function toV3PartnerCodePayBody(
  input: CreatePaymentInput,
  authCode: string,
  ids: PartnerIds,
  sub: WechatPaySubMerchant,
): V3PartnerCodePayBody {
  return {
    sp_appid: ids.spAppid,
    sp_mchid: ids.spMchid,
    ...(sub.subAppid !== undefined ? { sub_appid: sub.subAppid } : {}),
    sub_mchid: sub.subMchid,
    ...toV3CodePayBody(input, authCode),
  };
}
