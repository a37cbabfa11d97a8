import type { CreatePaymentInput, NotifiedTrade, RefundResult, TradeResult } from "@paybridge/core";
import {
  cny,
  fenToYuan,
  formatBeijingDashed,
  type PaymentMethod,
  parseBeijingDashed,
  ValidationError,
} from "@paybridge/core/provider-kit";
import { mapRefundQuery, mapTradeStatus, type RefundQueryReading, type TradeEvidence } from "./status-map.js";
import type {
  AlipayNotificationFields,
  BarcodePayBizContent,
  PayBizContent,
  RefundBizContent,
  RefundQueryBizContent,
  RefundQueryResponse,
  RefundSplitFields,
  TradeQueryResponse,
} from "./wire-types.js";

type ParsedPayment = CreatePaymentInput & { amount: { fen: number; currency: "CNY" } };

/**
 * Which Alipay API serves each unified method, and its product_code:
 * - native: alipay.trade.precreate (当面付扫码, https://opendocs.alipay.com/open/f540afd8_alipay.trade.precreate)
 * - mini_program: alipay.trade.create (JSAPI_PAY, https://opendocs.alipay.com/open/f72f0792_alipay.trade.create)
 * - page: alipay.trade.page.pay (FAST_INSTANT_TRADE_PAY, https://opendocs.alipay.com/open/59da99d0_alipay.trade.page.pay)
 * - h5: alipay.trade.wap.pay (QUICK_WAP_WAY, https://opendocs.alipay.com/open/29ae8cb6_alipay.trade.wap.pay)
 * - app: alipay.trade.app.pay (QUICK_MSECURITY_PAY, https://opendocs.alipay.com/open/cd12c885_alipay.trade.app.pay)
 * jsapi is WeChat's in-browser method and has no Alipay API.
 */
export const PAY_APIS = {
  native: { method: "alipay.trade.precreate", productCode: "FACE_TO_FACE_PAYMENT" },
  mini_program: { method: "alipay.trade.create", productCode: "JSAPI_PAY" },
  page: { method: "alipay.trade.page.pay", productCode: "FAST_INSTANT_TRADE_PAY" },
  h5: { method: "alipay.trade.wap.pay", productCode: "QUICK_WAP_WAY" },
  app: { method: "alipay.trade.app.pay", productCode: "QUICK_MSECURITY_PAY" },
} as const satisfies Partial<Record<PaymentMethod, { method: string; productCode: string }>>;
export type AlipayPaymentMethod = keyof typeof PAY_APIS;
export const ALIPAY_METHODS = Object.keys(PAY_APIS) as AlipayPaymentMethod[];

export function isAlipayMethod(method: PaymentMethod): method is AlipayPaymentMethod {
  return Object.hasOwn(PAY_APIS, method);
}

/** biz_content shared by the pay APIs: amounts leave as yuan strings here and nowhere else. */
export function payBizContent(input: ParsedPayment, method: AlipayPaymentMethod): PayBizContent {
  const buyerId = input.payer?.buyerId;
  if (method === "mini_program" && !buyerId) {
    throw new ValidationError(
      "payment.payer.buyerId",
      "payment.payer.buyerId: is required for Alipay mini_program (alipay.trade.create buyer_id)",
    );
  }
  return {
    out_trade_no: input.outTradeNo,
    total_amount: fenToYuan(input.amount.fen, "payment.amount.fen"),
    subject: input.description,
    product_code: PAY_APIS[method].productCode,
    // time_expire: "yyyy-MM-dd HH:mm:ss", Beijing time.
    ...(input.expiresAt ? { time_expire: formatBeijingDashed(input.expiresAt) } : {}),
    // passback_params is returned verbatim in the notification and must be URL-encoded (各支付接口请求参数).
    ...(input.attach ? { passback_params: encodeURIComponent(input.attach) } : {}),
    ...(method === "mini_program" && buyerId ? { buyer_id: buyerId } : {}),
  };
}

/**
 * alipay.trade.pay biz_content for scene bar_code (https://opendocs.alipay.com/open/02ekfp):
 * product_code FACE_TO_FACE_PAYMENT, the store as store_id and the till as terminal_id.
 */
export function barcodeBizContent(order: {
  outTradeNo: string;
  description: string;
  amount: { fen: number };
  authCode?: string | undefined;
  store?: { id: string; deviceId?: string | undefined } | undefined;
  expiresAt?: Date | undefined;
}): BarcodePayBizContent {
  return {
    out_trade_no: order.outTradeNo,
    scene: "bar_code",
    ...(order.authCode !== undefined ? { auth_code: order.authCode } : {}),
    product_code: "FACE_TO_FACE_PAYMENT",
    subject: order.description,
    total_amount: fenToYuan(order.amount.fen, "payment.amount.fen"),
    ...(order.store ? { store_id: order.store.id } : {}),
    ...(order.store?.deviceId ? { terminal_id: order.store.deviceId } : {}),
    ...(order.expiresAt ? { time_expire: formatBeijingDashed(order.expiresAt) } : {}),
  };
}

/** alipay.trade.refund biz_content (https://opendocs.alipay.com/open/02ekfk); trade_no wins when known. */
export function refundBizContent(request: {
  outTradeNo: string;
  providerTradeNo?: string | undefined;
  outRefundNo: string;
  amount: { fen: number };
  reason?: string | undefined;
}): RefundBizContent {
  return {
    ...(request.providerTradeNo
      ? { trade_no: request.providerTradeNo }
      : { out_trade_no: request.outTradeNo }),
    refund_amount: fenToYuan(request.amount.fen, "refund.amount.fen"),
    // Retries of a refund must reuse the same out_request_no, or Alipay refunds twice.
    out_request_no: request.outRefundNo,
    ...(request.reason ? { refund_reason: request.reason } : {}),
  };
}

/** alipay.trade.fastpay.refund.query biz_content (https://opendocs.alipay.com/open/02ekfl), asking for gmt_refund_pay. */
export function refundQueryBizContent(query: {
  outTradeNo: string;
  outRefundNo: string;
}): RefundQueryBizContent {
  return {
    out_trade_no: query.outTradeNo,
    out_request_no: query.outRefundNo,
    query_options: ["gmt_refund_pay"],
  };
}

export interface MappingContext {
  readonly provider: string;
  readonly merchantId: string;
}

/**
 * An Alipay time field ("yyyy-MM-dd HH:mm:ss", Beijing time): absent or empty is undefined; any
 * other text that is not a time is an UnknownStatusError naming the field, as in CloudPay.
 */
function answerTime(value: unknown, field: string, ctx: MappingContext): Date | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  return parseBeijingDashed(String(value), { field, provider: ctx.provider });
}

/** alipay.trade.query answer -> TradeResult. `refundedFen` is what this provider has seen refunded. */
export function tradeResultFromQuery(
  answer: TradeQueryResponse,
  ctx: MappingContext,
  refundedFen: (outTradeNo: string) => number,
): TradeResult {
  const outTradeNo = answer.out_trade_no;
  const evidence: TradeEvidence = {
    paid: Boolean(answer.send_pay_date),
    refunded: refundedFen(outTradeNo) > 0,
  };
  const paidAt = answerTime(answer.send_pay_date, "send_pay_date", ctx);
  const paid = answer.buyer_pay_amount;
  return {
    provider: ctx.provider,
    merchantId: ctx.merchantId,
    outTradeNo,
    providerTradeNo: answer.trade_no,
    state: mapTradeStatus(answer.trade_status, evidence),
    rawStatus: answer.trade_status,
    amount: cny(answer.total_amount),
    ...(paid !== undefined && evidence.paid ? { paidAmount: cny(paid) } : {}),
    ...(evidence.paid ? paidSplit(answer) : {}),
    ...(paidAt ? { paidAt } : {}),
  };
}

/**
 * The vouchers and what the merchant receives, from a paid trade's amounts
 * (https://opendocs.alipay.com/open/02ekfh): the buyer paid buyer_pay_amount and point_amount
 * (集分宝), so the rest of total_amount is vouchers; receipt_amount is the merchant's. Only when they
 * differ from the total, so a plain payment maps as before.
 */
function paidSplit(a: {
  readonly total_amount: number;
  readonly buyer_pay_amount?: number | undefined;
  readonly point_amount?: number | undefined;
  readonly receipt_amount?: number | undefined;
}): Pick<TradeResult, "discountAmount" | "settlementAmount"> {
  const total = a.total_amount;
  const out: {
    discountAmount?: TradeResult["discountAmount"] & {};
    settlementAmount?: TradeResult["settlementAmount"] & {};
  } = {};
  if (a.buyer_pay_amount !== undefined) {
    const discount = total - a.buyer_pay_amount - (a.point_amount ?? 0);
    if (discount > 0) out.discountAmount = cny(discount);
  }
  if (a.receipt_amount !== undefined && a.receipt_amount !== total)
    out.settlementAmount = cny(a.receipt_amount);
  return out;
}

/**
 * present_refund_buyer_amount, the two present_refund discount amounts and send_back_fee, when the
 * answer carries them (https://opendocs.alipay.com/open/02ekfk, https://opendocs.alipay.com/open/02ekfl).
 */
export function refundSplit(
  a: RefundSplitFields,
): Pick<RefundResult, "payerRefundAmount" | "discountRefundAmount" | "settlementRefundAmount"> {
  const discount =
    a.present_refund_discount_amount !== undefined || a.present_refund_mdiscount_amount !== undefined
      ? (a.present_refund_discount_amount ?? 0) + (a.present_refund_mdiscount_amount ?? 0)
      : undefined;
  return {
    ...(a.present_refund_buyer_amount !== undefined
      ? { payerRefundAmount: cny(a.present_refund_buyer_amount) }
      : {}),
    ...(discount !== undefined ? { discountRefundAmount: cny(discount) } : {}),
    ...(a.send_back_fee !== undefined ? { settlementRefundAmount: cny(a.send_back_fee) } : {}),
  };
}

/** Verified notification fields -> TradeResult. Refund fields in it are refund evidence. */
export function tradeResultFromNotification(
  fields: AlipayNotificationFields,
  ctx: MappingContext,
  refundedFen: (outTradeNo: string) => number,
): NotifiedTrade {
  const outTradeNo = fields.out_trade_no;
  const refundFee = fields.refund_fee ?? 0;
  const evidence: TradeEvidence = {
    paid: Boolean(fields.gmt_payment),
    refunded:
      refundFee > 0 ||
      Boolean(fields.gmt_refund) ||
      Boolean(fields.out_biz_no) ||
      refundedFen(outTradeNo) > 0,
  };
  const paidAt = answerTime(fields.gmt_payment, "gmt_payment", ctx);
  return {
    provider: ctx.provider,
    merchantId: ctx.merchantId,
    outTradeNo,
    ...(fields.trade_no ? { providerTradeNo: fields.trade_no } : {}),
    state: mapTradeStatus(fields.trade_status, evidence),
    rawStatus: fields.trade_status,
    amount: cny(fields.total_amount),
    ...(fields.buyer_pay_amount !== undefined && evidence.paid
      ? { paidAmount: cny(fields.buyer_pay_amount) }
      : {}),
    ...(evidence.paid ? paidSplit(fields) : {}),
    ...(paidAt ? { paidAt } : {}),
  };
}

/**
 * alipay.trade.fastpay.refund.query answer -> RefundResult: 4 with refund_status REFUND_SUCCESS,
 * else 2 (not refunded yet: retry with the same out_request_no and amount); see status-map.ts.
 */
export function refundResultFromQuery(
  answer: RefundQueryResponse,
  request: { outTradeNo: string; outRefundNo: string },
  ctx: MappingContext,
  reading: RefundQueryReading = {},
): RefundResult {
  const { state, rawStatus } = mapRefundQuery(answer, reading);
  const successAt = answerTime(answer.gmt_refund_pay, "gmt_refund_pay", ctx);
  return {
    provider: ctx.provider,
    merchantId: ctx.merchantId,
    outTradeNo: answer.out_trade_no ?? request.outTradeNo,
    outRefundNo: answer.out_request_no ?? request.outRefundNo,
    state,
    rawStatus,
    // No data: nothing was refunded under this number.
    amount: cny(answer.refund_amount ?? 0),
    ...(answer.refund_amount !== undefined ? refundSplit(answer) : {}),
    ...(successAt ? { successAt } : {}),
  };
}
