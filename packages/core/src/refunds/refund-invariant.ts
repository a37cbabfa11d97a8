import {
  AccountAbnormalError,
  InsufficientFundsError,
  InvalidTransitionError,
  type PaymentError,
  TradeStateError,
} from "../errors/errors.js";
import { describeRefundState, RefundState } from "../states/refund-state.js";
import type { LedgerRefund } from "./ledger-records.js";

/**
 * THE REFUND INVARIANT (docs/refunds.md "The invariant"): a refund whose request may have reached
 * the provider is never released (never 6, never counted as free amount) unless the provider has
 * answered authoritatively about that refund number. This file is the only place that decides
 * whether a refund may be closed; every ledger applies it in applyRefundUpdate, so no caller (the
 * engine, a notification, a merchant action, a future code path) can close a refund without it.
 *
 * The evidence a close must carry, one kind per row of the closing table in docs/refunds.md:
 */
export type CloseEvidence =
  /** The merchant withdrew a refund that was never sent (no attempt counted: reject() of a 0). */
  | { readonly kind: "merchant_reject" }
  /**
   * The provider reported this refund number as closed (WeChat CLOSED / REFUNDCLOSE) in an answer
   * that names it: the refund answer, a refund query answer, or a verified refund notification.
   */
  | { readonly kind: "provider_closed"; readonly rawStatus: string }
  /**
   * The provider refused the refund call itself with a business refusal of this refund (balance,
   * account, trade state), and no earlier attempt can still be held: either this was the first
   * attempt, or the provider answered "no such refund" to a query after the earlier attempts.
   */
  | {
      readonly kind: "provider_refused";
      readonly providerCode: string;
      readonly earlierAttemptsRuledOut: boolean;
    };

/**
 * Errors that are the provider refusing this refund request on its merits. Everything else a call
 * can end with (signature, authorization, unknown merchant, malformed request, unmapped code,
 * unknown status, timeouts, lost answers, and every error of a query) says nothing about whether
 * the provider holds the refund number, so it never closes a refund.
 */
export function isRefusalOfRefund(error: PaymentError): boolean {
  return (
    !error.retryable &&
    error.providerCode !== undefined &&
    (error instanceof InsufficientFundsError ||
      error instanceof AccountAbnormalError ||
      error instanceof TradeStateError)
  );
}

/** Why `evidence` may not close `refund`, or undefined when it may. */
export function closeRefusedBecause(
  refund: LedgerRefund,
  evidence: CloseEvidence | undefined,
): string | undefined {
  if (!evidence) return "no evidence that the provider does not hold it was given";
  switch (evidence.kind) {
    case "merchant_reject":
      if (refund.attempts > 0 || refund.state >= RefundState.SUBMITTED)
        return "only a refund never sent (no attempt counted) can be withdrawn by the merchant";
      return undefined;
    case "provider_closed":
      return undefined;
    case "provider_refused":
      if (refund.state >= RefundState.SUBMITTED)
        return `the provider already accepted it (${describeRefundState(refund.state)})`;
      if (refund.attempts > 1 && !evidence.earlierAttemptsRuledOut)
        return "an earlier attempt may still be held by the provider";
      return undefined;
  }
}

/** Throws unless `evidence` allows closing `refund`; called by applyRefundUpdate for every move to 6. */
export function assertMayClose(refund: LedgerRefund, evidence: CloseEvidence | undefined): void {
  const why = closeRefusedBecause(refund, evidence);
  if (why === undefined) return;
  throw new InvalidTransitionError(
    "refund",
    refund.state,
    RefundState.CLOSED,
    `refund ${refund.outRefundNo} cannot be closed: ${why} (the refund invariant, docs/refunds.md)`,
  );
}
