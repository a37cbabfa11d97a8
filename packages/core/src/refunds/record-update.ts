import { RefundRuleError } from "../errors/errors.js";
import { describeRefundState, RefundState } from "../states/refund-state.js";
import { TradeState } from "../states/trade-state.js";
import { mergeRefundState, mergeTradeState, transitionRefund } from "../states/transitions.js";
import type { LedgerOrder, LedgerRefund, RefundUpdate } from "./ledger.js";
import { assertMayClose } from "./refund-invariant.js";

/**
 * The refund record after `update`, shared by every ledger so the state rules live in one place.
 * Provider reports merge (a stale report never moves a refund backwards); merchant moves are
 * checked transitions and throw InvalidTransitionError when impossible.
 */
export function applyRefundUpdate(current: LedgerRefund, update: RefundUpdate, now: Date): LedgerRefund {
  if (update.expectStates && !update.expectStates.includes(current.state)) {
    throw new RefundRuleError(
      "state",
      `refund ${current.outRefundNo} is ${describeRefundState(current.state)}; expected one of ${update.expectStates.join(", ")}`,
    );
  }
  let state = current.state;
  if (update.state !== undefined) {
    state =
      update.mode === "merge"
        ? mergeRefundState(current.state, update.state)
        : transitionRefund(current.state, update.state);
  }
  // The one gate every ledger passes through: nothing reaches 6 without evidence (refund-invariant.ts).
  if (state === RefundState.CLOSED && current.state !== RefundState.CLOSED)
    assertMayClose(current, update.close);
  // A provider field is taken only from a report that was applied (or that repeats the current state).
  const accepted = update.state === undefined || state === update.state;
  return {
    ...current,
    state,
    rawStatus: accepted && update.rawStatus !== undefined ? update.rawStatus : current.rawStatus,
    providerRefundId: update.providerRefundId ?? current.providerRefundId,
    successAt:
      state === RefundState.SUCCESS ? (current.successAt ?? update.successAt ?? now) : current.successAt,
    lastError: update.lastError === null ? undefined : (update.lastError ?? current.lastError),
    outcomeUnknown:
      state >= RefundState.SUBMITTED ? false : (update.outcomeUnknown ?? current.outcomeUnknown),
    recoveryFailures:
      state >= RefundState.SUBMITTED ? 0 : (update.recoveryFailures ?? current.recoveryFailures),
    retryAt:
      state >= RefundState.SUBMITTED || update.retryAt === null
        ? undefined
        : (update.retryAt ?? current.retryAt),
    updatedAt: now,
  };
}

/** A trade with a refund accepted or succeeded is in state 4, whichever provider holds it (docs/states.md). */
export function tradeStateAfterRefund(order: LedgerOrder, refund: LedgerRefund): LedgerOrder["tradeState"] {
  return tradeStateAfterRefundState(order.tradeState, refund.state);
}

/** `tradeStateAfterRefund` on the two states alone (a SQL ledger maps every trade state with it). */
export function tradeStateAfterRefundState(tradeState: TradeState, refundState: RefundState): TradeState {
  if (refundState === RefundState.SUBMITTED || refundState === RefundState.SUCCESS) {
    return mergeTradeState(tradeState, TradeState.REFUND);
  }
  return tradeState;
}
