import { InvalidTransitionError } from "../errors/errors.js";
import { describeRefundState, type RefundState } from "./refund-state.js";
import { describeTradeState, type TradeState } from "./trade-state.js";

/**
 * Allowed moves, as data. States only move forward: a late or duplicate notification must never
 * turn a paid trade back into an unpaid one, or a submitted refund back into a draft.
 */
export const TRADE_TRANSITIONS = {
  // An unpaid trade can be paid, closed (timeout / merchant close / Alipay TRADE_CLOSED) or fail.
  // 0 -> 4 happens when the paid notification was missed and the first query already shows a refund.
  0: [1, 2, 3, 4],
  // CLOSED and FAILED are final: the order number cannot be paid again.
  1: [],
  2: [],
  // A paid trade moves to REFUND on its first successful or pending refund.
  3: [4],
  4: [],
} as const satisfies Record<TradeState, readonly TradeState[]>;

export const REFUND_TRANSITIONS = {
  // Awaiting approval: approved, or rejected by the merchant (closed, nothing was sent).
  0: [1, 6],
  // Approved: submitted and accepted (3) or not accepted yet (2); a synchronous provider answer
  // can also be final straight away (4 / 6), and a provider can report an abnormal refund (5).
  1: [2, 3, 4, 5, 6],
  // Not accepted (never sent, rejected retryably, or response lost): resubmitted with the same number.
  2: [3, 4, 5, 6],
  // Accepted by the provider: only the provider's outcome moves it on.
  3: [4, 5, 6],
  4: [],
  // ABNORMAL (WeChat CHANGE / v3 ABNORMAL) is resolved by manual handling to success or closed.
  5: [4, 6],
  6: [],
} as const satisfies Record<RefundState, readonly RefundState[]>;

export const FINAL_TRADE_STATES: readonly TradeState[] = [1, 2, 4];
export const FINAL_REFUND_STATES: readonly RefundState[] = [4, 6];

export function canTransitionTrade(from: TradeState, to: TradeState): boolean {
  return (TRADE_TRANSITIONS[from] as readonly TradeState[]).includes(to);
}

export function canTransitionRefund(from: RefundState, to: RefundState): boolean {
  return (REFUND_TRANSITIONS[from] as readonly RefundState[]).includes(to);
}

/** Returns `to` when the move is allowed, the same state when nothing changes, and throws otherwise. */
export function transitionTrade(from: TradeState, to: TradeState): TradeState {
  if (from === to || canTransitionTrade(from, to)) return to;
  throw new InvalidTransitionError(
    "trade",
    from,
    to,
    `trade cannot move from ${describeTradeState(from)} to ${describeTradeState(to)}`,
  );
}

export function transitionRefund(from: RefundState, to: RefundState): RefundState {
  if (from === to || canTransitionRefund(from, to)) return to;
  throw new InvalidTransitionError(
    "refund",
    from,
    to,
    `refund cannot move from ${describeRefundState(from)} to ${describeRefundState(to)}`,
  );
}

/**
 * For state reported by a provider (queries, notifications): a report that would move backwards
 * is stale and ignored rather than an error, because providers deliver out of order.
 */
export function mergeTradeState(current: TradeState, reported: TradeState): TradeState {
  return canTransitionTrade(current, reported) ? reported : current;
}

export function mergeRefundState(current: RefundState, reported: RefundState): RefundState {
  return canTransitionRefund(current, reported) ? reported : current;
}
