import {
  AmountMismatchError,
  type CreatePaymentInput,
  cny,
  formatBeijingRfc3339,
  type NotifiedTrade,
  ProviderError,
  type RefundRequest,
  type RefundResult,
  type TradeResult,
} from "@paybridge/core";
import { mapV3RefundStatus, mapV3TradeState } from "./status-map.js";
import type { V3Refund, V3RefundNotice, V3Transaction } from "./wire-types.js";

const PROVIDER = "wechatpay";

function parseTime(value: string | undefined, field: string): Date | undefined {
  if (value === undefined || value === "") return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new ProviderError(`wechatpay sent an unreadable ${field} ${JSON.stringify(value)}`);
  return new Date(ms);
}

function fen(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new ProviderError(`wechatpay sent an invalid ${field} ${JSON.stringify(value)}`, {
      provider: PROVIDER,
    });
  }
  return value;
}

/**
 * Body of POST /v3/pay/transactions/{jsapi|native|h5|app} without appid / mchid (the library adds
 * them). JSAPI下单 https://pay.weixin.qq.com/doc/v3/merchant/4012791856; H5 下单
 * https://pay.weixin.qq.com/doc/v3/merchant/4012791834 (scene_info.h5_info required).
 */
export function toV3OrderBody(input: CreatePaymentInput): Record<string, unknown> {
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
      ? { scene_info: { payer_client_ip: input.payer?.clientIp, h5_info: { type: "Wap" } } }
      : method === "native" && input.payer?.clientIp
        ? { scene_info: { payer_client_ip: input.payer.clientIp } }
        : {}),
  };
}

/** Body of POST /v3/refund/domestic/refunds with every field of https://pay.weixin.qq.com/doc/v3/merchant/4012556457. */
export function toV3RefundBody(
  request: RefundRequest,
  defaultNotifyUrl: string | undefined,
): Record<string, unknown> {
  const notifyUrl = request.notifyUrl ?? defaultNotifyUrl;
  return {
    // transaction_id is what WeChat recommends when known ("建议商户都通过transaction_id申请退款",
    // https://pay.weixin.qq.com/docs/merchant/apis/weixin-pay-score/refunds/create.html).
    ...(request.providerTradeNo
      ? { transaction_id: request.providerTradeNo }
      : { out_trade_no: request.outTradeNo }),
    out_refund_no: request.outRefundNo,
    ...(request.reason !== undefined ? { reason: request.reason } : {}),
    ...(notifyUrl !== undefined ? { notify_url: notifyUrl } : {}),
    ...(request.fundsAccount !== undefined ? { funds_account: request.fundsAccount } : {}),
    amount: {
      refund: request.amount.fen,
      ...(request.from ? { from: request.from.map((f) => ({ account: f.account, amount: f.fen })) } : {}),
      total: request.total.fen,
      currency: request.amount.currency,
    },
    ...(request.goodsDetail
      ? {
          goods_detail: request.goodsDetail.map((g) => ({
            merchant_goods_id: g.merchantGoodsId,
            ...(g.wechatpayGoodsId !== undefined ? { wechatpay_goods_id: g.wechatpayGoodsId } : {}),
            ...(g.goodsName !== undefined ? { goods_name: g.goodsName } : {}),
            unit_price: g.unitPriceFen,
            refund_amount: g.refundFen,
            refund_quantity: g.refundQuantity,
          })),
        }
      : {}),
  };
}

/**
 * An order query answer -> TradeResult. Only trade_state and out_trade_no are required here:
 * amount, payer, transaction_id and success_time are 选填 on 商户订单号查询订单
 * (https://pay.weixin.qq.com/doc/v3/merchant/4013070356), so an answer without them is mapped
 * without them (an unpaid order's answer, for one), never refused.
 */
export function fromV3Transaction(t: V3Transaction, merchantId: string): TradeResult {
  const paidAt = parseTime(t.success_time, "success_time");
  return {
    provider: PROVIDER,
    merchantId,
    outTradeNo: t.out_trade_no,
    ...(t.transaction_id ? { providerTradeNo: t.transaction_id } : {}),
    state: mapV3TradeState(t.trade_state),
    rawStatus: t.trade_state,
    ...(t.amount?.total !== undefined ? { amount: cny(fen(t.amount.total, "amount.total")) } : {}),
    ...(t.amount?.payer_total !== undefined
      ? { paidAmount: cny(fen(t.amount.payer_total, "amount.payer_total")) }
      : {}),
    ...(t.promotion_detail && t.promotion_detail.length > 0
      ? {
          discountAmount: cny(promotionFen(t.promotion_detail)),
          // 应结订单金额 = 订单金额 - 免充值券 (NOCASH) amounts (the refund page's settlement_total).
          ...(t.amount?.total !== undefined
            ? {
                settlementAmount: cny(
                  fen(t.amount.total, "amount.total") -
                    promotionFen(t.promotion_detail.filter((p) => p.type === "NOCASH")),
                ),
              }
            : {}),
        }
      : {}),
    ...(paidAt ? { paidAt } : {}),
  };
}

/** The coupons of a paid order: promotion_detail[].amount, each an integer fen. */
function promotionFen(list: NonNullable<V3Transaction["promotion_detail"]>): number {
  return list.reduce((sum, p, i) => sum + fen(p.amount, `promotion_detail[${i}].amount`), 0);
}

/** A TRANSACTION.SUCCESS resource -> the trade; amount.total is 必填 there (https://pay.weixin.qq.com/doc/v3/merchant/4012791861). */
export function fromV3TransactionNotice(t: V3Transaction, merchantId: string): NotifiedTrade {
  return { ...fromV3Transaction(t, merchantId), amount: cny(fen(t.amount?.total, "amount.total")) };
}

export function fromV3Refund(r: V3Refund | V3RefundNotice, merchantId: string): RefundResult {
  const status = "status" in r ? r.status : r.refund_status;
  const successAt = parseTime(r.success_time, "success_time");
  return {
    provider: PROVIDER,
    merchantId,
    outTradeNo: r.out_trade_no,
    outRefundNo: r.out_refund_no,
    providerRefundId: r.refund_id,
    state: mapV3RefundStatus(status),
    rawStatus: status,
    amount: cny(fen(r.amount?.refund, "amount.refund")),
    ...refundSplit(r.amount),
    ...(successAt ? { successAt } : {}),
    ...("channel" in r && r.channel ? { channel: r.channel } : {}),
    ...(r.user_received_account ? { receivedAccount: r.user_received_account } : {}),
  };
}

/**
 * payer_refund, discount_refund and settlement_refund when the answer carries them (the refund
 * page, https://pay.weixin.qq.com/doc/v3/merchant/4012556457; a refund notification has
 * payer_refund only, https://pay.weixin.qq.com/doc/v3/merchant/4012791865).
 */
function refundSplit(
  amount: Partial<V3Refund["amount"]> | undefined,
): Pick<RefundResult, "payerRefundAmount" | "discountRefundAmount" | "settlementRefundAmount"> {
  if (!amount) return {};
  return {
    ...(amount.payer_refund !== undefined
      ? { payerRefundAmount: cny(fen(amount.payer_refund, "amount.payer_refund")) }
      : {}),
    ...(amount.discount_refund !== undefined
      ? { discountRefundAmount: cny(fen(amount.discount_refund, "amount.discount_refund")) }
      : {}),
    ...(amount.settlement_refund !== undefined
      ? { settlementRefundAmount: cny(fen(amount.settlement_refund, "amount.settlement_refund")) }
      : {}),
  };
}

/** WeChat echoes the refund and order amounts; a difference from what we asked is never ignored. */
export function assertRefundEcho(r: V3Refund, request: { amountFen: number; totalFen: number }): void {
  if (r.amount?.refund !== request.amountFen || r.amount?.total !== request.totalFen) {
    throw new AmountMismatchError(
      `wechatpay refund ${r.out_refund_no} echoes refund ${r.amount?.refund} / total ${r.amount?.total} fen, requested ${request.amountFen} / ${request.totalFen}`,
      { provider: PROVIDER },
    );
  }
}

/**
 * Body of POST /v3/pay/transactions/codepay without appid / mchid (the client adds them):
 * payer.auth_code, amount and scene_info (store_info.out_id, device_id) as on
 * https://pay.weixin.qq.com/docs/merchant/apis/code-payment-v3/direct/code-pay.html. No
 * notify_url: 付款码支付 sends no payment notification, the result is queried.
 */
export function toV3CodePayBody(input: CreatePaymentInput): Record<string, unknown> {
  return {
    description: input.description,
    out_trade_no: input.outTradeNo,
    ...(input.attach !== undefined ? { attach: input.attach } : {}),
    payer: { auth_code: input.authCode },
    amount: { total: input.amount.fen, currency: input.amount.currency },
    scene_info: {
      ...(input.store ? { store_info: { out_id: input.store.id } } : {}),
      ...(input.store?.deviceId ? { device_id: input.store.deviceId } : {}),
    },
  };
}
