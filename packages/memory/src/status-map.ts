import { type RefundState, type TradeState, UnknownStatusError } from "@paybridge/core";
import type { MemoryRefundStatus, MemoryTradeStatus } from "./network.js";

export const TRADE_STATUS_MAP = {
  NOTPAY: 0,
  SUCCESS: 3,
  CLOSED: 1,
  REFUND: 4,
} as const satisfies Record<MemoryTradeStatus, TradeState>;

export const REFUND_STATUS_MAP = {
  PROCESSING: 3,
  SUCCESS: 4,
} as const satisfies Record<MemoryRefundStatus, RefundState>;

export function mapTradeStatus(status: string): TradeState {
  const state = (TRADE_STATUS_MAP as Record<string, TradeState>)[status];
  if (state === undefined)
    throw new UnknownStatusError("memory trade status", status, { provider: "memory" });
  return state;
}

export function mapRefundStatus(status: string): RefundState {
  const state = (REFUND_STATUS_MAP as Record<string, RefundState>)[status];
  if (state === undefined)
    throw new UnknownStatusError("memory refund status", status, { provider: "memory" });
  return state;
}
