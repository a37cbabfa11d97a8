import type {
  CreatePaymentInput,
  CreatePaymentResult,
  NotifiedTrade,
  RefundQuery,
  RefundRequest,
  RefundResult,
  TradeResult,
} from "@paybridge/core";
import {
  AmountMismatchError,
  assertEcho,
  cny,
  formatBeijingRfc3339,
  parseAnswer,
  UnexpectedAnswerError,
} from "@paybridge/core/provider-kit";
import type { z } from "zod";
import { WECHAT_V3_PROVIDER } from "./errors.js";
import { mapV3RefundStatus, mapV3TradeState } from "./status-map.js";
import { v3TimeMs } from "./v3-time.js";
import {
  type V3CodePayBody,
  type V3OrderBody,
  type V3Refund,
  type V3RefundBody,
  type V3RefundNoticeFields,
  type V3TradeFields,
  v3CodeUrlSchema,
  v3H5UrlSchema,
  v3PrepayIdSchema,
  v3RefundSchema,
} from "./wire-types.js";

const PROVIDER = WECHAT_V3_PROVIDER;

/** Parses one answer with its wire schema (wire-types.ts): an UnexpectedAnswerError naming the field otherwise. */
export function parseV3Answer<S extends z.ZodType>(method: string, schema: S, value: unknown): z.output<S> {
  return parseAnswer({ provider: PROVIDER, method, schema, value });
}

/**
 * A body that must be JSON (an answer, a notification, its decrypted resource): WeChat's APIv3
 * speaks JSON, so a verified body that is not is an UnexpectedAnswerError (outcome unknown), never
 * a SyntaxError.
 */
export function readV3Json(method: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new UnexpectedAnswerError(method, [{ field: "(answer)", rule: "must be JSON" }], {
      provider: PROVIDER,
      cause,
    });
  }
}

/**
 * A time the schema checked is RFC 3339 (or empty, read as absent). Read with v3TimeMs: the check
 * just parsed this text, and the parse is not repeated.
 */
function readTime(value: string | undefined): Date | undefined {
  return value === undefined || value === "" ? undefined : new Date(v3TimeMs(value));
}

/**
 * Body of POST /v3/pay/transactions/{jsapi|native|h5|app} without appid / mchid (the client adds
 * them). JSAPI下单 https://pay.weixin.qq.com/doc/v3/merchant/4012791856; H5 下单
 * https://pay.weixin.qq.com/doc/v3/merchant/4012791834 (scene_info.h5_info required).
 */
export function toV3OrderBody(input: CreatePaymentInput): V3OrderBody {
  const method = input.method;
  return {
    description: input.description,
    out_trade_no: input.outTradeNo,
    notify_url: input.notifyUrl,
    amount: { total: input.amount.fen, currency: input.amount.currency },
    ...(input.expiresAt ? { time_expire: formatBeijingRfc3339(input.expiresAt) } : {}),
    ...(input.attach !== undefined ? { attach: input.attach } : {}),
    ...((method === "jsapi" || method === "mini_program") && input.payer?.openid
      ? { payer: { openid: input.payer.openid } }
      : {}),
    ...(method === "h5"
      ? { scene_info: { payer_client_ip: input.payer?.clientIp, h5_info: { type: "Wap" as const } } }
      : method === "native" && input.payer?.clientIp
        ? { scene_info: { payer_client_ip: input.payer.clientIp } }
        : {}),
  };
}

/** Body of POST /v3/refund/domestic/refunds with every field of https://pay.weixin.qq.com/doc/v3/merchant/4012556457. */
export function toV3RefundBody(request: RefundRequest, defaultNotifyUrl: string | undefined): V3RefundBody {
  const notifyUrl = request.notifyUrl ?? defaultNotifyUrl;
  // Built by assignment rather than conditional spreads (every refund builds one; see
  // fromV3Transaction), keys in the page's order so the signed bytes read as before.
  // transaction_id is what WeChat recommends when known ("建议商户都通过transaction_id申请退款",
  // https://pay.weixin.qq.com/docs/merchant/apis/weixin-pay-score/refunds/create.html).
  const body = (
    request.providerTradeNo
      ? { transaction_id: request.providerTradeNo, out_refund_no: request.outRefundNo }
      : { out_trade_no: request.outTradeNo, out_refund_no: request.outRefundNo }
  ) as Mutable<V3RefundBody>;
  if (request.reason !== undefined) body.reason = request.reason;
  if (notifyUrl !== undefined) body.notify_url = notifyUrl;
  if (request.fundsAccount !== undefined) body.funds_account = request.fundsAccount;
  const amount: V3RefundBody["amount"] = { refund: request.amount.fen } as V3RefundBody["amount"];
  if (request.from) amount.from = request.from.map((f) => ({ account: f.account, amount: f.fen }));
  amount.total = request.total.fen;
  amount.currency = request.amount.currency;
  body.amount = amount;
  if (request.goodsDetail) {
    body.goods_detail = request.goodsDetail.map((g) => {
      const line: NonNullable<V3RefundBody["goods_detail"]>[number] = {
        merchant_goods_id: g.merchantGoodsId,
      } as NonNullable<V3RefundBody["goods_detail"]>[number];
      if (g.wechatpayGoodsId !== undefined) line.wechatpay_goods_id = g.wechatpayGoodsId;
      if (g.goodsName !== undefined) line.goods_name = g.goodsName;
      line.unit_price = g.unitPriceFen;
      line.refund_amount = g.refundFen;
      line.refund_quantity = g.refundQuantity;
      return line;
    });
  }
  return body;
}

/**
 * Body of POST /v3/pay/transactions/codepay without appid / mchid (the client adds them):
 * payer.auth_code, amount and scene_info (store_info.out_id, device_id) as on
 * https://pay.weixin.qq.com/docs/merchant/apis/code-payment-v3/direct/code-pay.html. No
 * notify_url: 付款码支付 sends no payment notification, the result is queried.
 */
export function toV3CodePayBody(input: CreatePaymentInput, authCode: string): V3CodePayBody {
  return {
    description: input.description,
    out_trade_no: input.outTradeNo,
    ...(input.attach !== undefined ? { attach: input.attach } : {}),
    payer: { auth_code: authCode },
    amount: { total: input.amount.fen, currency: input.amount.currency },
    scene_info: {
      ...(input.store ? { store_info: { out_id: input.store.id } } : {}),
      ...(input.store?.deviceId ? { device_id: input.store.deviceId } : {}),
    },
  };
}

/** How a prepay answer becomes what the buyer's client needs (direct and partner alike). */
export interface PrepayContext {
  /** The order as created: provider, merchant, out_trade_no, method. */
  readonly base: Omit<CreatePaymentResult, "action" | "providerReference">;
  /** The app the buyer pays in (appid; a partner's sub_appid or sp_appid). */
  readonly appId: string;
  /** APP调起支付's partnerid: the merchant (mchid), or for a partner the sub-merchant (sub_mchid). */
  readonly partnerId: string;
  readonly timeStamp: string;
  readonly nonceStr: string;
  /** RSA-SHA256 with the caller's merchant key over the lines, base64 (the paySign / sign). */
  readonly sign: (lines: readonly string[]) => string;
  readonly returnUrl?: string | undefined;
}

/**
 * A 下单 answer -> the payment action. JSAPI / 小程序调起支付
 * (https://pay.weixin.qq.com/doc/v3/merchant/4012791857): appId, timeStamp, nonceStr,
 * package=prepay_id=..., signType RSA, paySign over the four lines. APP调起支付
 * (https://pay.weixin.qq.com/doc/v3/merchant/4013070351): appid, partnerid, prepayid,
 * package Sign=WXPay, noncestr, timestamp, sign over appid, timestamp, noncestr, prepayid. Native:
 * the code_url as a QR code; H5: the h5_url, with redirect_url when the order has a return URL.
 */
export function fromV3Prepay(method: string, answer: unknown, ctx: PrepayContext): CreatePaymentResult {
  const { base, appId, timeStamp, nonceStr } = ctx;
  switch (base.method) {
    case "jsapi":
    case "mini_program": {
      const prepayId = parseV3Answer(method, v3PrepayIdSchema, answer).prepay_id;
      const pkg = `prepay_id=${prepayId}`;
      const paySign = ctx.sign([appId, timeStamp, nonceStr, pkg]);
      return {
        ...base,
        providerReference: prepayId,
        action: {
          type: "client_params",
          params: { appId, timeStamp, nonceStr, package: pkg, signType: "RSA", paySign },
        },
      };
    }
    case "app": {
      const prepayid = parseV3Answer(method, v3PrepayIdSchema, answer).prepay_id;
      const sign = ctx.sign([appId, timeStamp, nonceStr, prepayid]);
      return {
        ...base,
        providerReference: prepayid,
        action: {
          type: "client_params",
          params: {
            appid: appId,
            partnerid: ctx.partnerId,
            prepayid,
            package: "Sign=WXPay",
            noncestr: nonceStr,
            timestamp: timeStamp,
            sign,
          },
        },
      };
    }
    case "native":
      return {
        ...base,
        action: { type: "qr_code", content: parseV3Answer(method, v3CodeUrlSchema, answer).code_url },
      };
    default: {
      const h5Url = parseV3Answer(method, v3H5UrlSchema, answer).h5_url;
      const url = ctx.returnUrl ? `${h5Url}&redirect_url=${encodeURIComponent(ctx.returnUrl)}` : h5Url;
      return { ...base, action: { type: "redirect", url } };
    }
  }
}

/**
 * An order query answer -> TradeResult. Only trade_state and out_trade_no are required here:
 * amount, payer, transaction_id and success_time are 选填 on 商户订单号查询订单
 * (https://pay.weixin.qq.com/doc/v3/merchant/4013070356), so an answer without them is mapped
 * without them (an unpaid order's answer, for one), never refused. A direct and a partner
 * transaction are read alike (V3TradeFields).
 */
export function fromV3Transaction(t: V3TradeFields, merchantId: string): TradeResult {
  // Built by assignment rather than conditional spreads: every notification maps one, and the
  // spreads' throwaway objects were most of the mapping's cost in the intake profile.
  const out: Mutable<TradeResult> = {
    provider: PROVIDER,
    merchantId,
    outTradeNo: t.out_trade_no,
    state: mapV3TradeState(t.trade_state),
    rawStatus: t.trade_state,
  };
  if (t.transaction_id) out.providerTradeNo = t.transaction_id;
  const total = t.amount?.total;
  if (total !== undefined) out.amount = cny(total);
  if (t.amount?.payer_total !== undefined) out.paidAmount = cny(t.amount.payer_total);
  const promotions = t.promotion_detail;
  if (promotions !== undefined && promotions.length > 0) {
    out.discountAmount = cny(promotionFen(promotions));
    // 应结订单金额 = 订单金额 - 免充值券 (NOCASH) amounts (the refund page's settlement_total).
    if (total !== undefined)
      out.settlementAmount = cny(total - promotionFen(promotions.filter((p) => p.type === "NOCASH")));
  }
  const paidAt = readTime(t.success_time);
  if (paidAt) out.paidAt = paidAt;
  return out;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The coupons of a paid order: promotion_detail[].amount, each an integer fen. */
function promotionFen(list: NonNullable<V3TradeFields["promotion_detail"]>): number {
  return list.reduce((sum, p) => sum + p.amount, 0);
}

/** A TRANSACTION.SUCCESS resource -> the trade; amount.total is 必填 there (https://pay.weixin.qq.com/doc/v3/merchant/4012791861). */
export function fromV3TransactionNotice(
  t: V3TradeFields & { amount: { total: number } },
  merchantId: string,
): NotifiedTrade {
  // fromV3Transaction has set amount from amount.total, which the type says is there.
  return fromV3Transaction(t, merchantId) as NotifiedTrade;
}

/** A refund answer or a refund notification's resource (direct or partner: the same fields). */
type V3RefundLike = V3Refund | V3RefundNoticeFields;

function isRefundNotice(r: V3RefundLike): r is V3RefundNoticeFields {
  return typeof r.refund_status === "string";
}

export function fromV3Refund(r: V3RefundLike, merchantId: string): RefundResult {
  const notice = isRefundNotice(r);
  const status = notice ? r.refund_status : r.status;
  const out: Mutable<RefundResult> = {
    provider: PROVIDER,
    merchantId,
    outTradeNo: r.out_trade_no,
    outRefundNo: r.out_refund_no,
    providerRefundId: r.refund_id,
    state: mapV3RefundStatus(status),
    rawStatus: status,
    amount: cny(r.amount.refund),
  };
  // payer_refund, discount_refund and settlement_refund when the answer carries them (the refund
  // page, https://pay.weixin.qq.com/doc/v3/merchant/4012556457; a refund notification has
  // payer_refund only, https://pay.weixin.qq.com/doc/v3/merchant/4012791865).
  const amount: Partial<V3Refund["amount"]> = r.amount;
  if (amount.payer_refund !== undefined) out.payerRefundAmount = cny(amount.payer_refund);
  if (amount.discount_refund !== undefined) out.discountRefundAmount = cny(amount.discount_refund);
  if (amount.settlement_refund !== undefined) out.settlementRefundAmount = cny(amount.settlement_refund);
  if (!notice && r.channel) out.channel = r.channel;
  const successAt = readTime(r.success_time);
  if (successAt) out.successAt = successAt;
  if (r.user_received_account) out.receivedAccount = r.user_received_account;
  return out;
}

/** WeChat echoes the refund and order amounts; a difference from what we asked is never ignored. */
export function assertRefundEcho(r: V3Refund, request: { amountFen: number; totalFen: number }): void {
  if (r.amount.refund !== request.amountFen || r.amount.total !== request.totalFen) {
    throw new AmountMismatchError(
      `wechatpay refund ${r.out_refund_no} echoes refund ${r.amount.refund} / total ${r.amount.total} fen, requested ${request.amountFen} / ${request.totalFen}`,
      { provider: PROVIDER },
    );
  }
}

/**
 * 退款申请 answer -> the refund, direct or partner: parsed (an answer without the shape is an
 * UnexpectedAnswerError, an OutcomeUnknownError: the refund stays open and is queried), then it must
 * be about this refund (out_refund_no, out_trade_no 必填; transaction_id when the request named
 * it) and echo the amounts asked.
 */
export function fromV3RefundAnswer(
  answer: unknown,
  r: Pick<RefundRequest, "outRefundNo" | "outTradeNo" | "providerTradeNo" | "amount" | "total">,
  merchantId: string,
): RefundResult {
  const wire = parseV3Answer("POST /v3/refund/domestic/refunds", v3RefundSchema, answer);
  const echo = { provider: PROVIDER, operation: "refund" };
  assertEcho("out_refund_no", r.outRefundNo, wire.out_refund_no, echo);
  assertEcho("out_trade_no", r.outTradeNo, wire.out_trade_no, echo);
  if (r.providerTradeNo) assertEcho("transaction_id", r.providerTradeNo, wire.transaction_id, echo);
  assertRefundEcho(wire, { amountFen: r.amount.fen, totalFen: r.total.fen });
  return fromV3Refund(wire, merchantId);
}

/**
 * 查询单笔退款 answer (https://pay.weixin.qq.com/doc/v3/merchant/4013071041) -> the refund: an answer
 * for another refund or order is never taken for this one (nor for "no such refund": it says
 * nothing about this number).
 */
export function fromV3RefundQueryAnswer(answer: unknown, q: RefundQuery, merchantId: string): RefundResult {
  const wire = parseV3Answer("GET /v3/refund/domestic/refunds/{out_refund_no}", v3RefundSchema, answer);
  const echo = { provider: PROVIDER, operation: "query_refund" };
  assertEcho("out_refund_no", q.outRefundNo, wire.out_refund_no, echo);
  assertEcho("out_trade_no", q.outTradeNo, wire.out_trade_no, echo);
  return fromV3Refund(wire, merchantId);
}
