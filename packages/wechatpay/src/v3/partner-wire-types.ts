/**
 * Partner (服务商) wire shapes. Order query answer and payment notification resource
 * (https://pay.weixin.qq.com/docs/partner/apis/partner-jsapi-payment/partner-query-by-out-trade-no.html,
 * https://pay.weixin.qq.com/docs/partner/apis/partner-h5-payment/payment-notice.html): the ordinary
 * transaction with sp_appid / sp_mchid / sub_appid / sub_mchid in place of appid / mchid, and the
 * payer as sp_openid / sub_openid. Refund notification resource: sp_mchid and sub_mchid. The
 * partner prepay and refund answers are the direct ones (wire-types.ts).
 */
import { z } from "zod";
import type { V3CodePayBody, V3OrderBody, V3RefundBody } from "./wire-types.js";
import { v3RefundNoticeFields, v3TransactionSchemas } from "./wire-types.js";

const v3PartnerIds = {
  sp_appid: z.string().optional(),
  sp_mchid: z.string().optional(),
  sub_appid: z.string().optional(),
  sub_mchid: z.string().optional(),
  payer: z.looseObject({ sp_openid: z.string().optional(), sub_openid: z.string().optional() }).optional(),
};

const partner = v3TransactionSchemas(v3PartnerIds);
/** 查询订单 answer of a sub-merchant's order (partner-query-by-out-trade-no, above). */
export const v3PartnerTransactionSchema = partner.answer;
export type V3PartnerTransaction = z.output<typeof v3PartnerTransactionSchema>;
/** 支付成功通知 resource of a sub-merchant's order (payment-notice, above): amount.total 必填. */
export const v3PartnerTransactionNoticeSchema = partner.notice;
export type V3PartnerTransactionNotice = z.output<typeof v3PartnerTransactionNoticeSchema>;

/** 退款结果通知 resource of a sub-merchant's refund: the direct one with sp_mchid and sub_mchid for mchid. */
export const v3PartnerRefundNoticeSchema = z.looseObject({
  ...v3RefundNoticeFields,
  sp_mchid: z.string().optional(),
  sub_mchid: z.string().optional(),
});
export type V3PartnerRefundNotice = z.output<typeof v3PartnerRefundNoticeSchema>;

/**
 * Body of POST /v3/pay/partner/transactions/{jsapi|native|h5|app}
 * (https://pay.weixin.qq.com/docs/partner/apis/partner-jsapi-payment/partner-jsapi-prepay.html and
 * the native / h5 / app pages beside it): the direct body with the partner ids, the buyer as
 * payer.sub_openid (under sub_appid) or payer.sp_openid.
 */
export interface V3PartnerOrderBody extends Omit<V3OrderBody, "payer"> {
  sp_appid: string;
  sp_mchid: string;
  sub_appid?: string;
  sub_mchid: string;
  payer?: { sub_openid: string } | { sp_openid: string };
}

/** Body of the partner refund (https://pay.weixin.qq.com/doc/v3/partner/4012886219): sub_mchid 必填. */
export type V3PartnerRefundBody = V3RefundBody & { sub_mchid: string };

/** Body of the partner close: sp_mchid and sub_mchid. */
export interface V3PartnerCloseBody {
  sp_mchid: string;
  sub_mchid: string;
}

/**
 * 申请单个子商户资金账单 answer (GET /v3/bill/sub-merchant-fundflowbill,
 * https://pay.weixin.qq.com/docs/partner/apis/partner-mini-program-payment/get-sub-mch-fund-flow-bill.html):
 * download_bill_count and one entry per part of the file (a bill past about 16 GB uncompressed is
 * split, the parts joined in bill_sequence order after decryption). Each part names its own
 * download_url, the AES key it is encrypted with (encrypt_key: RSA-OAEP with the service provider's
 * API certificate public key, base64), the GCM nonce, and the SHA1 of the plain part.
 */
export const v3SubMerchantFundFlowBillSchema = z
  .looseObject({
    download_bill_count: z.number().int().nonnegative(),
    download_bill_list: z
      .array(
        z.looseObject({
          bill_sequence: z.number().int().positive(),
          download_url: z.string().url(),
          encrypt_key: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, { error: "must be base64" }),
          hash_type: z.literal("SHA1"),
          hash_value: z.string().regex(/^[0-9a-fA-F]{40}$/),
          nonce: z.string().min(1),
        }),
      )
      .default([]),
  })
  .refine((a) => a.download_bill_list.length === a.download_bill_count, {
    error: "download_bill_list must hold download_bill_count entries",
    path: ["download_bill_list"],
  });

/**
 * Body of 服务商付款码支付, POST /v3/pay/partner/transactions/codepay
 * (https://pay.weixin.qq.com/docs/partner/apis/partner-code-payment-v3/partner/partner-code-pay.html):
 * sp_appid, sp_mchid, sub_mchid 必填, sub_appid 选填, then the direct body's description,
 * out_trade_no, payer.auth_code, amount and scene_info (必填) without appid / mchid.
 */
export interface V3PartnerCodePayBody extends V3CodePayBody {
  sp_appid: string;
  sp_mchid: string;
  sub_appid?: string;
  sub_mchid: string;
}

/**
 * Body of 服务商撤销, POST /v3/pay/partner/transactions/out-trade-no/{out_trade_no}/reverse
 * (https://pay.weixin.qq.com/docs/partner/apis/partner-code-payment-v3/partner/partner-reverse.html):
 * sp_mchid and sub_mchid 必填, sp_appid and sub_appid 选填.
 */
export interface V3PartnerReverseBody {
  sp_appid?: string;
  sp_mchid: string;
  sub_appid?: string;
  sub_mchid: string;
}

/**
 * 服务商撤销 answer (partner-reverse, above): sp_mchid, sub_mchid and out_trade_no 必填, sp_appid and
 * sub_appid 选填. Like the direct answer it carries no state: the order query says what it left.
 */
export const v3PartnerReverseAnswerSchema = z.looseObject({
  sp_appid: z.string().optional(),
  sp_mchid: z.string().optional(),
  sub_appid: z.string().optional(),
  sub_mchid: z.string().optional(),
  out_trade_no: z.string().optional(),
});
export type V3PartnerReverseAnswer = z.output<typeof v3PartnerReverseAnswerSchema>;
