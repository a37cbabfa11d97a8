import type { Currency } from "../money/money.js";
import type { RefundState } from "../states/refund-state.js";
import type { TradeState } from "../states/trade-state.js";

/** What happened; one name per state a payment or refund can reach, plus the late payment. */
export const EVENT_TYPES = [
  "trade.paid",
  "trade.closed",
  "trade.failed",
  "trade.refunded",
  /** The buyer paid after PayBridge closed the order: the money is at the provider. */
  "trade.paid_after_close",
  "refund.submitted",
  "refund.succeeded",
  "refund.abnormal",
  "refund.closed",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * One state change of a payment or a refund, written to the outbox in the same transaction as the
 * change and delivered at least once. `id` is stable (the same change always has the same id,
 * however many notifications or queries reported it), so a handler can be idempotent by storing
 * the ids it handled in its own database. JSON-safe: dates are ISO strings.
 */
export interface PayBridgeEvent {
  readonly id: string;
  readonly type: EventType;
  /** Events of one order are delivered in the order they were written. */
  readonly outTradeNo: string;
  readonly outRefundNo?: string | undefined;
  readonly provider: string;
  readonly merchantId: string;
  /** The trade state (trade.*) or refund state (refund.*) reached. */
  readonly state: TradeState | RefundState;
  readonly rawStatus: string | undefined;
  readonly amount: { readonly fen: number; readonly currency: Currency };
  readonly occurredAt: string;
}

const TRADE_EVENT: Partial<Record<TradeState, EventType>> = {
  1: "trade.closed",
  2: "trade.failed",
  3: "trade.paid",
  4: "trade.refunded",
};

// States 0-2 are the merchant's own workflow (DESIGN "Unified states"): no event for them.
const REFUND_EVENT: Partial<Record<RefundState, EventType>> = {
  3: "refund.submitted",
  4: "refund.succeeded",
  5: "refund.abnormal",
  6: "refund.closed",
};

export function tradeEventType(state: TradeState): EventType | undefined {
  return TRADE_EVENT[state];
}

export function refundEventType(state: RefundState): EventType | undefined {
  return REFUND_EVENT[state];
}

/** The stable id of a change: its type and its subject (the order, or the refund for refund.*). */
export function eventId(type: EventType, subject: string): string {
  return `${type}:${subject}`;
}

export interface TradeSubject {
  readonly outTradeNo: string;
  readonly provider: string;
  readonly merchantId: string;
  readonly state: TradeState;
  readonly rawStatus: string | undefined;
  readonly amount: { readonly fen: number; readonly currency: Currency };
}

export interface RefundSubject {
  readonly outTradeNo: string;
  readonly outRefundNo: string;
  readonly provider: string;
  readonly merchantId: string;
  readonly state: RefundState;
  readonly rawStatus: string | undefined;
  readonly amount: { readonly fen: number; readonly currency: Currency };
}

/** The event a trade reaching `subject.state` produces (none for 0), or `type` when given. */
export function tradeEvent(subject: TradeSubject, at: Date, type?: EventType): PayBridgeEvent | undefined {
  const t = type ?? tradeEventType(subject.state);
  if (!t) return undefined;
  return {
    id: eventId(t, subject.outTradeNo),
    type: t,
    outTradeNo: subject.outTradeNo,
    provider: subject.provider,
    merchantId: subject.merchantId,
    state: subject.state,
    rawStatus: subject.rawStatus,
    amount: subject.amount,
    occurredAt: at.toISOString(),
  };
}

export function refundEvent(subject: RefundSubject, at: Date): PayBridgeEvent | undefined {
  const t = refundEventType(subject.state);
  if (!t) return undefined;
  return {
    id: eventId(t, subject.outRefundNo),
    type: t,
    outTradeNo: subject.outTradeNo,
    outRefundNo: subject.outRefundNo,
    provider: subject.provider,
    merchantId: subject.merchantId,
    state: subject.state,
    rawStatus: subject.rawStatus,
    amount: subject.amount,
    occurredAt: at.toISOString(),
  };
}
