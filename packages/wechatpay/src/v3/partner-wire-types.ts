/**
 * Partner (服务商) wire shapes. Order query answer and payment notification resource
 * (https://pay.weixin.qq.com/docs/partner/apis/partner-jsapi-payment/partner-query-by-out-trade-no.html,
 * https://pay.weixin.qq.com/docs/partner/apis/partner-h5-payment/payment-notice.html): the ordinary
 * transaction with sp_appid / sp_mchid / sub_appid / sub_mchid in place of appid / mchid, and the
 * payer as sp_openid / sub_openid. Refund notification resource: sp_mchid and sub_mchid.
 */
import type { V3RefundNotice, V3Transaction } from "./wire-types.js";

export interface V3PartnerTransaction extends Omit<V3Transaction, "appid" | "mchid" | "payer"> {
  sp_appid?: string;
  sp_mchid?: string;
  sub_appid?: string;
  sub_mchid?: string;
  payer?: { sp_openid?: string; sub_openid?: string };
}

export interface V3PartnerRefundNotice extends Omit<V3RefundNotice, "mchid"> {
  sp_mchid?: string;
  sub_mchid?: string;
}
