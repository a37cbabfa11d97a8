/**
 * Wire shapes of CloudPay answers (keys already in snake_case, see keys.ts) and their typed,
 * camelCase forms. Validation is strict about what PayBridge relies on and lenient about extra
 * fields WeChat may add. Amounts are fen; the JSON answers may carry them as numbers or as the
 * digit strings of the v2 XML they are converted from, so both are read.
 */
import type {
  CreatePaymentInput,
  NotifiedTrade,
  RefundRequest,
  RefundResult,
  TradeResult,
} from "@paybridge/core";
import {
  cny,
  formatBeijingCompact,
  parseAnswer,
  parseBeijingCompact,
  parseBeijingDashed,
  RefundState,
  TradeState,
  UnknownStatusError,
} from "@paybridge/core/provider-kit";
import { z } from "zod";
import type { CloudPayData } from "./envelope.js";
import { unknownOutcome } from "./envelope.js";
import { CLOUDPAY_PROVIDER } from "./errors.js";
import { FlattenedFieldError, unflatten } from "./flattened.js";
import type { CloudPayCallback } from "./notification.js";
import {
  CLOUDPAY_REFUND_ACCOUNTS,
  CLOUDPAY_REFUND_CHANNELS,
  mapCloudPayRefundStatus,
  mapCloudPayTradeState,
} from "./status-map.js";
import type { RefundAccount, UnifiedOrderParams } from "./wire-types.js";

const fen = z.union([
  z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number),
]);
const text = z.string().min(1);
const couponType = z.enum(["CASH", "NO_CASH"]);

function parseWith<S extends z.ZodType>(method: string, schema: S, value: unknown): z.output<S> {
  return parseAnswer({ provider: CLOUDPAY_PROVIDER, method, schema, value });
}

function unflattenOrThrow(method: string, data: CloudPayData, spec: Parameters<typeof unflatten>[1]) {
  try {
    return unflatten(data, spec);
  } catch (error) {
    if (error instanceof FlattenedFieldError) throw unknownOutcome(method, error.message, error);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// refund (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.refund.html)
// ---------------------------------------------------------------------------------------------

const refundAcceptedSchema = z
  .looseObject({
    transaction_id: text,
    out_trade_no: text,
    out_refund_no: text,
    refund_id: text,
    refund_fee: fen,
    settlement_refund_fee: fen.optional(),
    total_fee: fen,
    settlement_total_fee: fen.optional(),
    fee_type: text.optional(),
    cash_fee: fen,
    cash_refund_fee: fen.optional(),
    coupon_refund_fee: fen.optional(),
    coupon_refund_count: fen.optional(),
  })
  .transform((r) => ({
    transactionId: r.transaction_id,
    outTradeNo: r.out_trade_no,
    outRefundNo: r.out_refund_no,
    refundId: r.refund_id,
    refundFee: r.refund_fee,
    settlementRefundFee: r.settlement_refund_fee,
    totalFee: r.total_fee,
    settlementTotalFee: r.settlement_total_fee,
    feeType: r.fee_type ?? "CNY",
    cashFee: r.cash_fee,
    cashRefundFee: r.cash_refund_fee,
    couponRefundFee: r.coupon_refund_fee,
    couponRefundCount: r.coupon_refund_count,
  }));

/** "SUCCESS退款申请接收成功，结果通过退款查询接口查询": accepted, not yet refunded. */
export type CloudPayRefundAccepted = z.output<typeof refundAcceptedSchema> & {
  readonly couponTypes: readonly ("CASH" | "NO_CASH")[];
};

export function parseRefundAnswer(data: CloudPayData): CloudPayRefundAccepted {
  const flat = unflattenOrThrow("refund", data, { item: ["coupon_type"], nested: [] });
  const head = parseWith("refund", refundAcceptedSchema, flat.rest);
  const couponTypes = parseWith(
    "refund",
    z.array(z.object({ coupon_type: couponType }).transform((c) => c.coupon_type)),
    flat.items,
  );
  return { ...head, couponTypes };
}

// ---------------------------------------------------------------------------------------------
// queryRefund (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.queryRefund.html)
// ---------------------------------------------------------------------------------------------

/** Per-refund names `<name>_$n` of CloudPay.queryRefund; refund_recv_accout is the page's own spelling. */
export const REFUND_ITEM_FIELDS = [
  "out_refund_no",
  "refund_id",
  "refund_channel",
  "refund_fee",
  "settlement_refund_fee",
  "coupon_refund_fee",
  "coupon_refund_count",
  "refund_status",
  "refund_account",
  "refund_recv_accout",
  "refund_success_time",
] as const;
/** Per-coupon names `<name>_$n_$m` of CloudPay.queryRefund. */
export const REFUND_COUPON_FIELDS = ["coupon_type", "coupon_refund_id", "coupon_refund_fee"] as const;

const couponSchema = z
  .looseObject({
    coupon_refund_id: text,
    coupon_refund_fee: fen,
    coupon_type: couponType.optional(),
  })
  .transform((c) => ({ id: c.coupon_refund_id, fee: c.coupon_refund_fee, type: c.coupon_type }));

const refundRecordSchema = z
  .looseObject({
    out_refund_no: text,
    refund_id: text,
    refund_channel: z.enum(CLOUDPAY_REFUND_CHANNELS).optional(),
    refund_fee: fen,
    settlement_refund_fee: fen.optional(),
    coupon_refund_fee: fen.optional(),
    coupon_refund_count: fen.optional(),
    refund_status: z.string(),
    refund_account: z.enum(CLOUDPAY_REFUND_ACCOUNTS).optional(),
    refund_recv_accout: text.optional(),
    refund_success_time: text.optional(),
    nested: z.array(couponSchema),
  })
  .superRefine((r, ctx) => {
    if (r.coupon_refund_count !== undefined && r.coupon_refund_count !== r.nested.length) {
      ctx.addIssue({
        code: "custom",
        path: ["coupon_refund_count"],
        message: `is ${r.coupon_refund_count} but ${r.nested.length} coupons were listed`,
      });
    }
  });

export interface CloudPayRefundRecord {
  readonly outRefundNo: string;
  readonly refundId: string;
  readonly channel: (typeof CLOUDPAY_REFUND_CHANNELS)[number] | undefined;
  readonly refundFee: number;
  readonly settlementRefundFee: number | undefined;
  readonly couponRefundFee: number | undefined;
  readonly coupons: readonly {
    readonly id: string;
    readonly fee: number;
    readonly type: "CASH" | "NO_CASH" | undefined;
  }[];
  /** refund_status_$n as sent; fromCloudPayRefund maps it onto the unified state. */
  readonly status: string;
  readonly account: (typeof CLOUDPAY_REFUND_ACCOUNTS)[number] | undefined;
  /** refund_recv_accout: where the money went, e.g. "招商银行信用卡0403", "支付用户零钱". */
  readonly receivedAccount: string | undefined;
  /** refund_success_time, read as Beijing time. */
  readonly successTime: Date | undefined;
}

const refundPageHeadSchema = z.looseObject({
  transaction_id: text,
  out_trade_no: text,
  total_fee: fen,
  settlement_total_fee: fen.optional(),
  fee_type: text.optional(),
  cash_fee: fen.optional(),
  refund_count: fen,
  total_refund_count: fen.optional(),
});

/** One queryRefund answer: at most 10 refunds, and the order's total when offset was passed. */
export interface CloudPayRefundPage {
  readonly transactionId: string;
  readonly outTradeNo: string;
  readonly totalFee: number;
  readonly settlementTotalFee: number | undefined;
  readonly feeType: string;
  readonly cashFee: number | undefined;
  readonly refundCount: number;
  readonly totalRefundCount: number | undefined;
  readonly refunds: readonly CloudPayRefundRecord[];
}

export function parseRefundQueryAnswer(data: CloudPayData): CloudPayRefundPage {
  const flat = unflattenOrThrow("queryRefund", data, {
    item: REFUND_ITEM_FIELDS,
    nested: REFUND_COUPON_FIELDS,
  });
  const head = parseWith("queryRefund", refundPageHeadSchema, flat.rest);
  if (head.refund_count !== flat.items.length) {
    throw unknownOutcome(
      "queryRefund",
      `refund_count is ${head.refund_count} but ${flat.items.length} refunds were listed`,
    );
  }
  const records = parseWith("queryRefund", z.array(refundRecordSchema), flat.items);
  const refunds = records.map(
    (r, n): CloudPayRefundRecord => ({
      outRefundNo: r.out_refund_no,
      refundId: r.refund_id,
      channel: r.refund_channel,
      refundFee: r.refund_fee,
      settlementRefundFee: r.settlement_refund_fee,
      couponRefundFee: r.coupon_refund_fee,
      coupons: r.nested,
      status: r.refund_status,
      account: r.refund_account,
      receivedAccount: r.refund_recv_accout,
      successTime:
        r.refund_success_time === undefined
          ? undefined
          : parseBeijingDashed(r.refund_success_time, {
              field: `refund_success_time_${n}`,
              provider: CLOUDPAY_PROVIDER,
            }),
    }),
  );
  return {
    transactionId: head.transaction_id,
    outTradeNo: head.out_trade_no,
    totalFee: head.total_fee,
    settlementTotalFee: head.settlement_total_fee,
    feeType: head.fee_type ?? "CNY",
    cashFee: head.cash_fee,
    refundCount: head.refund_count,
    totalRefundCount: head.total_refund_count,
    refunds,
  };
}

// ---------------------------------------------------------------------------------------------
// queryOrder / unifiedOrder / closeOrder
// ---------------------------------------------------------------------------------------------

const orderSchema = z.looseObject({
  trade_state: z.string(),
  trade_state_desc: z.string().optional(),
  trade_type: z.string().optional(),
  // Absent until the order is paid (v2 order query: "微信支付订单号 ... 是").
  transaction_id: text.optional(),
  out_trade_no: text,
  total_fee: fen,
  cash_fee: fen.optional(),
  // v2 order query coupon fields (https://pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=9_2):
  // coupon_fee 代金券金额, settlement_total_fee 应结订单金额 (only with 免充值 coupons).
  coupon_fee: fen.optional(),
  settlement_total_fee: fen.optional(),
  fee_type: text.optional(),
  openid: z.string().optional(),
  sub_openid: z.string().optional(),
  attach: z.string().optional(),
  time_end: text.optional(),
});

export interface CloudPayOrder {
  /** trade_state as sent; fromCloudPayOrder maps it onto the unified state. */
  readonly tradeState: string;
  readonly tradeStateDesc: string | undefined;
  readonly transactionId: string | undefined;
  readonly outTradeNo: string;
  readonly totalFee: number;
  readonly cashFee: number | undefined;
  readonly couponFee: number | undefined;
  readonly settlementTotalFee: number | undefined;
  readonly feeType: string;
  readonly paidAt: Date | undefined;
  readonly attach: string | undefined;
}

export function parseOrderAnswer(data: CloudPayData): CloudPayOrder {
  const o = parseWith("queryOrder", orderSchema, data);
  return {
    tradeState: o.trade_state,
    tradeStateDesc: o.trade_state_desc,
    transactionId: o.transaction_id,
    outTradeNo: o.out_trade_no,
    totalFee: o.total_fee,
    cashFee: o.cash_fee,
    couponFee: o.coupon_fee,
    settlementTotalFee: o.settlement_total_fee,
    feeType: o.fee_type ?? "CNY",
    paidAt:
      o.time_end === undefined
        ? undefined
        : parseBeijingCompact(o.time_end, { field: "time_end", provider: CLOUDPAY_PROVIDER }),
    attach: o.attach,
  };
}

const paymentSchema = z.looseObject({
  appId: z.string().optional(),
  timeStamp: text,
  nonceStr: text,
  package: text,
  signType: text,
  paySign: text,
});

const unifiedOrderSchema = z
  .looseObject({
    trade_type: z.string().optional(),
    prepay_id: text.optional(),
    code_url: text.optional(),
    payment: paymentSchema.optional(),
  })
  .refine((u) => u.prepay_id !== undefined || u.code_url !== undefined, {
    message: "neither prepay_id nor code_url is present",
  });

export interface CloudPayPrepay {
  readonly tradeType: string | undefined;
  readonly prepayId: string | undefined;
  readonly codeUrl: string | undefined;
  /** What the mini program passes to wx.requestPayment. */
  readonly payment: Readonly<Record<string, string>> | undefined;
}

export function parseUnifiedOrderAnswer(data: CloudPayData): CloudPayPrepay {
  const u = parseWith("unifiedOrder", unifiedOrderSchema, data);
  let payment: Record<string, string> | undefined;
  if (u.payment) {
    payment = {};
    for (const [k, v] of Object.entries(u.payment)) if (typeof v === "string") payment[k] = v;
  }
  return { tradeType: u.trade_type, prepayId: u.prepay_id, codeUrl: u.code_url, payment };
}

/** Guards a query answer against being about another order than the one asked for. */
export function assertSameOrder(method: string, asked: string, answered: string): void {
  if (asked !== answered) {
    throw new UnknownStatusError(`${method} out_trade_no (asked ${asked})`, answered, {
      provider: CLOUDPAY_PROVIDER,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// PayBridge input -> CloudPay parameters
// ---------------------------------------------------------------------------------------------

/** What the client needs of a refund; it adds sub_mch_id and nonce_str and writes the snake_case names. */
export interface CloudPayRefundInput {
  readonly outTradeNo?: string | undefined;
  readonly transactionId?: string | undefined;
  readonly outRefundNo: string;
  readonly totalFee: number;
  readonly refundFee: number;
  readonly refundFeeType?: string | undefined;
  readonly refundDesc?: string | undefined;
  readonly refundAccount?: RefundAccount | undefined;
}

/** Where the merchant's cloud function and its IP come from: the provider's config. */
export interface CloudPayOrderTarget {
  readonly functionName: string;
  readonly envId: string;
  readonly spbillCreateIp: string;
}

/**
 * CloudPay.unifiedOrder parameters (camelCase, as on its page) for a JSAPI payment, without
 * subMchId / nonceStr (the client adds them). No notifyUrl: the result goes to the cloud
 * function envId/functionName.
 */
export function toCloudPayOrderParams(
  input: CreatePaymentInput,
  openid: string,
  target: CloudPayOrderTarget,
): Omit<UnifiedOrderParams, "subMchId" | "nonceStr"> {
  return {
    functionName: target.functionName,
    envId: target.envId,
    body: input.description,
    outTradeNo: input.outTradeNo,
    totalFee: input.amount.fen,
    spbillCreateIp: target.spbillCreateIp,
    tradeType: "JSAPI",
    openid,
    ...(input.attach !== undefined ? { attach: input.attach } : {}),
    ...(input.expiresAt ? { timeExpire: formatBeijingCompact(input.expiresAt) } : {}),
  };
}

/**
 * CloudPay.refund's fields for a RefundRequest. refund_account: AVAILABLE (可用余额) is
 * REFUND_SOURCE_RECHARGE_FUNDS, the rest is the unsettled funds
 * (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.refund.html).
 */
export function toCloudPayRefundInput(request: RefundRequest): CloudPayRefundInput {
  return {
    ...(request.providerTradeNo
      ? { transactionId: request.providerTradeNo }
      : { outTradeNo: request.outTradeNo }),
    outRefundNo: request.outRefundNo,
    totalFee: request.total.fen,
    refundFee: request.amount.fen,
    refundFeeType: request.amount.currency,
    refundDesc: request.reason,
    refundAccount:
      request.fundsAccount === undefined
        ? undefined
        : request.fundsAccount === "AVAILABLE"
          ? "REFUND_SOURCE_RECHARGE_FUNDS"
          : "REFUND_SOURCE_UNSETTLED_FUNDS",
  };
}

// ---------------------------------------------------------------------------------------------
// Typed CloudPay answers -> PayBridge results (status through status-map.ts, once)
// ---------------------------------------------------------------------------------------------

/** A queryOrder answer -> TradeResult; CloudPay fee_type is CNY for domestic merchants. */
export function fromCloudPayOrder(order: CloudPayOrder, merchantId: string): TradeResult {
  return {
    provider: CLOUDPAY_PROVIDER,
    merchantId,
    outTradeNo: order.outTradeNo,
    ...(order.transactionId ? { providerTradeNo: order.transactionId } : {}),
    state: mapCloudPayTradeState(order.tradeState),
    rawStatus: order.tradeState,
    amount: cny(order.totalFee),
    ...(order.cashFee !== undefined ? { paidAmount: cny(order.cashFee) } : {}),
    ...(order.couponFee !== undefined && order.couponFee > 0 ? { discountAmount: cny(order.couponFee) } : {}),
    ...(order.settlementTotalFee !== undefined ? { settlementAmount: cny(order.settlementTotalFee) } : {}),
    ...(order.paidAt ? { paidAt: order.paidAt } : {}),
  };
}

/** One refund of a queryRefund page -> RefundResult. */
export function fromCloudPayRefund(
  outTradeNo: string,
  r: CloudPayRefundRecord,
  merchantId: string,
): RefundResult {
  return {
    provider: CLOUDPAY_PROVIDER,
    merchantId,
    outTradeNo,
    outRefundNo: r.outRefundNo,
    providerRefundId: r.refundId,
    state: mapCloudPayRefundStatus(r.status),
    rawStatus: r.status,
    amount: cny(r.refundFee),
    // v2 refund query (https://pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=9_5): the coupons'
    // share is coupon_refund_fee_$n; the buyer gets the rest.
    ...(r.couponRefundFee !== undefined
      ? {
          payerRefundAmount: cny(r.refundFee - r.couponRefundFee),
          discountRefundAmount: cny(r.couponRefundFee),
        }
      : {}),
    ...(r.settlementRefundFee !== undefined ? { settlementRefundAmount: cny(r.settlementRefundFee) } : {}),
    ...(r.successTime ? { successAt: r.successTime } : {}),
    ...(r.channel ? { channel: r.channel } : {}),
    ...(r.receivedAccount ? { receivedAccount: r.receivedAccount } : {}),
  };
}

/**
 * An accepted CloudPay.refund whose status query failed: the refund answer has no status
 * ("SUCCESS退款申请接收成功，结果通过退款查询接口查询"), so it is PROCESSING until queried.
 */
export function fromCloudPayRefundAccepted(
  accepted: CloudPayRefundAccepted,
  merchantId: string,
): RefundResult {
  return {
    provider: CLOUDPAY_PROVIDER,
    merchantId,
    outTradeNo: accepted.outTradeNo,
    outRefundNo: accepted.outRefundNo,
    providerRefundId: accepted.refundId,
    state: RefundState.SUBMITTED,
    rawStatus: "PROCESSING",
    amount: cny(accepted.refundFee),
  };
}

/** A confirmed pay-result callback -> the trade it reports (a refund since then shows in queryPayment). */
export function fromCloudPayCallback(event: CloudPayCallback, merchantId: string): NotifiedTrade {
  return {
    provider: CLOUDPAY_PROVIDER,
    merchantId,
    outTradeNo: event.outTradeNo,
    providerTradeNo: event.transactionId,
    // The callback reports the payment itself (trade_state SUCCESS).
    state: TradeState.PAID,
    rawStatus: "SUCCESS",
    amount: cny(event.totalFee),
    ...(event.cashFee !== undefined ? { paidAmount: cny(event.cashFee) } : {}),
    paidAt: event.paidAt,
  };
}
