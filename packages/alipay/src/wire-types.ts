/**
 * Wire shapes of Alipay OpenAPI 2.0, both ways: the biz_content of each request PayBridge sends,
 * and a zod schema for each answer it reads (parsed at the edge by the client with core's
 * parseAnswer, as hyperswitch's request/response structs with TryFrom in transformers.rs).
 *
 * Keys are the wire's snake_case: alipay-sdk v4 camel-cases answers by default, but the client
 * runs it with `camelcase: false`, so exec returns the `<method>_response` object as sent, plus
 * the `traceId` the SDK adds. Schemas are lenient about extra fields (Alipay adds them without
 * notice) and strict about every field PayBridge reads. Amounts travel as yuan strings ("0.01")
 * and leave these schemas as integer fen, converted exactly by core's yuanToFen: more than two
 * decimals is refused, never rounded. Times stay text here; transformers.ts reads them with
 * parseBeijingDashed, and statuses stay text for status-map.ts (an unknown one is an
 * UnknownStatusError there).
 */
import { isPlainRecord, withFastPath, yuanToFen } from "@paybridge/core/provider-kit";
import { z } from "zod";

// ---------------------------------------------------------------------------------------------
// Field types
// ---------------------------------------------------------------------------------------------

/** "0" or digits without a leading zero, then at most two decimals: at most 13 digits of yuan. */
const YUAN = /^(0|[1-9]\d{0,12})(\.\d{1,2})?$/;

/**
 * A yuan amount ("单位为元，精确到小数点后两位") read into fen. JSON numbers are read by their own
 * shortest text (88.8 -> "88.8"), never rounded, so 0.015 is refused like "0.015".
 */
export const yuanFen = z
  .union([z.string(), z.number()], { error: 'must be a yuan amount string such as "0.01"' })
  .transform(String)
  .pipe(z.string().regex(YUAN, { error: 'must be a yuan amount with at most two decimals such as "0.01"' }))
  .transform((yuan) => yuanToFen(yuan));

const text = z.string({ error: "must be a string" }).min(1, { error: "must not be empty" });
const maybeText = z.string({ error: "must be a string" }).optional();

/** An optional field; "" is read as absent (as the earlier reads did), any other value must parse. */
function optional<S extends z.ZodType>(schema: S) {
  return z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());
}

/** A time "yyyy-MM-dd HH:mm:ss" (Beijing), read by transformers.ts; 选填 wherever PayBridge reads one. */
const beijingTime = () => optional(z.string({ error: "must be a string" }));

/** The public answer fields (公共响应参数, https://opendocs.alipay.com/common/02km9f). */
const common = {
  code: z.string({ error: "must be a string" }),
  msg: maybeText,
  sub_code: maybeText,
  sub_msg: maybeText,
};

// ---------------------------------------------------------------------------------------------
// Requests (biz_content): amounts are yuan strings, built by transformers.ts only.
// ---------------------------------------------------------------------------------------------

/**
 * biz_content of the pay APIs: alipay.trade.precreate (https://opendocs.alipay.com/open/f540afd8_alipay.trade.precreate),
 * alipay.trade.create (https://opendocs.alipay.com/open/f72f0792_alipay.trade.create),
 * alipay.trade.page.pay (https://opendocs.alipay.com/open/59da99d0_alipay.trade.page.pay),
 * alipay.trade.wap.pay (https://opendocs.alipay.com/open/29ae8cb6_alipay.trade.wap.pay) and
 * alipay.trade.app.pay (https://opendocs.alipay.com/open/cd12c885_alipay.trade.app.pay).
 */
export interface PayBizContent {
  readonly out_trade_no: string;
  readonly total_amount: string;
  readonly subject: string;
  readonly product_code: string;
  /** "yyyy-MM-dd HH:mm:ss", Beijing time. */
  readonly time_expire?: string;
  /** Returned verbatim in the notification; URL-encoded. */
  readonly passback_params?: string;
  /** alipay.trade.create (JSAPI_PAY) only. */
  readonly buyer_id?: string;
}

/** alipay.trade.pay scene bar_code (当面付 条码支付), https://opendocs.alipay.com/open/02ekfp */
export interface BarcodePayBizContent {
  readonly out_trade_no: string;
  readonly scene: "bar_code";
  readonly auth_code?: string;
  readonly product_code: "FACE_TO_FACE_PAYMENT";
  readonly subject: string;
  readonly total_amount: string;
  readonly store_id?: string;
  readonly terminal_id?: string;
  readonly time_expire?: string;
}

/** The trade of alipay.trade.query / .close / .cancel: trade_no or out_trade_no. */
export type TradeRefBizContent = { readonly out_trade_no: string } | { readonly trade_no: string };

/** alipay.trade.refund, https://opendocs.alipay.com/open/02ekfk: trade_no wins when known. */
export type RefundBizContent = ({ readonly trade_no: string } | { readonly out_trade_no: string }) & {
  readonly refund_amount: string;
  /** The same on every retry of one refund, or Alipay refunds twice. */
  readonly out_request_no: string;
  readonly refund_reason?: string;
};

/** alipay.trade.fastpay.refund.query, https://opendocs.alipay.com/open/02ekfl */
export interface RefundQueryBizContent {
  readonly out_trade_no: string;
  readonly out_request_no: string;
  /** gmt_refund_pay is answered only when asked for. */
  readonly query_options: readonly "gmt_refund_pay"[];
}

/** alipay.data.dataservice.bill.downloadurl.query, https://opendocs.alipay.com/apis/api_15/alipay.data.dataservice.bill.downloadurl.query */
export interface BillUrlBizContent {
  readonly bill_type: "trade" | "signcustomer";
  /** yyyy-MM-dd. */
  readonly bill_date: string;
}

/** alipay.open.app.alipaycert.download, https://opendocs.alipay.com/apis/api_9/alipay.open.app.alipaycert.download */
export interface CertDownloadBizContent {
  readonly alipay_cert_sn: string;
}

/** Every biz_content the client sends. */
export type AlipayBizContent =
  | PayBizContent
  | BarcodePayBizContent
  | TradeRefBizContent
  | RefundBizContent
  | RefundQueryBizContent
  | BillUrlBizContent
  | CertDownloadBizContent;

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

/** alipay.trade.precreate, https://opendocs.alipay.com/open/f540afd8_alipay.trade.precreate: out_trade_no and qr_code 必填. */
export const precreateResponseSchema = z.looseObject({ ...common, out_trade_no: text, qr_code: text });
export type PrecreateResponse = z.output<typeof precreateResponseSchema>;

/** alipay.trade.create, https://opendocs.alipay.com/open/f72f0792_alipay.trade.create: out_trade_no and trade_no 必填. */
export const createResponseSchema = z.looseObject({ ...common, out_trade_no: text, trade_no: text });
export type CreateResponse = z.output<typeof createResponseSchema>;

/** The amounts of a paid trade (yuan on the wire, fen here). */
const paidAmounts = {
  buyer_pay_amount: optional(yuanFen),
  receipt_amount: optional(yuanFen),
  point_amount: optional(yuanFen),
  invoice_amount: optional(yuanFen),
};

/**
 * alipay.trade.query, https://opendocs.alipay.com/open/02ekfh: trade_no, out_trade_no,
 * trade_status and total_amount 必填; the paid amounts and send_pay_date (the payment time) 选填.
 */
export const tradeQueryResponseSchema = z.looseObject({
  ...common,
  trade_no: text,
  out_trade_no: text,
  trade_status: text,
  total_amount: yuanFen,
  ...paidAmounts,
  send_pay_date: beijingTime(),
});
export type TradeQueryResponse = z.output<typeof tradeQueryResponseSchema>;

/**
 * alipay.trade.pay (条码支付), https://opendocs.alipay.com/open/02ekfp: code 10000 is paid, with
 * trade_no, out_trade_no and total_amount and the time gmt_payment; 10003 (等待用户付款) means the
 * buyer is still confirming, and is only read for its out_trade_no.
 */
export const payResponseSchema = z.discriminatedUnion(
  "code",
  [
    z.looseObject({
      ...common,
      code: z.literal("10000"),
      trade_no: text,
      out_trade_no: text,
      total_amount: yuanFen,
      ...paidAmounts,
      gmt_payment: beijingTime(),
    }),
    z.looseObject({ ...common, code: z.literal("10003"), out_trade_no: text, trade_no: maybeText }),
  ],
  { error: "must be 10000 (paid) or 10003 (buyer confirming)" },
);
export type PayResponse = z.output<typeof payResponseSchema>;
export type PaidPayResponse = Extract<PayResponse, { code: "10000" }>;

/** alipay.trade.close, https://opendocs.alipay.com/open/02o6e7: trade_no and out_trade_no 选填. */
export const closeResponseSchema = z.looseObject({ ...common, trade_no: maybeText, out_trade_no: maybeText });
export type CloseResponse = z.output<typeof closeResponseSchema>;

/**
 * alipay.trade.cancel, https://opendocs.alipay.com/open/02ekfi: retry_flag 必填 (Y: the cancel did
 * not complete, call again); action 选填: close (unpaid trade closed), refund (paid trade
 * refunded), no_refund (nothing to refund).
 */
export const cancelResponseSchema = z.looseObject({
  ...common,
  trade_no: maybeText,
  out_trade_no: maybeText,
  retry_flag: z.enum(["Y", "N"], { error: "must be Y or N" }),
  action: optional(z.enum(["close", "refund", "no_refund"], { error: "must be close, refund or no_refund" })),
});
export type CancelResponse = z.output<typeof cancelResponseSchema>;

/**
 * gmt_refund_pay, present_refund_* and send_back_fee of a refund or refund query answer (选填,
 * https://opendocs.alipay.com/open/02ekfk, https://opendocs.alipay.com/open/02ekfl), in fen.
 */
const refundSplitFields = {
  /** 退款时间 (the refund query answers it only when query_options asks for it). */
  gmt_refund_pay: beijingTime(),
  send_back_fee: optional(yuanFen),
  present_refund_buyer_amount: optional(yuanFen),
  present_refund_discount_amount: optional(yuanFen),
  present_refund_mdiscount_amount: optional(yuanFen),
};
// Hand-written fast paths of the refund answers (core fast-path.ts): the same rules as the
// schemas above, producing the same output; anything they do not pass goes to the schema.
const INVALID = Symbol("invalid");

/** yuanFen by hand: a string or number whose text is a yuan amount, in fen; undefined otherwise. */
function fastYuanFen(value: unknown): number | undefined {
  if (typeof value !== "string" && !(typeof value === "number" && Number.isFinite(value))) return undefined;
  const yuan = String(value);
  return YUAN.test(yuan) ? yuanToFen(yuan) : undefined;
}

/** optional(yuanFen) by hand: "" and null read as absent. */
function fastOptionalYuanFen(value: unknown): number | undefined | typeof INVALID {
  if (value === undefined || value === "" || value === null) return undefined;
  return fastYuanFen(value) ?? INVALID;
}

/** The public answer fields by hand: code a string, msg / sub_code / sub_msg strings when there. */
function commonPasses(value: Record<string, unknown>): boolean {
  if (typeof value.code !== "string") return false;
  for (const key of ["msg", "sub_code", "sub_msg"] as const)
    if (value[key] !== undefined && typeof value[key] !== "string") return false;
  return true;
}

const SPLIT_FEN_FIELDS = [
  "send_back_fee",
  "present_refund_buyer_amount",
  "present_refund_discount_amount",
  "present_refund_mdiscount_amount",
] as const;

/** refundSplitFields by hand, as the schema outputs them; undefined when one does not pass. */
function fastRefundSplit(value: Record<string, unknown>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  const time = value.gmt_refund_pay;
  if (time === "" || time === null) out.gmt_refund_pay = undefined;
  else if (time !== undefined && typeof time !== "string") return undefined;
  for (const key of SPLIT_FEN_FIELDS) {
    if (!(key in value)) continue;
    const fen = fastOptionalYuanFen(value[key]);
    if (fen === INVALID) return undefined;
    out[key] = fen;
  }
  return out;
}

export interface RefundSplitFields {
  readonly send_back_fee?: number | undefined;
  readonly present_refund_buyer_amount?: number | undefined;
  readonly present_refund_discount_amount?: number | undefined;
  readonly present_refund_mdiscount_amount?: number | undefined;
}

const refundResponseShape = z.looseObject({
  ...common,
  trade_no: text,
  out_trade_no: text,
  fund_change: z.enum(["Y", "N"], { error: "must be Y or N" }),
  refund_fee: yuanFen,
  ...refundSplitFields,
});

/**
 * alipay.trade.refund, https://opendocs.alipay.com/open/02ekfk: trade_no, out_trade_no,
 * fund_change (Y: this call moved money; N: confirm with the refund query) and refund_fee (the
 * trade's total refunded so far) 必填.
 */
export const refundResponseSchema = withFastPath(refundResponseShape, (value) => {
  if (!isPlainRecord(value) || !commonPasses(value)) return undefined;
  const { trade_no, out_trade_no, fund_change } = value;
  if (
    typeof trade_no !== "string" ||
    trade_no === "" ||
    typeof out_trade_no !== "string" ||
    out_trade_no === ""
  )
    return undefined;
  if (fund_change !== "Y" && fund_change !== "N") return undefined;
  const refundFee = fastYuanFen(value.refund_fee);
  const split = fastRefundSplit(value);
  if (refundFee === undefined || split === undefined) return undefined;
  return { ...value, trade_no, out_trade_no, fund_change, refund_fee: refundFee, ...split } as z.output<
    typeof refundResponseShape
  >;
});
export type RefundResponse = z.output<typeof refundResponseSchema>;

const refundQueryResponseShape = z.looseObject({
  ...common,
  trade_no: maybeText,
  out_trade_no: maybeText,
  out_request_no: maybeText,
  total_amount: optional(yuanFen),
  refund_amount: optional(yuanFen),
  refund_status: maybeText,
  ...refundSplitFields,
});

/**
 * alipay.trade.fastpay.refund.query, https://opendocs.alipay.com/open/02ekfl: every field 选填;
 * none at all when nothing was refunded under the number. refund_status REFUND_SUCCESS is a
 * refund done; gmt_refund_pay only when query_options asks for it.
 */
export const refundQueryResponseSchema = withFastPath(refundQueryResponseShape, (value) => {
  if (!isPlainRecord(value) || !commonPasses(value)) return undefined;
  for (const key of ["trade_no", "out_trade_no", "out_request_no", "refund_status"] as const)
    if (value[key] !== undefined && typeof value[key] !== "string") return undefined;
  const total = fastOptionalYuanFen(value.total_amount);
  const refunded = fastOptionalYuanFen(value.refund_amount);
  const split = fastRefundSplit(value);
  if (total === INVALID || refunded === INVALID || split === undefined) return undefined;
  // A field the answer leaves out stays out, as in the schema's output (zod adds no key for it).
  const out: Record<string, unknown> = { ...value, ...split };
  if ("total_amount" in value) out.total_amount = total;
  if ("refund_amount" in value) out.refund_amount = refunded;
  return out as z.output<typeof refundQueryResponseShape>;
});
export type RefundQueryResponse = z.output<typeof refundQueryResponseSchema>;

/**
 * alipay.data.dataservice.bill.downloadurl.query,
 * https://opendocs.alipay.com/apis/api_15/alipay.data.dataservice.bill.downloadurl.query:
 * bill_download_url, the link to the bill zip (valid 30 seconds).
 */
export const billUrlResponseSchema = z.looseObject({
  ...common,
  bill_download_url: z
    .string({ error: "must be a string" })
    .regex(/^https?:\/\//, { error: "must be an http(s) URL" }),
});
export type BillUrlResponse = z.output<typeof billUrlResponseSchema>;

/**
 * alipay.open.app.alipaycert.download, https://opendocs.alipay.com/apis/api_9/alipay.open.app.alipaycert.download:
 * alipay_cert_content, the certificate PEM in base64.
 */
export const certDownloadResponseSchema = z.looseObject({
  ...common,
  alipay_cert_content: z
    .string({ error: "must be a string" })
    .regex(/^[A-Za-z0-9+/=\s]+$/, { error: "must be base64 text" }),
});
export type CertDownloadResponse = z.output<typeof certDownloadResponseSchema>;

/**
 * The body of a gateway answer as sent, `{"<method>_response":{...},"alipay_cert_sn":"...","sign":"..."}`
 * (同步返回, https://opendocs.alipay.com/common/02mse7): read when the client verifies an answer
 * itself (an answer naming a certificate fetched after it arrived).
 */
export const answerEnvelopeSchema = z.record(z.string(), z.unknown());

/** The object inside `<method>_response` (or error_response) before its method's schema reads it. */
export const answerObjectSchema = withFastPath(
  z.looseObject({
    code: z.union([z.string(), z.number()], { error: "must be the gateway code (10000 on success)" }),
  }),
  (value) =>
    isPlainRecord(value) && (typeof value.code === "string" || Number.isFinite(value.code))
      ? (value as { code: string | number; [key: string]: unknown })
      : undefined,
);

/**
 * Asynchronous notification form fields, https://opendocs.alipay.com/open/203/105286: notify_id,
 * app_id, trade_no, out_trade_no, total_amount and trade_status are read from every one; the
 * refund fields (refund_fee, gmt_refund, out_biz_no) from refund notifications; auth_app_id names
 * the merchant an ISV acted for. Every value is text on the form.
 */
export const notificationFieldsSchema = z.looseObject({
  notify_id: text,
  notify_type: maybeText,
  app_id: text,
  auth_app_id: maybeText,
  seller_id: maybeText,
  trade_no: optional(text),
  out_trade_no: text,
  out_biz_no: optional(text),
  trade_status: text,
  total_amount: yuanFen,
  buyer_pay_amount: optional(yuanFen),
  receipt_amount: optional(yuanFen),
  point_amount: optional(yuanFen),
  refund_fee: optional(yuanFen),
  gmt_payment: maybeText,
  gmt_refund: maybeText,
  gmt_close: maybeText,
  sign: text,
  sign_type: maybeText,
});
export type AlipayNotificationFields = z.output<typeof notificationFieldsSchema>;
