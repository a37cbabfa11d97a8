import { type RefundState, type TradeState, UnknownStatusError } from "@paybridge/core/provider-kit";
import { MEMORY_PROVIDER_ID } from "./errors.js";
import type { MemoryRefundStatus, MemoryTradeStatus } from "./wire-types.js";

/** Every trade status the network answers, mapped to a unified trade state. */
export const TRADE_STATUS_MAP = {
  NOTPAY: 0,
  SUCCESS: 3,
  CLOSED: 1,
  REFUND: 4,
} as const satisfies Record<MemoryTradeStatus, TradeState>;

/** Every refund status the network answers, mapped to a unified refund state. */
export const REFUND_STATUS_MAP = {
  PROCESSING: 3,
  SUCCESS: 4,
} as const satisfies Record<MemoryRefundStatus, RefundState>;

/** A status with no mapping is an UnknownStatusError, never a silent default. */
export function mapTradeStatus(status: string): TradeState {
  const state = (TRADE_STATUS_MAP as Record<string, TradeState>)[status];
  if (state === undefined)
    throw new UnknownStatusError(`${MEMORY_PROVIDER_ID} trade status`, status, {
      provider: MEMORY_PROVIDER_ID,
    });
  return state;
}

export function mapRefundStatus(status: string): RefundState {
  const state = (REFUND_STATUS_MAP as Record<string, RefundState>)[status];
  if (state === undefined)
    throw new UnknownStatusError(`${MEMORY_PROVIDER_ID} refund status`, status, {
      provider: MEMORY_PROVIDER_ID,
    });
  return state;
}
