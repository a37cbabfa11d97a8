import type { RefundResult, TradeResult } from "@paybridge/core";
import { cny, type Money } from "@paybridge/core/provider-kit";
import { MEMORY_PROVIDER_ID } from "./errors.js";
import { mapRefundStatus, mapTradeStatus } from "./status-map.js";
import type { MemoryRefund, MemoryTrade } from "./wire-types.js";

/** A network trade as a unified TradeResult of merchant account `merchantId`. */
export function toTrade(t: MemoryTrade, merchantId: string): TradeResult & { amount: Money } {
  return {
    provider: MEMORY_PROVIDER_ID,
    merchantId,
    outTradeNo: t.outTradeNo,
    providerTradeNo: t.tradeNo,
    state: mapTradeStatus(t.status),
    rawStatus: t.status,
    amount: cny(t.totalFen),
    ...(t.paidAt ? { paidAt: t.paidAt, paidAmount: cny(t.totalFen) } : {}),
  };
}

/** A network refund as a unified RefundResult of merchant account `merchantId`. */
export function toRefund(r: MemoryRefund, merchantId: string): RefundResult {
  return {
    provider: MEMORY_PROVIDER_ID,
    merchantId,
    outTradeNo: r.outTradeNo,
    outRefundNo: r.outRefundNo,
    providerRefundId: r.refundId,
    state: mapRefundStatus(r.status),
    rawStatus: r.status,
    amount: cny(r.amountFen),
  };
}
