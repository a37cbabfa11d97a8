/**
 * APIv3 wire shapes, both ways: the request bodies PayBridge sends (interfaces, built in
 * transformers.ts) and zod schemas of every answer it reads, parsed at the edge with core's
 * parseAnswer (an answer without the shape is an UnexpectedAnswerError naming the field). Each
 * answer schema is lenient about fields PayBridge does not read (WeChat adds fields without
 * notice) and strict about the ones it does: amounts are non-negative integer fen, ids non-empty
 * strings, times readable RFC 3339. Statuses stay strings here: the status map refuses an unknown
 * one with UnknownStatusError. Ids the provider compares with what it asked (appid, mchid) may be
 * absent here: assertEcho then reports the answer as not about what was asked.
 */
import { isPlainRecord, withFastPath } from "@paybridge/core/provider-kit";
import { z } from "zod";
import { v3TimeMs } from "./v3-time.js";

/** An amount in fen (分): WeChat's integer 金额 fields. */
export const v3Fen = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const text = z.string().min(1);
/** WeChat's times are RFC 3339 (2018-06-08T10:34:56+08:00); an empty string counts as absent. */
const v3Time = z.string().refine((s) => s === "" || !Number.isNaN(v3TimeMs(s)), {
  error: "must be an RFC 3339 time",
});

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

export interface V3Amount {
  total: number;
  currency: string;
}

/**
 * Body of POST /v3/pay/transactions/{jsapi|native|h5|app} without appid / mchid (the client adds
 * them): JSAPI下单 https://pay.weixin.qq.com/doc/v3/merchant/4012791856, Native下单
 * https://pay.weixin.qq.com/doc/v3/merchant/4012791877, H5下单
 * https://pay.weixin.qq.com/doc/v3/merchant/4012791834 (scene_info.h5_info 必填).
 */
export interface V3OrderBody {
  description: string;
  out_trade_no: string;
  notify_url: string;
  amount: V3Amount;
  time_expire?: string;
  attach?: string;
  payer?: { openid: string };
  scene_info?: { payer_client_ip?: string | undefined; h5_info?: { type: "Wap" } };
}

/**
 * Body of 退款申请, POST /v3/refund/domestic/refunds (https://pay.weixin.qq.com/doc/v3/merchant/4012556457):
 * the order named by transaction_id or out_trade_no (one of the two).
 */
export type V3RefundBody = V3RefundFields &
  ({ transaction_id: string; out_trade_no?: never } | { out_trade_no: string; transaction_id?: never });

export interface V3RefundFields {
  out_refund_no: string;
  reason?: string;
  notify_url?: string;
  funds_account?: string;
  amount: {
    refund: number;
    from?: { account: string; amount: number }[];
    total: number;
    currency: string;
  };
  goods_detail?: {
    merchant_goods_id: string;
    wechatpay_goods_id?: string;
    goods_name?: string;
    unit_price: number;
    refund_amount: number;
    refund_quantity: number;
  }[];
}

/**
 * Body of 付款码支付, POST /v3/pay/transactions/codepay, without appid / mchid
 * (https://pay.weixin.qq.com/docs/merchant/apis/code-payment-v3/direct/code-pay.html).
 */
export interface V3CodePayBody {
  description: string;
  out_trade_no: string;
  attach?: string;
  payer: { auth_code: string };
  amount: V3Amount;
  scene_info: { store_info?: { out_id: string }; device_id?: string };
}

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

/**
 * 预支付 answers: prepay_id for JSAPI下单 (https://pay.weixin.qq.com/doc/v3/merchant/4012791856)
 * and APP下单 (https://pay.weixin.qq.com/docs/merchant/apis/in-app-payment/direct-jsons/app-prepay.html),
 * code_url for Native下单 (https://pay.weixin.qq.com/doc/v3/merchant/4012791877), h5_url for H5下单
 * (https://pay.weixin.qq.com/doc/v3/merchant/4012791834); each 必填. The partner pages answer the same.
 */
export const v3PrepayIdSchema = z.looseObject({ prepay_id: text });
export const v3CodeUrlSchema = z.looseObject({ code_url: text });
export const v3H5UrlSchema = z.looseObject({ h5_url: text });

/**
 * The order fields a direct and a partner transaction share (商户订单号查询订单 应答,
 * https://pay.weixin.qq.com/doc/v3/merchant/4013070356; the partner 查询订单 answers them too, with
 * its own ids, see partner-wire-types.ts). out_trade_no
 * and trade_state are 必填; amount, transaction_id, success_time are 选填 there, so an unpaid
 * order's answer without them is read without them. promotion_detail (优惠功能) comes only when
 * the buyer used a coupon; each entry's amount is read.
 */
export const v3TradeFields = {
  out_trade_no: text,
  transaction_id: z.string().optional(),
  trade_type: z.string().optional(),
  trade_state: text,
  trade_state_desc: z.string().optional(),
  bank_type: z.string().optional(),
  attach: z.string().optional(),
  success_time: v3Time.optional(),
  amount: z
    .looseObject({
      total: v3Fen.optional(),
      payer_total: v3Fen.optional(),
      currency: z.string().optional(),
      payer_currency: z.string().optional(),
    })
    .optional(),
  promotion_detail: z
    .array(
      z.looseObject({
        coupon_id: z.string().optional(),
        type: z.string().optional(),
        amount: v3Fen,
        wechatpay_contribute: v3Fen.optional(),
        merchant_contribute: v3Fen.optional(),
        other_contribute: v3Fen.optional(),
      }),
    )
    .optional(),
};

/** A payment notification's resource has amount.total 必填 (https://pay.weixin.qq.com/doc/v3/merchant/4012791861). */
export const v3NoticeAmount = z.looseObject({
  total: v3Fen,
  payer_total: v3Fen.optional(),
  currency: z.string().optional(),
  payer_currency: z.string().optional(),
});

const v3TradeFieldsSchema = z.looseObject(v3TradeFields);
/** What fromV3Transaction maps: the fields of a direct or a partner transaction. */
export type V3TradeFields = z.output<typeof v3TradeFieldsSchema>;

const v3DirectIds = {
  appid: z.string().optional(),
  mchid: z.string().optional(),
  payer: z.looseObject({ openid: z.string().optional() }).optional(),
};

/**
 * The order query answer and the payment notification resource of one account kind, whose ids
 * (`ids`) are the direct appid / mchid / payer.openid or the partner's (partner-wire-types.ts).
 */
export function v3TransactionSchemas<const I extends z.ZodRawShape>(ids: I) {
  const answer = z.looseObject({ ...v3TradeFields, ...ids });
  return { answer, notice: answer.extend({ amount: v3NoticeAmount }) };
}

const direct = v3TransactionSchemas(v3DirectIds);
/** 商户订单号查询订单 / 微信支付订单号查询订单 answer (https://pay.weixin.qq.com/doc/v3/merchant/4013070356). */
export const v3TransactionSchema = direct.answer;
export type V3Transaction = z.output<typeof v3TransactionSchema>;
/** 支付成功通知 decrypted resource (https://pay.weixin.qq.com/doc/v3/merchant/4012791861). */
export const v3TransactionNoticeSchema = direct.notice;
export type V3TransactionNotice = z.output<typeof v3TransactionNoticeSchema>;

/**
 * 付款码支付 answer while the buyer enters a password: trade_state USERPAYING alone
 * (https://pay.weixin.qq.com/docs/merchant/apis/code-payment-v3/direct/code-pay.html); otherwise
 * the answer is the transaction (v3TransactionSchema).
 */
export const v3CodePayHeadSchema = z.looseObject({ trade_state: text, out_trade_no: z.string().optional() });

/** 撤销 answer: mchid and out_trade_no 必填, appid 选填 (https://pay.weixin.qq.com/docs/merchant/apis/code-payment-v3/direct/reverse.html). */
export const v3ReverseAnswerSchema = z.looseObject({
  appid: z.string().optional(),
  mchid: z.string().optional(),
  out_trade_no: z.string().optional(),
});
export type V3ReverseAnswer = z.output<typeof v3ReverseAnswerSchema>;

/** v3RefundSchema's rules (the schema below adds its fast path). */
const v3RefundShape = z.looseObject({
  refund_id: text,
  out_refund_no: text,
  transaction_id: z.string().optional(),
  out_trade_no: text,
  channel: z.string().optional(),
  user_received_account: z.string().optional(),
  success_time: v3Time.optional(),
  create_time: v3Time.optional(),
  status: text,
  funds_account: z.string().optional(),
  amount: z.looseObject({
    total: v3Fen,
    refund: v3Fen,
    payer_total: v3Fen.optional(),
    payer_refund: v3Fen.optional(),
    settlement_refund: v3Fen.optional(),
    settlement_total: v3Fen.optional(),
    discount_refund: v3Fen.optional(),
    currency: z.string().optional(),
  }),
});

/** What v3Fen accepts: a non-negative safe integer. */
const isFen = (v: unknown) => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const isText = (v: unknown) => typeof v === "string" && v.length > 0;
const isOptionalString = (v: unknown) => v === undefined || typeof v === "string";
const isOptionalTime = (v: unknown) =>
  v === undefined || (typeof v === "string" && (v === "" || !Number.isNaN(v3TimeMs(v))));
const REFUND_FEN_FIELDS = [
  "payer_total",
  "payer_refund",
  "settlement_refund",
  "settlement_total",
  "discount_refund",
] as const;

/**
 * A refund answer (退款申请 and 查询单笔退款 both answer it, on every refund + query) checked by
 * hand against v3RefundShape's rules; the JSON-parsed answer is returned as it is, which is what
 * the loose schema's copy holds. Anything it does not pass goes to the schema (core fast-path.ts),
 * which names the field.
 */
function fastV3Refund(value: unknown): z.output<typeof v3RefundShape> | undefined {
  if (!isPlainRecord(value)) return undefined;
  const { amount } = value;
  if (!isText(value.refund_id) || !isText(value.out_refund_no) || !isText(value.out_trade_no))
    return undefined;
  if (!isText(value.status) || !isOptionalTime(value.success_time) || !isOptionalTime(value.create_time))
    return undefined;
  for (const key of ["transaction_id", "channel", "user_received_account", "funds_account"] as const)
    if (!isOptionalString(value[key])) return undefined;
  if (!isPlainRecord(amount) || !isFen(amount.total) || !isFen(amount.refund)) return undefined;
  if (!isOptionalString(amount.currency)) return undefined;
  for (const key of REFUND_FEN_FIELDS) if (amount[key] !== undefined && !isFen(amount[key])) return undefined;
  return value as z.output<typeof v3RefundShape>;
}

/**
 * 退款申请 answer (https://pay.weixin.qq.com/doc/v3/merchant/4012556457), also the answer of
 * 查询单笔退款 (https://pay.weixin.qq.com/doc/v3/merchant/4013071041) and of the partner refund
 * (https://pay.weixin.qq.com/doc/v3/partner/4012886219). PayBridge reads refund_id, out_refund_no,
 * out_trade_no, status and amount.refund / amount.total (the echo of what it asked), and the split
 * amounts when present.
 */
export const v3RefundSchema = withFastPath(v3RefundShape, fastV3Refund);
export type V3Refund = z.output<typeof v3RefundSchema>;

/**
 * The fields of a REFUND.* notification's decrypted resource (退款结果通知,
 * https://pay.weixin.qq.com/doc/v3/merchant/4012791865): the status is refund_status there, and the
 * amount has total, refund, payer_total and payer_refund only.
 */
export const v3RefundNoticeFields = {
  out_trade_no: text,
  transaction_id: z.string().optional(),
  out_refund_no: text,
  refund_id: text,
  refund_status: text,
  success_time: v3Time.optional(),
  user_received_account: z.string().optional(),
  amount: z.looseObject({
    total: v3Fen,
    refund: v3Fen,
    payer_total: v3Fen.optional(),
    payer_refund: v3Fen.optional(),
  }),
};

const v3RefundNoticeFieldsSchema = z.looseObject(v3RefundNoticeFields);
/** What fromV3Refund reads of a direct or a partner refund notification. */
export type V3RefundNoticeFields = z.output<typeof v3RefundNoticeFieldsSchema>;

export const v3RefundNoticeSchema = z.looseObject({ ...v3RefundNoticeFields, mchid: z.string().optional() });
export type V3RefundNotice = z.output<typeof v3RefundNoticeSchema>;

/**
 * A notification as POSTed to notify_url (https://pay.weixin.qq.com/doc/v3/merchant/4012791861):
 * id, event_type and resource (AEAD_AES_256_GCM, ciphertext, nonce, associated_data) 必填.
 */
export const v3NotificationSchema = z.looseObject({
  id: text,
  create_time: z.string().optional(),
  event_type: text,
  resource_type: z.string().optional(),
  summary: z.string().optional(),
  resource: z.looseObject({
    algorithm: z.literal("AEAD_AES_256_GCM"),
    ciphertext: text,
    associated_data: z.string().optional(),
    original_type: z.string().optional(),
    nonce: text,
  }),
});
export type V3Notification = z.output<typeof v3NotificationSchema>;

/**
 * 下载平台证书 answer, GET /v3/certificates (https://pay.weixin.qq.com/doc/v3/merchant/4012551764):
 * data[] of serial_no and encrypt_certificate (AEAD_AES_256_GCM with the APIv3 key).
 */
export const v3CertificatesSchema = z.looseObject({
  data: z.array(
    z.looseObject({
      serial_no: text,
      effective_time: z.string().optional(),
      expire_time: z.string().optional(),
      encrypt_certificate: z.looseObject({
        algorithm: z.literal("AEAD_AES_256_GCM"),
        ciphertext: text,
        nonce: text,
        associated_data: z.string().optional(),
      }),
    }),
  ),
});
export type V3Certificates = z.output<typeof v3CertificatesSchema>;

/**
 * 申请交易账单 / 申请资金账单 answer (https://pay.weixin.qq.com/doc/v3/merchant/4012556654,
 * https://pay.weixin.qq.com/docs/merchant/apis/jsapi-payment/get-fund-bill.html): hash_type SHA1,
 * hash_value of the uncompressed file, download_url.
 */
export const v3BillApplicationSchema = z.looseObject({
  hash_type: z.literal("SHA1"),
  hash_value: z.string().regex(/^[0-9a-fA-F]{40}$/),
  download_url: z.string().url(),
});

/**
 * An error answer (4xx / 5xx): code and message, as each API page's 错误码 table lists them (e.g.
 * https://pay.weixin.qq.com/doc/v3/merchant/4012556457). Read with safeParse: an error body without
 * them is classified by its HTTP status instead.
 */
export const v3ErrorBodySchema = z.looseObject({ code: text.optional(), message: z.string().optional() });
export type V3ErrorBody = z.output<typeof v3ErrorBodySchema>;
